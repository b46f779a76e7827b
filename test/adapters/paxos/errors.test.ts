import { expect } from 'chai';
import {
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityServiceError,
  NewIdentity,
  PaxosAuthenticationError,
  PaxosBadRequestError,
  PaxosConnectionError,
  PaxosHttpError,
  PaxosPermissionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
} from '../../../src/index.js';
import { redactDetail } from '../../../src/adapters/paxos/errors.js';
import { aPerson } from '../../support/builders.js';
import {
  CANARY_SSN,
  CapturingLogger,
  expectNoSecretsIn,
  expectNoSecretsInLogs,
  gatewayFor,
  json,
  problem,
  rejectionOf,
  reset,
  ScriptedPaxos,
  wireIdentity,
  type Script,
} from './support.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const CREATE = 'POST /v2/identity/identities';
const GET = 'GET /v2/identity/identities/{id}';
const ALREADY_EXISTS = 'https://developer.paxos.com/docs/v2/problems/already-exists';

function canaryDraft(refId = 'ref-canary'): NewIdentity {
  return NewIdentity.create(
    aPerson().with({ cipId: CANARY_SSN, dateOfBirth: '1971-02-03' }).withCommand({ refId }).build(),
    { now: NOW },
  );
}

describe('PaxosIdentityGateway errors', () => {
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
  });

  afterEach(async () => {
    await paxos.close();
    expectNoSecretsInLogs(logger);
  });

  describe('each status becomes its error class', () => {
    const cases: ReadonlyArray<{
      status: number;
      type: abstract new (...args: never[]) => IdentityServiceError;
      code: string;
    }> = [
      { status: 400, type: PaxosBadRequestError, code: 'paxos_bad_request' },
      { status: 401, type: PaxosAuthenticationError, code: 'paxos_authentication' },
      { status: 403, type: PaxosPermissionError, code: 'paxos_permission' },
      { status: 404, type: IdentityNotFoundError, code: 'identity_not_found' },
      { status: 422, type: PaxosHttpError, code: 'paxos_http_error' },
      { status: 429, type: PaxosRateLimitError, code: 'paxos_rate_limited' },
      { status: 500, type: PaxosServerError, code: 'paxos_server_error' },
      { status: 502, type: PaxosServerError, code: 'paxos_server_error' },
      { status: 503, type: PaxosServerError, code: 'paxos_server_error' },
      { status: 504, type: PaxosServerError, code: 'paxos_server_error' },
      { status: 408, type: PaxosTimeoutError, code: 'paxos_timeout' },
    ];
    for (const { status, type, code } of cases) {
      it(`${status} → ${type.name}, with status, problemType, requestId and the request summary`, async () => {
        paxos.otherwise(
          GET,
          problem(
            status,
            'something went wrong',
            { type: 'https://developer.paxos.com/docs/v2/problems/x' },
            { 'x-request-id': `req-${status}` },
          ),
        );
        const error = await rejectionOf(gatewayFor(paxos, logger, { maxRetries: 0 }).get('abc-1'));

        expect(error).to.be.instanceOf(type);
        expect(error).to.be.instanceOf(IdentityServiceError);
        expect(error).to.deep.include({
          code,
          status,
          problemType: 'https://developer.paxos.com/docs/v2/problems/x',
          requestId: `req-${status}`,
          request: { method: 'GET', path: '/identity/identities/{id}' },
        });
        expect(JSON.parse(JSON.stringify(error))).to.deep.include({ code, status, requestId: `req-${status}` });
      });
    }

    it('400 → PaxosBadRequestError carrying the detail', async () => {
      paxos.otherwise(CREATE, problem(400, 'first_name: must match pattern'));
      const error = (await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()))) as PaxosBadRequestError;

      expect(error).to.be.instanceOf(PaxosBadRequestError);
      expect(error.detail).to.equal('first_name: must match pattern');
      expect(error.message).to.include('first_name: must match pattern');
      expect(error.request).to.deep.equal({ method: 'POST', path: '/identity/identities' });
    });

    it('403 → PaxosPermissionError naming the missing scope', async () => {
      paxos.otherwise(
        CREATE,
        problem(
          403,
          "insufficient scopes: found 'identity:read_identity', required one of '[identity:write_identity]'",
        ),
      );
      const error = (await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()))) as PaxosPermissionError;

      expect(error).to.be.instanceOf(PaxosPermissionError);
      expect(error.requiredScopes).to.deep.equal(['identity:write_identity']);
      expect(error.grantedScopes).to.deep.equal(['identity:read_identity']);
      expect(error.message).to.include('identity:write_identity');
    });

    it('404 → IdentityNotFoundError with the id asked for', async () => {
      const error = (await rejectionOf(gatewayFor(paxos, logger).get('nope-1'))) as IdentityNotFoundError;
      expect(error).to.be.instanceOf(IdentityNotFoundError);
      expect(error.identityId).to.equal('nope-1');
      expect((error as { status?: unknown }).status).to.equal(404);
    });

    it('409 duplicate ref_id → IdentityAlreadyExistsError(existingId, ref_id)', async () => {
      paxos.otherwise(
        CREATE,
        problem(409, 'duplicate ref_id provided', {
          type: ALREADY_EXISTS,
          title: 'Already Exists',
          meta: { existing: { id: 'c9560de1-835c-48fa-bd1a-e91da2ef770c' } },
        }),
      );
      // Somebody else's identity holds the ref_id: the gateway reads it, sees it is not this create's, and says so.
      paxos.store(wireIdentity('c9560de1-835c-48fa-bd1a-e91da2ef770c'));
      const error = (await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()))) as IdentityAlreadyExistsError;

      expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
      expect(error).to.deep.include({
        existingId: 'c9560de1-835c-48fa-bd1a-e91da2ef770c',
        conflict: 'ref_id',
        problemType: ALREADY_EXISTS,
        status: 409,
      });
    });

    it('409 duplicate cip triple → IdentityAlreadyExistsError(existingId, cip_id), from application/problem+json too', async () => {
      paxos.otherwise(CREATE, (_request, res) => {
        const body = JSON.stringify({
          type: ALREADY_EXISTS,
          title: 'Already Exists',
          status: 409,
          detail: 'duplicate (cip_id, cip_id_type, cip_id_country) provided',
          meta: { existing: { id: 'other-1' } },
        });
        res.writeHead(409, { 'content-type': 'application/problem+json' });
        res.end(body);
      });
      const error = (await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()))) as IdentityAlreadyExistsError;

      expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
      expect(error).to.deep.include({ existingId: 'other-1', conflict: 'cip_id' });
    });

    it('409 without meta.existing.id → PaxosHttpError, never a replay', async () => {
      paxos.otherwise(CREATE, problem(409, 'duplicate ref_id provided'));
      const error = await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()));
      expect(error).to.be.instanceOf(PaxosHttpError);
      expect(error).to.deep.include({ status: 409 });
    });

    it('429 → PaxosRateLimitError with retryAfterMs', async () => {
      paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': '300' }));
      const error = (await rejectionOf(gatewayFor(paxos, logger).get('abc-1'))) as PaxosRateLimitError;

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect(error.retryAfterMs).to.equal(300_000);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('a 502 page that is not JSON still becomes PaxosServerError', async () => {
      paxos.otherwise(GET, (_request, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad Gateway</html>');
      });
      const error = await rejectionOf(gatewayFor(paxos, logger, { maxRetries: 0 }).get('abc-1'));
      expect(error).to.be.instanceOf(PaxosServerError);
      expect(error).to.deep.include({ status: 502, problemType: undefined });
    });

    it('no response → PaxosConnectionError with the system code', async () => {
      paxos.otherwise(GET, reset);
      const error = (await rejectionOf(
        gatewayFor(paxos, logger, { maxRetries: 0 }).get('abc-1'),
      )) as PaxosConnectionError;

      expect(error).to.be.instanceOf(PaxosConnectionError);
      expect(error.reason).to.equal('UND_ERR_SOCKET');
      expect(error.status).to.equal(undefined);
    });

    it('a refused connection → PaxosConnectionError (ECONNREFUSED)', async () => {
      const closed = await ScriptedPaxos.start();
      const baseUrl = closed.baseUrl;
      await closed.close();
      const error = (await rejectionOf(
        gatewayFor(paxos, logger, { baseUrl, maxRetries: 0 }).get('abc-1'),
      )) as PaxosConnectionError;

      expect(error).to.be.instanceOf(PaxosConnectionError);
      expect(error.reason).to.equal('ECONNREFUSED');
    });
  });

  describe('personal data', () => {
    it('scrubs an SSN or date of birth Paxos echoes in a 400 detail', async () => {
      paxos.otherwise(
        CREATE,
        problem(400, `cip_id ${CANARY_SSN} and date_of_birth 1971-02-03 rejected; also 987654320`),
      );
      const error = (await rejectionOf(gatewayFor(paxos, logger).create(canaryDraft()))) as PaxosBadRequestError;

      expect(error.detail).to.equal('cip_id [REDACTED] and date_of_birth [REDACTED] rejected; also [REDACTED]');
    });

    it('never keeps a Problem body, a request body, headers or the token on any error', async () => {
      const scripts: Script[] = [
        problem(400, `bad ${CANARY_SSN}`),
        problem(401),
        problem(403, `forbidden for ${CANARY_SSN}`),
        problem(409, `duplicate ref_id provided ${CANARY_SSN}`, { meta: { existing: { id: 'x-1' }, cip: CANARY_SSN } }),
        problem(422, `unprocessable ${CANARY_SSN}`),
        problem(429, CANARY_SSN),
        problem(500, CANARY_SSN),
        reset,
        (_request, res) => {
          json(res, 200, { person_details: { cip_id: CANARY_SSN } });
        },
        (_request, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"id":"x","person_details":{"cip_id":"${CANARY_SSN}"`);
        },
        (_request, res) => {
          res.writeHead(307, { location: `http://127.0.0.1:9/steal?ssn=${CANARY_SSN}` });
          res.end();
        },
      ];
      const errors: unknown[] = [];
      // The 409 names an identity that exists (somebody else's), so that it stays IdentityAlreadyExistsError.
      paxos.store(wireIdentity('x-1'));
      for (const script of scripts) {
        paxos.otherwise(CREATE, script);
        errors.push(await rejectionOf(gatewayFor(paxos, logger, { maxRetries: 0 }).create(canaryDraft())));
      }

      expect(errors.map((e) => (e as IdentityServiceError).constructor.name)).to.deep.equal([
        'PaxosBadRequestError',
        'PaxosAuthenticationError',
        'PaxosPermissionError',
        'IdentityAlreadyExistsError',
        'PaxosHttpError',
        'PaxosRateLimitError',
        'PaxosServerError',
        'PaxosConnectionError',
        'PaxosResponseError',
        'PaxosResponseError',
        'PaxosResponseError',
      ]);
      for (const error of errors) {
        expectNoSecretsIn(error);
        expect((error as Error).cause).to.equal(undefined);
        expect(Object.keys(error as object)).not.to.include.members(['response', 'body', 'headers', 'options']);
      }
    });

    it('redactDetail removes SSN, ITIN and EIN shapes and the values sent, and bounds the length', () => {
      expect(redactDetail('ssn 123-45-6789, ein 12-3456789, raw 123456789', [])).to.equal(
        'ssn [REDACTED], ein [REDACTED], raw [REDACTED]',
      );
      expect(redactDetail('passport X1234567Z refused', ['X1234567Z'])).to.equal('passport [REDACTED] refused');
      expect(redactDetail('line\nbreak\u0007', [])).to.equal('line break');
      expect(redactDetail('x'.repeat(1000), [])).to.have.length(301);
      expect(redactDetail(undefined, [])).to.equal(undefined);
    });
  });

  describe('responses that cannot be used', () => {
    it('a 200 whose JSON is truncated → PaxosResponseError, not a SyntaxError', async () => {
      paxos.otherwise(GET, (_request, res) => {
        const text = JSON.stringify(wireIdentity('abc-1'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text.slice(0, text.indexOf(CANARY_SSN) + 5));
      });
      const error = (await rejectionOf(gatewayFor(paxos, logger).get('abc-1'))) as PaxosResponseError;

      expect(error).to.be.instanceOf(PaxosResponseError);
      expect(error.message).to.include('not valid JSON');
      expect(error.status).to.equal(200);
      // A cut answer is a lost one: asked again like a reset, up to maxRetries (default 3), then reported.
      expect(paxos.to(GET)).to.have.length(4);
    });

    it('a 200 that is not an identity → PaxosResponseError naming the fields, not their values', async () => {
      paxos.otherwise(GET, (_request, res) => {
        json(res, 200, {
          ...wireIdentity('abc-1'),
          id: undefined,
          is_merchant: 'yes',
          person_details: {
            ...(wireIdentity('x')['person_details'] as object),
            first_name: 42,
            address: { city: 'X' },
          },
        });
      });
      const error = (await rejectionOf(gatewayFor(paxos, logger).get('abc-1'))) as PaxosResponseError;

      expect(error).to.be.instanceOf(PaxosResponseError);
      expect(error.issues).to.deep.equal([
        'id: isDefined, isString, isNotEmpty',
        'person_details.first_name: isString',
        'person_details.address.country: isDefined, isString',
        'person_details.address.address1: isDefined, isString',
        'person_details.address.province: isDefined, isString',
        'is_merchant: isBoolean',
      ]);
    });

    it('a date of birth in neither form → PaxosResponseError', async () => {
      paxos.otherwise(GET, (_request, res) => {
        json(
          res,
          200,
          wireIdentity('abc-1', {
            person_details: { ...(wireIdentity('x')['person_details'] as object), date_of_birth: '01/01/1980' },
          }),
        );
      });
      const error = (await rejectionOf(gatewayFor(paxos, logger).get('abc-1'))) as PaxosResponseError;
      expect(error.issues).to.deep.equal(['person_details.date_of_birth: isDate']);
    });

    it('an empty 200 body or a JSON array → PaxosResponseError', async () => {
      paxos.script(
        GET,
        (_request, res) => {
          res.writeHead(200);
          res.end();
        },
        (_request, res) => {
          json(res, 200, [1, 2]);
        },
      );
      // No retry: an empty body would otherwise be asked again (a cut answer), which the transport suites cover.
      const gateway = gatewayFor(paxos, logger, { maxRetries: 0 });
      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosResponseError);
      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosResponseError);
    });
  });
});
