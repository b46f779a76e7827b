import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  IdentityNotFoundError,
  NewIdentity,
  PaxosConnectionError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
} from '../../../src/index.js';
import { InMemoryTokenCache, PaxosIdentityGateway } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import {
  CANARY_SSN,
  CLIENT_ID,
  json,
  ManualClock,
  problem,
  rejectionOf,
  ScriptedPaxos,
  wireIdentity,
  type Script,
  useScriptedPaxos,
  pause,
  settle,
} from './support.js';

const GET = 'GET /v2/identity/identities/{id}';
const CREATE = 'POST /v2/identity/identities';
const TOKEN = 'POST /oauth2/token';
const NOW = new Date('2026-03-15T12:00:00Z');

/** Headers, a part of the body, then a dropped connection. */
const resetMidBody: Script = (_request, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
  res.write('{"id":"abc-1","person_details":{', () => {
    setTimeout(() => res.socket?.destroy(), 20);
  });
};

describe('transport under attack: tokens, bodies and what errors show', () => {
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;
  let paxos: ScriptedPaxos;
  beforeEach(() => {
    ({ paxos } = bench);
  });

  describe('tokens', () => {
    it('a 401 storm: 30 concurrent calls refused with the old token cost one fresh token, one retry each', async () => {
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiterOf() });
      await gateway.get('abc-1');
      paxos.otherwise(GET, (request, res) => {
        if (request.headers.authorization === 'Bearer CANARY-access-token-1')
          void problem(401, 'expired')(request, res);
        else json(res, 200, wireIdentity('abc-1'));
      });
      const results = await Promise.all(Array.from({ length: 30 }, () => settle(gateway.get('abc-1'))));

      for (const r of results) expect(r.error).to.equal(undefined);
      expect(paxos.tokenRequests).to.have.length(2);
      expect(paxos.to(GET)).to.have.length(1 + 30 * 2);
    });

    it('a token endpoint that resets, stalls or answers garbage: typed errors, and the next call tries again', async () => {
      paxos.script(
        TOKEN,
        (_r, res) => {
          res.socket?.destroy();
        },
        (_r, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"access_token":"');
        },
        (_r, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('<html>not a token</html>');
        },
      );
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 400 }), { rateLimiter: limiterOf() });

      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosConnectionError);
      const stalled = await settle(gateway.get('abc-1'));
      expect(stalled.error).to.be.instanceOf(PaxosTimeoutError);
      expect(stalled.ms).to.be.below(1_500);
      // The stalled token request has a deadline of its own, started just after the call's: let it end, or the next
      // call joins it (one token request in flight) and shares its timeout.
      await pause(50);
      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosResponseError);
      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    });

    it('cache keys: two client ids or two scope sets sharing one cache never see each other’s token', async () => {
      const cache = new InMemoryTokenCache();
      const a = new PaxosIdentityGateway(options(), { tokenCache: cache });
      const b = new PaxosIdentityGateway(options({ clientId: 'client-456' }), { tokenCache: cache });
      const c = new PaxosIdentityGateway(options({ scopes: ['identity:read_identity'] }), { tokenCache: cache });
      const d = new PaxosIdentityGateway(options({ scopes: ['identity:read_identity'] }), { tokenCache: cache });
      await a.get('abc-1');
      await b.get('abc-1');
      await c.get('abc-1');
      await d.get('abc-1');

      expect(paxos.tokenRequests.map((r) => new URLSearchParams(r.body).get('client_id'))).to.deep.equal([
        CLIENT_ID,
        'client-456',
        CLIENT_ID,
      ]);
      const sent = paxos.to(GET).map((r) => r.headers.authorization);
      expect(sent).to.deep.equal([
        'Bearer CANARY-access-token-1',
        'Bearer CANARY-access-token-2',
        'Bearer CANARY-access-token-3',
        'Bearer CANARY-access-token-3',
      ]);
    });

    it('a clock pinned or going backwards keeps the token until a 401, which refreshes it once', async () => {
      const clock = new ManualClock();
      const gateway = new PaxosIdentityGateway(options(), { clock });
      await gateway.get('abc-1');
      clock.advance(-3_600_000);
      await gateway.get('abc-1');
      expect(paxos.tokenRequests).to.have.length(1);

      paxos.script(GET, problem(401, 'expired'));
      await gateway.get('abc-1');
      expect(paxos.tokenRequests).to.have.length(2);
    });
  });

  describe('bodies', () => {
    it('a GET whose body resets mid-way is retried (it is safe), and succeeds', async () => {
      paxos.script(GET, resetMidBody);
      const gateway = new PaxosIdentityGateway(options());

      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      expect(paxos.to(GET)).to.have.length(2);
    });

    it('a create without ref_id whose body resets mid-way is not retried', async () => {
      paxos.script(CREATE, resetMidBody);
      const gateway = new PaxosIdentityGateway(options());
      const error = await rejectionOf(gateway.create(NewIdentity.create(aPerson().build(), { now: NOW })));

      expect(error).to.be.instanceOf(PaxosConnectionError);
      expect(paxos.to(CREATE)).to.have.length(1);
    });

    it('a body that stalls mid-way is ended by the deadline, also on the create', async () => {
      const stall: Script = (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
        res.write('{"id":"abc-1",');
      };
      paxos.script(CREATE, stall);
      // An attempt budget beyond the deadline: the call's deadline is what ends the body here.
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 300, attemptTimeoutMs: 5_000 }));
      const { error, ms } = await settle(
        gateway.create(NewIdentity.create({ ...aPerson().build(), refId: 'r-stall' }, { now: NOW })),
      );

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(ms).to.be.below(1_500);
    });
  });

  describe('what errors show', () => {
    it('an x-request-id echoing the bearer token is not kept in the error or the log', async () => {
      paxos.otherwise(GET, (request, res) => {
        const echoed = (request.headers.authorization ?? '').replace(/^Bearer /, '');
        void problem(500, undefined, {}, { 'x-request-id': echoed })(request, res);
      });
      const gateway = new PaxosIdentityGateway(options({ maxRetries: 0 }));
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosServerError);
      expect((error as PaxosServerError).requestId).to.equal(undefined);
    });

    it('a Problem type quoting the SSN sent is not kept', async () => {
      paxos.otherwise(CREATE, (request, res) => {
        void problem(400, 'bad', { type: `https://errors.example/${CANARY_SSN}` })(request, res);
      });
      const gateway = new PaxosIdentityGateway(options());
      const identity = NewIdentity.create(aPerson().with({ cipId: CANARY_SSN }).build(), { now: NOW });
      const error = await rejectionOf(gateway.create(identity));
      expect((error as { problemType?: unknown }).problemType).to.equal(undefined);
    });

    it('errors of a call on /identities/{id} name the template, never the id, except the not-found id itself', async () => {
      paxos.otherwise(GET, problem(500));
      const gateway = new PaxosIdentityGateway(options({ maxRetries: 0 }));
      const error = await rejectionOf(gateway.get('secret-looking-id-42'));
      for (const text of [inspect(error, { showHidden: true, depth: Infinity }), JSON.stringify(error), String(error)])
        expect(text).not.to.include('secret-looking-id-42');

      paxos.otherwise(GET, problem(404, 'not found'));
      const missing = await rejectionOf(gateway.get('gone-1'));
      expect(missing).to.be.instanceOf(IdentityNotFoundError);
      expect(JSON.stringify(missing)).not.to.include('/v2/identity/identities/gone-1');
    });
  });
});
