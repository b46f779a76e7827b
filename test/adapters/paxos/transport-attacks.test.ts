import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  createIdentityService,
  IdentityNotFoundError,
  NewIdentity,
  PaxosAuthenticationError,
  PaxosConfigurationError,
  PaxosConnectionError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
  type PaxosGatewayOptions,
} from '../../../src/index.js';
import {
  InMemoryTokenCache,
  PaxosAccountGateway,
  PaxosConnection,
  PaxosIdentityGateway,
} from '../../../src/gateways.js';
import { resolvePaxosConfig } from '../../../src/adapters/paxos/config.js';
import { retryAfterMs } from '../../../src/adapters/paxos/http/retry-policy.js';
import { startPaxosEmulator } from '../../../src/testing.js';
import { paxosOptionsFor } from '../../support/paxos.js';
import { aPerson } from '../../support/builders.js';
import {
  CANARY_SECRET,
  CANARY_SSN,
  CLIENT_ID,
  identityFromCreate,
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

    it('a token endpoint that resets, answers garbage or stalls: typed errors, the stall asked again', async () => {
      paxos.script(
        TOKEN,
        (_r, res) => {
          res.socket?.destroy();
        },
        (_r, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('<html>not a token</html>');
        },
        (_r, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"access_token":"');
        },
      );
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 400 }), { rateLimiter: limiterOf() });

      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosConnectionError);
      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosResponseError);
      // The stall costs its attempt (a quarter of the deadline), and a second token request serves the call.
      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      expect(paxos.tokenRequests).to.have.length(4);
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
      // An attempt budget as long as the deadline, started after it: the call's deadline is what ends the body here.
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 300, attemptTimeoutMs: 300 }));
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

/** Headers, then the body one byte every `everyMs`: never idle long, never done soon. */
function trickle(everyMs: number): Script {
  return (_request, res) => {
    const text = JSON.stringify(wireIdentity('abc-1'));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= text.length) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(text[sent]);
      sent += 1;
    }, everyMs);
    res.on('close', () => {
      clearInterval(timer);
    });
  };
}

/** Reads the request and answers nothing, not even the headers, until the client gives up. */
const stallHeaders: Script = () => undefined;

