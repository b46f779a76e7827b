import { expect } from 'chai';
import {
  IdentityAlreadyExistsError,
  NewIdentity,
  PaxosBadRequestError,
  PaxosConnectionError,
  PaxosPermissionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
} from '../../../src/index.js';
import { backoffDelay, retryAfterMs } from '../../../src/adapters/paxos/http/retry-policy.js';
import { aPerson, seedCommand } from '../../support/builders.js';
import {
  CapturingLogger,
  expectNoSecretsInLogs,
  gatewayFor,
  identityFromCreate,
  json,
  problem,
  rejectionOf,
  reset,
  ScriptedPaxos,
  serviceFor,
  wireIdentity,
  type Script,
} from './support.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const CREATE = 'POST /v2/identity/identities';
const GET = 'GET /v2/identity/identities/{id}';
const SANDBOX = 'PUT /v2/identity/identities/{id}/sandbox-status';

const draft = (refId: string | null) => {
  const command = aPerson().build();
  return NewIdentity.create(refId === null ? command : { ...command, refId }, { now: NOW });
};

/** Headers sent, then part of the body, then nothing: the stall ky's own timeout does not see. */
const stallBody: Script = (_request, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
  res.write('{"id":"abc-1","person_details":{');
};

describe('PaxosIdentityGateway transport policy', () => {
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
    paxos.store(wireIdentity('abc-1'));
  });

  afterEach(async () => {
    await paxos.close();
    expectNoSecretsInLogs(logger);
  });

  describe('retries', () => {
    for (const status of [408, 500, 502, 503, 504]) {
      it(`retries a GET answered ${status}: 2 failures then success = 3 requests`, async () => {
        paxos.script(GET, problem(status), problem(status));
        const identity = await gatewayFor(paxos, logger).get('abc-1');

        expect(identity.id).to.equal('abc-1');
        expect(paxos.to(GET)).to.have.length(3);
      });
    }

    it('gives up after maxRetries (default 3): 4 requests, PaxosServerError with attempts 4', async () => {
      paxos.otherwise(GET, problem(503));
      const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosServerError);
      expect(error).to.deep.include({ status: 503, attempts: 4 });
      expect(paxos.to(GET)).to.have.length(4);
      expect(paxos.tokenRequests).to.have.length(1);
    });

    it('honours maxRetries: 0 (1 request) and maxRetries: 4 (5 requests)', async () => {
      paxos.otherwise(GET, problem(500));
      await rejectionOf(gatewayFor(paxos, logger, { maxRetries: 0 }).get('abc-1'));
      expect(paxos.to(GET)).to.have.length(1);
      await rejectionOf(gatewayFor(paxos, logger, { maxRetries: 4 }).get('abc-1'));
      expect(paxos.to(GET)).to.have.length(6);
    });

    it('retries connection resets: 2 resets then success = 3 requests', async () => {
      paxos.script(GET, reset, reset);
      const identity = await gatewayFor(paxos, logger).get('abc-1');

      expect(identity.id).to.equal('abc-1');
      expect(paxos.to(GET)).to.have.length(3);
    });

    it('gives up on resets after maxRetries with PaxosConnectionError: 4 requests', async () => {
      paxos.otherwise(GET, reset);
      const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosConnectionError);
      expect(error).to.deep.include({ attempts: 4, reason: 'UND_ERR_SOCKET' });
      expect(paxos.to(GET)).to.have.length(4);
    });

    it('retries the sandbox-status PUT on 502 and resets: 3 requests, same body each time', async () => {
      paxos.script(SANDBOX, problem(502), reset);
      await gatewayFor(paxos, logger).setSandboxStatus('abc-1', { sanctionsVerification: 'APPROVED' });

      const puts = paxos.to(SANDBOX);
      expect(puts).to.have.length(3);
      expect(new Set(puts.map((r) => r.body)).size).to.equal(1);
    });

    it('retries the create POST (it carries its ref_id) on 503 and on a reset: 3 requests, same bytes', async () => {
      paxos.script(CREATE, problem(503), reset);
      const identity = await gatewayFor(paxos, logger).create(draft('ref-retry'));

      const posts = paxos.to(CREATE);
      expect(posts).to.have.length(3);
      expect(new Set(posts.map((r) => r.body)).size).to.equal(1);
      expect(JSON.parse(posts[0]!.body)).to.have.property('ref_id', 'ref-retry');
      expect(identity.refId).to.equal('ref-retry');
    });

    it('does not retry a create without a ref_id: 1 request', async () => {
      paxos.otherwise(CREATE, problem(503));
      await rejectionOf(gatewayFor(paxos, logger).create(draft(null)));
      expect(paxos.to(CREATE)).to.have.length(1);
    });

    it('does not retry 400, 403 or a 409 on the cip triple: 1 request each', async () => {
      const gateway = gatewayFor(paxos, logger);
      paxos.script(CREATE, problem(400, 'bad'));
      expect(await rejectionOf(gateway.create(draft('r-400')))).to.be.instanceOf(PaxosBadRequestError);
      paxos.script(CREATE, problem(403, 'forbidden'));
      expect(await rejectionOf(gateway.create(draft('r-403')))).to.be.instanceOf(PaxosPermissionError);
      paxos.script(
        CREATE,
        problem(409, 'duplicate (cip_id, cip_id_type, cip_id_country) provided', { meta: { existing: { id: 'x-1' } } }),
      );
      const conflict = await rejectionOf(gateway.create(draft('r-409')));
      expect(conflict).to.be.instanceOf(IdentityAlreadyExistsError);
      expect(conflict).to.deep.include({ conflict: 'cip_id' });

      expect(paxos.to(CREATE)).to.have.length(3);
    });

    it('does not retry a 429 without Retry-After: 1 request', async () => {
      paxos.otherwise(GET, problem(429, 'Too many requests'));
      const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect(error).to.deep.include({ retryAfterMs: undefined, attempts: 1 });
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('waits out a 429 whose Retry-After fits in the deadline: 2 requests', async () => {
      paxos.script(GET, problem(429, 'Too many requests', {}, { 'retry-after': '0' }));
      const identity = await gatewayFor(paxos, logger).get('abc-1');

      expect(identity.id).to.equal('abc-1');
      expect(paxos.to(GET)).to.have.length(2);
    });

    it('does not wait for a Retry-After beyond the deadline: 1 request, PaxosRateLimitError', async () => {
      paxos.script(GET, problem(429, 'Too many requests', {}, { 'retry-after': '300' }));
      const error = await rejectionOf(gatewayFor(paxos, logger, { timeoutMs: 2_000 }).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect(error).to.deep.include({ retryAfterMs: 300_000 });
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('gives up on a 503 whose Retry-After is beyond the deadline: 1 request', async () => {
      paxos.script(GET, problem(503, undefined, {}, { 'retry-after': '120' }));
      const error = await rejectionOf(gatewayFor(paxos, logger, { timeoutMs: 2_000 }).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosServerError);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('backs off exponentially with jitter between attempts (logged delays)', async () => {
      paxos.otherwise(GET, problem(500));
      await rejectionOf(
        gatewayFor(paxos, logger, { maxRetries: 4, retryBackoff: { initialDelayMs: 8, maxDelayMs: 32 } }).get('abc-1'),
      );

      const api = logger.lines.filter((l) => l.fields?.['path'] === '/identity/identities/{id}');
      expect(api.map((l) => l.fields?.['attempt'])).to.deep.equal([1, 2, 3, 4, 5]);
      expect(api.map((l) => l.fields?.['outcome'])).to.deep.equal(['retry', 'retry', 'retry', 'retry', 'fail']);
      expect(api.map((l) => l.level)).to.deep.equal(['warn', 'warn', 'warn', 'warn', 'error']);
      const waits = api.slice(0, 4).map((l) => l.fields?.['retryInMs'] as number);
      // 8, 16, 32, 32 (capped), each with equal jitter: between half and all of it.
      [8, 16, 32, 32].forEach((ceiling, i) => expect(waits[i]).to.be.within(ceiling / 2, ceiling));
    });

    it('computes the backoff schedule: doubling from the initial delay, capped, half fixed and half random', () => {
      expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 8_000, () => 1))).to.deep.equal([
        500, 1000, 2000, 4000, 8000, 8000,
      ]);
      expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 8_000, () => 0))).to.deep.equal([
        250, 500, 1000, 2000, 4000, 4000,
      ]);
    });

    it('reads Retry-After as seconds or as an HTTP date', () => {
      const now = Date.parse('2026-03-15T12:00:00Z');
      expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).to.equal(7_000);
      expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 15 Mar 2026 12:00:30 GMT' }), now)).to.equal(30_000);
      expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).to.equal(undefined);
      expect(retryAfterMs(new Headers(), now)).to.equal(undefined);
    });
  });

  describe('the create replay', () => {
    it('resolves a retried create that meets 409 duplicate ref_id to the first identity (reset, 409, GET)', async () => {
      let firstId: string | undefined;
      paxos.script(
        CREATE,
        (request, res) => {
          // Paxos created the identity, then the connection dropped before the answer arrived.
          const identity = identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'created-1');
          paxos.store(identity);
          firstId = identity['id'] as string;
          res.socket?.destroy();
        },
        problem(409, 'duplicate ref_id provided', { title: 'Already Exists', meta: { existing: { id: 'created-1' } } }),
      );
      const identity = await serviceFor(paxos, logger).createIdentity(seedCommand());

      expect(identity.id).to.equal(firstId);
      expect(identity.cip?.cipId.reveal()).to.equal('111-11-1234');
      expect(paxos.apiRequests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'POST /v2/identity/identities',
        'POST /v2/identity/identities',
        'GET /v2/identity/identities/created-1',
      ]);
      expect(paxos.tokenRequests).to.have.length(1);
    });

    it('keeps a 409 duplicate ref_id of somebody else as IdentityAlreadyExistsError', async () => {
      paxos.store(wireIdentity('someone-else'));
      paxos.script(CREATE, problem(409, 'duplicate ref_id provided', { meta: { existing: { id: 'someone-else' } } }));
      const error = await rejectionOf(serviceFor(paxos, logger).createIdentity(seedCommand()));

      expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
      expect(error).to.deep.include({ existingId: 'someone-else', conflict: 'ref_id' });
      // The create, then the identity it names, read by the gateway (to tell a missing one) and by the use case.
      expect(paxos.apiRequests).to.have.length(3);
    });
  });

  describe('deadline', () => {
    it('times out a body that stalls after the headers: PaxosTimeoutError, 1 request', async () => {
      paxos.otherwise(GET, stallBody);
      // An attempt budget as long as the deadline, started after it: the call's deadline is what ends the body here.
      const error = await rejectionOf(
        gatewayFor(paxos, logger, { timeoutMs: 200, attemptTimeoutMs: 200 }).get('abc-1'),
      );

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({
        timeoutMs: 200,
        attempts: 1,
        request: { method: 'GET', path: '/identity/identities/{id}' },
      });
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('times out a server that never sends headers', async () => {
      paxos.otherwise(GET, () => undefined);
      const error = await rejectionOf(gatewayFor(paxos, logger, { timeoutMs: 200 }).get('abc-1'));
      expect(error).to.be.instanceOf(PaxosTimeoutError);
    });

    it('covers retries and backoff too: no attempt starts after the deadline', async () => {
      paxos.otherwise(GET, problem(503));
      const error = await rejectionOf(
        gatewayFor(paxos, logger, {
          timeoutMs: 300,
          maxRetries: 5,
          retryBackoff: { initialDelayMs: 1_000, maxDelayMs: 1_000 },
        }).get('abc-1'),
      );

      expect(error).to.be.instanceOf(PaxosServerError);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('rejects with the caller’s own reason when the caller aborts', async () => {
      paxos.otherwise(GET, stallBody);
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const call = gatewayFor(paxos, logger).get('abc-1', { signal: controller.signal });
      while (paxos.to(GET).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort(reason);

      expect(await rejectionOf(call)).to.equal(reason);
    });

    it('does not send anything when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('already'));
      await rejectionOf(gatewayFor(paxos, logger).get('abc-1', { signal: controller.signal }));
      expect(paxos.requests).to.have.length(0);
    });
  });

  describe('redirects', () => {
    it('does not follow a 307 and does not re-send the body elsewhere', async () => {
      const elsewhere = await ScriptedPaxos.start();
      try {
        paxos.otherwise(CREATE, (_request, res) => {
          res.writeHead(307, { location: `${elsewhere.baseUrl}/identity/identities` });
          res.end();
        });
        const error = await rejectionOf(gatewayFor(paxos, logger).create(draft('ref-redirect')));

        expect(error).to.be.instanceOf(PaxosResponseError);
        expect(error).to.deep.include({ status: 307 });
        expect(paxos.to(CREATE)).to.have.length(1);
        expect(elsewhere.requests).to.have.length(0);
      } finally {
        await elsewhere.close();
      }
    });

    it('does not follow a redirect from the token endpoint either', async () => {
      paxos.script('POST /oauth2/token', (_request, res) => {
        res.writeHead(302, { location: 'http://127.0.0.1:9/oauth2/token' });
        res.end();
      });
      const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));
      expect(error).to.be.instanceOf(PaxosResponseError);
      expect(error).to.deep.include({ status: 302 });
    });
  });

  it('accepts any 2xx with an identity body', async () => {
    paxos.script(GET, (_request, res) => {
      json(res, 203, wireIdentity('abc-1'));
    });
    expect((await gatewayFor(paxos, logger).get('abc-1')).id).to.equal('abc-1');
  });
});