/** Timers alive in this process: what a call must not leave behind. */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('transport under attack: attempt budgets, answer checks, Retry-After, secrets and options', () => {
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;
  let paxos: ScriptedPaxos;
  beforeEach(() => {
    ({ paxos } = bench);
  });

  describe('the attempt budget', () => {
    it('a body trickling a byte more often than the budget is still cut: the budget covers the whole body', async () => {
      paxos.otherwise(GET, trickle(30));
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 100, maxRetries: 2 }));
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({ timeoutMs: 100, attempts: 3 });
      expect(paxos.to(GET)).to.have.length(3);
    });

    it('headers sent, then the body stalls once: the attempt is cut and the GET asked again', async () => {
      paxos.script(GET, (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
        res.write('{"id":"abc-1",');
      });
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 100 }));

      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      expect(paxos.to(GET)).to.have.length(2);
    });

    it('a token endpoint that stalls once costs one token attempt, not the call', async () => {
      paxos.script(TOKEN, stallHeaders);
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 100 }), { rateLimiter: limiterOf() });

      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      expect(paxos.tokenRequests).to.have.length(2);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('a token endpoint that always stalls: PaxosTimeoutError of the token route, within maxRetries + 1 token requests', async () => {
      paxos.otherwise(TOKEN, stallHeaders);
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 60, maxRetries: 2 }), {
        rateLimiter: limiterOf(),
      });
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({ timeoutMs: 60, request: { method: 'POST', path: '/oauth2/token' } });
      expect(paxos.tokenRequests).to.have.length(3);
      expect(paxos.apiRequests).to.have.length(0);
    });

    it('50 calls on one caller signal wait out a stalled token request: no MaxListenersExceededWarning', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        paxos.script(TOKEN, stallHeaders);
        const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 100 }), { rateLimiter: limiterOf() });
        const signal = new AbortController().signal;
        const results = await Promise.all(Array.from({ length: 50 }, () => settle(gateway.get('abc-1', { signal }))));
        await new Promise((resolve) => setImmediate(resolve));

        for (const { error } of results) expect(error).to.equal(undefined);
        expect(paxos.tokenRequests).to.have.length(2);
        expect(warnings.map((w) => w.name)).to.deep.equal([]);
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('a create without ref_id is sent once whatever its token took: a stalled token is not a sent create', async () => {
      paxos.script(TOKEN, stallHeaders);
      paxos.script(CREATE, stallHeaders);
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 80 }), { rateLimiter: limiterOf() });
      const error = await rejectionOf(gateway.create(NewIdentity.create(aPerson().build(), { now: NOW })));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(paxos.tokenRequests).to.have.length(2);
      expect(paxos.to(CREATE)).to.have.length(1);
    });

    it('no timer outlives a call: stalls, retries, cut bodies, refusals and successes leave none behind', async () => {
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 60, maxRetries: 1 }));
      await gateway.get('abc-1');
      const before = liveTimers();
      paxos.script(GET, stallHeaders, resetMidBody, stallHeaders, stallHeaders, problem(503), problem(404));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      await gateway.get('abc-1');
      // A token request that stalls once, and one that always does, on gateways of their own.
      paxos.script(TOKEN, stallHeaders);
      await new PaxosIdentityGateway(options({ attemptTimeoutMs: 60 })).get('abc-1');
      paxos.otherwise(TOKEN, stallHeaders);
      await settle(new PaxosIdentityGateway(options({ attemptTimeoutMs: 60, maxRetries: 1 })).get('abc-1'));
      expect(paxos.to(GET).length).to.be.at.least(8);
      expect(paxos.tokenRequests).to.have.length(5);
      expect(liveTimers()).to.equal(before);
    });
  });

  describe('answer checks and what Paxos normalises', () => {
    const sent = (refId?: string) =>
      NewIdentity.create(
        aPerson()
          .with({ cipId: CANARY_SSN, firstName: 'Mary Ann', lastName: "O'Neil" })
          .withCommand(refId === undefined ? {} : { refId })
          .build(),
        { now: NOW },
      );
    /** Answers a create with the identity sent, its person details changed by `changes`. */
    const echo =
      (changes: (person: Record<string, unknown>) => Record<string, unknown>, top: Record<string, unknown> = {}) =>
      (): Script =>
      (request, res) => {
        const identity = identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'id-echo');
        const person = identity['person_details'] as Record<string, unknown>;
        json(res, 200, { ...identity, person_details: { ...person, ...changes(person) }, ...top });
      };
    const normalised: readonly [string, () => Script][] = [
      ['the SSN without its dashes', echo(() => ({ cip_id: CANARY_SSN.replace(/-/g, '') }))],
      ['the SSN with spaces', echo(() => ({ cip_id: CANARY_SSN.replace(/-/g, ' ') }))],
      ['the CIP country in lower case', echo(() => ({ cip_id_country: 'usa' }))],
      ['the names upper-cased', echo(() => ({ first_name: 'MARY ANN', last_name: "O'NEIL" }))],
      ['inner whitespace collapsed or doubled', echo(() => ({ first_name: 'Mary  Ann ', last_name: " O'Neil" }))],
    ];
    for (const [what, script] of normalised) {
      it(`an answer echoing ${what} is the identity sent: taken as it is, one POST`, async () => {
        paxos.otherwise(CREATE, script());
        const identity = await new PaxosIdentityGateway(options()).create(sent('ref-norm'));

        expect(identity.id).to.equal('id-echo');
        expect(paxos.to(CREATE)).to.have.length(1);
      });
    }

    it('a create without ref_id answered with an empty ref_id is taken: "" is no ref_id', async () => {
      paxos.otherwise(CREATE, echo(() => ({}), { ref_id: '' })());
      const identity = await new PaxosIdentityGateway(options()).create(sent());
      expect(identity.id).to.equal('id-echo');
    });

    it('another SSN that only looks alike once its dashes go is still another SSN', async () => {
      paxos.otherwise(CREATE, echo(() => ({ cip_id: '987-65-4321' }))());
      const error = await rejectionOf(new PaxosIdentityGateway(options()).create(sent()));
      expect(error).to.be.instanceOf(PaxosResponseError);
      expect((error as PaxosResponseError).issues).to.include('cip_id: not the one sent');
    });

    it('a 200 create answer without any ref_id is asked again by ref_id, and the record it names returned', async () => {
      paxos.script(CREATE, (request, res) => {
        const mine = identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'mine-7');
        paxos.store(mine);
        json(res, 200, { ...mine, ref_id: undefined });
      });
      paxos.script(
        CREATE,
        problem(409, 'duplicate ref_id provided', { type: 'already-exists', meta: { existing: { id: 'mine-7' } } }),
      );
      const identity = await new PaxosIdentityGateway(options()).create(sent('ref-7'));

      expect(identity).to.deep.include({ id: 'mine-7', refId: 'ref-7' });
      expect(paxos.apiRequests.map((r) => r.method)).to.deep.equal(['POST', 'POST', 'GET']);
    });

    it('a 409 naming an identity Paxos stored with the SSN spelled without dashes is this create’s: the replay', async () => {
      paxos.store(
        wireIdentity('mine-8', {
          ref_id: 'ref-8',
          person_details: {
            ...(wireIdentity('x')['person_details'] as object),
            cip_id: CANARY_SSN.replace(/-/g, ''),
          },
        }),
      );
      paxos.otherwise(
        CREATE,
        problem(409, 'duplicate ref_id provided', { type: 'already-exists', meta: { existing: { id: 'mine-8' } } }),
      );
      const identity = await new PaxosIdentityGateway(options()).create(sent('ref-8'));
      expect(identity.id).to.equal('mine-8');
    });

    it('a get answered with its id in another case is the identity asked for (ids are UUIDs)', async () => {
      const id = '36ae1728-c54a-4046-86df-8a413e0ab9b3';
      // Paxos reads the UUID whatever its case, and answers with its own (lower-case) spelling.
      paxos.otherwise(GET, (request, res) => {
        json(res, 200, wireIdentity(decodeURIComponent(request.path.split('/')[4] ?? '').toLowerCase()));
      });
      const identity = await new PaxosIdentityGateway(options()).get(id.toUpperCase());
      expect(identity.id).to.equal(id);
    });

    it('an account get answered with its id in another case is the account asked for', async () => {
      const id = '4fd025ab-7f0b-4a38-9c4e-0c7d1a2b3c4d';
      paxos.otherwise(`GET /v2/identity/accounts/${id.toUpperCase()}`, (_r, res) => {
        json(res, 200, { id, identity_id: 'abc-1', created_at: '2022-02-15T05:46:50Z' });
      });
      const account = await new PaxosAccountGateway(new PaxosConnection(options())).get(id.toUpperCase());
      expect(account.id).to.equal(id);
    });

    it('the mismatched answer’s personal data is in neither the error nor the logs', async () => {
      const OTHER = '123-45-6781';
      paxos.otherwise(
        CREATE,
        echo(() => ({ cip_id: OTHER, first_name: 'Zebediah', date_of_birth: '1901-02-03' }), { ref_id: 'ref-z' })(),
      );
      const error = await rejectionOf(new PaxosIdentityGateway(options()).create(sent('ref-pii')));
      expect(error).to.be.instanceOf(PaxosResponseError);
      const shown = [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), String(error)];
      const logged = JSON.stringify(bench.logger.lines);
      for (const text of [...shown, logged])
        for (const value of [OTHER, OTHER.replace(/-/g, ''), 'Zebediah', '1901-02-03', 'ref-z'])
          expect(text).not.to.include(value);
    });
  });

  describe('Retry-After', () => {
    const now = Date.parse('2026-03-15T12:00:00Z');
    const read = (...values: string[]) => {
      const headers = new Headers();
      for (const value of values) headers.append('retry-after', value);
      return retryAfterMs(headers, now);
    };

    it('negative, exponent, padded, past, far future and doubled values', () => {
      expect(read('-5')).to.equal(undefined);
      expect(read('1e3')).to.equal(undefined);
      expect(read(' 5 ')).to.equal(5_000);
      expect(read('Sun, 15 Mar 2026 11:00:00 GMT')).to.equal(0);
      expect(read('Fri, 31 Dec 9999 23:59:59 GMT')).to.equal(300_000);
      // Two headers are joined as "5, 7": neither form, so ignored rather than guessed at.
      expect(read('5', '7')).to.equal(undefined);
    });

    it('a day name followed by anything is not an HTTP date: V8 would read these as 2001 or 2026, "retry now"', () => {
      for (const value of ['Mon 5', 'Mon -5', 'Monday 2026', 'Sun 12', 'Mon, 2001-01-01', 'Sun, 15 Mar 2026'])
        expect(read(value), value).to.equal(undefined);
    });

    it('the asctime form is read as GMT, as RFC 9110 says, whatever the machine’s time zone', () => {
      const zone = process.env['TZ'];
      // Node reads TZ again when it changes: a machine five hours west of GMT.
      process.env['TZ'] = 'America/New_York';
      try {
        expect(new Date(now).getHours(), 'the zone took effect').to.equal(8);
        expect(read('Sun Mar 15 12:00:30 2026')).to.equal(30_000);
        expect(read('Sun Mar  1 12:00:30 2026')).to.equal(0);
      } finally {
        if (zone === undefined) delete process.env['TZ'];
        else process.env['TZ'] = zone;
      }
    });

    it('a 429 with "Mon 5" is not retried at once: no Retry-After, the configured cool-down', async () => {
      paxos.otherwise(GET, problem(429, 'slow down', {}, { 'retry-after': 'Mon 5' }));
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiterOf() });
      const error = await rejectionOf(gateway.get('abc-1'));

      expect((error as { retryAfterMs?: unknown }).retryAfterMs).to.equal(undefined);
      expect(paxos.to(GET)).to.have.length(1);
    });
  });

  describe('the clientSecret function', () => {
    const secretGateway = (read: () => string | Promise<string>, extra: Record<string, unknown> = {}) =>
      new PaxosIdentityGateway(options({ clientSecret: read, secretTimeoutMs: 50, ...extra }));

    for (const [what, value] of [
      ['a number', 42],
      ['an object', { secret: CANARY_SECRET }],
      ['an empty string', ''],
      ['undefined', undefined],
    ] as const) {
      it(`one returning ${what}: PaxosAuthenticationError, no token request, and asked again next time`, async () => {
        let calls = 0;
        const gateway = secretGateway(() => (++calls === 1 ? (value as unknown as string) : CANARY_SECRET));
        expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosAuthenticationError);
        expect(paxos.tokenRequests).to.have.length(0);
        expect((await gateway.get('abc-1')).id).to.equal('abc-1');
        expect(calls).to.equal(2);
      });
    }

    it('one resolving after its timeout does not poison the cache: the late value is never sent', async () => {
      let calls = 0;
      const gateway = secretGateway(() => {
        calls += 1;
        if (calls > 1) return CANARY_SECRET;
        return new Promise<string>((resolve) => {
          setTimeout(() => {
            resolve('late-and-stale');
          }, 120);
        });
      });
      expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosAuthenticationError);
      await pause(150);
      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      await pause(20);
      const secrets = paxos.tokenRequests.map((r) => new URLSearchParams(r.body).get('client_secret'));
      expect(secrets).to.deep.equal([CANARY_SECRET]);
    });

    it('one that hangs while the caller aborts: the caller’s reason, at once; the next call asks again', async () => {
      let calls = 0;
      const gateway = secretGateway(() => (++calls === 1 ? new Promise<string>(() => undefined) : CANARY_SECRET), {
        secretTimeoutMs: 60_000,
      });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const pending = settle(gateway.get('abc-1', { signal: controller.signal }));
      await pause(20);
      controller.abort(reason);
      expect((await pending).error).to.equal(reason);
      expect(paxos.tokenRequests).to.have.length(0);
    });
  });

  describe('options', () => {
    const base = (extra: Partial<Record<keyof PaxosGatewayOptions, unknown>>) =>
      ({ environment: 'sandbox', clientId: CLIENT_ID, clientSecret: CANARY_SECRET, ...extra }) as PaxosGatewayOptions;
    const refusal = (extra: Partial<Record<keyof PaxosGatewayOptions, unknown>>) => {
      try {
        resolvePaxosConfig(base(extra));
      } catch (error) {
        return error;
      }
      return undefined;
    };

    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2.5, '100', null])
      it(`attemptTimeoutMs ${String(value)}: PaxosConfigurationError naming it`, () => {
        const error = refusal({ attemptTimeoutMs: value });
        expect(error).to.be.instanceOf(PaxosConfigurationError);
        expect((error as Error).message).to.include('attemptTimeoutMs');
      });

    it('attemptTimeoutMs above timeoutMs can never fire: PaxosConfigurationError naming both', () => {
      const error = refusal({ timeoutMs: 1_000, attemptTimeoutMs: 1_001 });
      expect(error).to.be.instanceOf(PaxosConfigurationError);
      expect((error as Error).message)
        .to.include('attemptTimeoutMs')
        .and.include('timeoutMs (1000)');
      expect(resolvePaxosConfig(base({ timeoutMs: 1_000, attemptTimeoutMs: 1_000 })).attemptTimeoutMs).to.equal(1_000);
    });
  });

  describe('against the emulator', () => {
    it('its stall-headers and stall-body faults on the token route cost one token attempt each, not the call', async () => {
      const emulator = await startPaxosEmulator();
      try {
        emulator.faults.inject({ kind: 'stall-headers' }, { match: { path: '/oauth2/token' } });
        emulator.faults.inject({ kind: 'stall-body' }, { match: { path: '/oauth2/token' } });
        const service = createIdentityService({
          adapter: 'paxos',
          paxos: { ...paxosOptionsFor(emulator), timeoutMs: 20_000, attemptTimeoutMs: 1_000, rateLimit: false },
        });
        const created = await service.createIdentity(aPerson().build());

        expect(created.id).to.be.a('string');
        const tokens = emulator.requests.filter((r) => r.path === '/oauth2/token');
        expect(tokens.map((r) => r.fault ?? 'none')).to.deep.equal(['stall-headers', 'stall-body', 'none']);
        // The create itself may be cut on a busy machine and resolved by the replay: one identity either way.
        expect((await service.getIdentity(created.id)).refId).to.equal(created.refId);
      } finally {
        await emulator.close();
      }
    });
  });
});
