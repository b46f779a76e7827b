import { expect } from 'chai';
import {
  PaxosRateLimitError,
  PaxosTimeoutError,
  type RateLimiter,
  type RateLimitPermit,
  type RateLimitRoute,
} from '../../src/index.js';
import { MemoryRateLimiter, PaxosIdentityGateway } from '../../src/gateways.js';
import {
  json,
  ManualClock,
  problem,
  ScriptedPaxos,
  wireIdentity,
  useScriptedPaxos,
  pause,
  settle,
} from '../adapters/paxos/support.js';

const GET = 'GET /v2/identity/identities/{id}';
const TOKEN = 'POST /oauth2/token';

describe('cool-down and pacing under attack', () => {
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;
  let paxos: ScriptedPaxos;
  beforeEach(() => {
    ({ paxos } = bench);
  });

  describe('429 with calls queued', () => {
    it('a 429 arriving while 50 calls are queued: the queued ones fail fast with cooling_down, none is sent', async () => {
      const limiter = limiterOf({ requestsPerSecond: 5 });
      paxos.otherwise(GET, problem(429, 'Too many requests'));
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 15_000 }), { rateLimiter: limiter });
      // Warm the token so that only identity calls compete.
      paxos.script(GET, (_r, res) => {
        json(res, 200, wireIdentity('abc-1'));
      });
      await gateway.get('abc-1');
      await pause(250);

      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 51 }, () => settle(gateway.get('abc-1'))));

      expect(paxos.to(GET)).to.have.length(2);
      const throttled = results.filter((r) => (r.error as PaxosRateLimitError).reason === 'throttled');
      const cooling = results.filter((r) => (r.error as PaxosRateLimitError).reason === 'cooling_down');
      expect(throttled).to.have.length(1);
      expect(cooling).to.have.length(50);
      for (const r of cooling) expect((r.error as PaxosRateLimitError).retryAt).to.be.instanceOf(Date);
      // They did not wait for their turn at 5/s (10 s): they were refused once the cool-down was recorded.
      expect(performance.now() - started).to.be.below(2_000);
    });

    it('many calls in the same tick during a cool-down: all refused, nothing sent, not even a token request', async () => {
      const limiter = limiterOf();
      await limiter.coolDown(60_000);
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
      const results = await Promise.all(Array.from({ length: 100 }, () => settle(gateway.get('abc-1'))));

      for (const r of results)
        expect(r.error).to.be.instanceOf(PaxosRateLimitError).with.property('reason', 'cooling_down');
      expect(paxos.requests).to.have.length(0);
    });

    it('a cool-down recorded while the token is being fetched holds the call back: no API request', async () => {
      const limiter = limiterOf();
      paxos.script(TOKEN, async (_r, res) => {
        await pause(200);
        json(res, 200, paxos.issueToken());
      });
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
      const call = settle(gateway.get('abc-1'));
      await pause(50);
      await limiter.coolDown(60_000);
      const { error } = await call;

      expect(error).to.be.instanceOf(PaxosRateLimitError).with.property('reason', 'cooling_down');
      expect(paxos.to(GET)).to.have.length(0);
    });

    it('a caller abort while queued leaves with the caller reason, and the queue forgets it', async () => {
      const limiter = limiterOf({ requestsPerSecond: 1 });
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
      await gateway.get('abc-1');
      const controller = new AbortController();
      const call = settle(gateway.get('abc-1', { signal: controller.signal }));
      await pause(50);
      expect(limiter.queued('identity')).to.equal(1);
      const reason = new Error('caller gave up');
      controller.abort(reason);
      const { error, ms } = await call;

      expect(error).to.equal(reason);
      expect(ms).to.be.below(500);
      expect(limiter.queued('identity')).to.equal(0);
      expect(paxos.to(GET)).to.have.length(1);
    });
  });

  describe('a misbehaving rate limiter', () => {
    /** A limiter that never answers `acquire` on `route` (ignoring the signal) and never records a cool-down. */
    class StuckLimiter implements RateLimiter {
      readonly inner = limiterOf();
      stuck: ReadonlySet<string>;
      constructor(stuck: readonly string[]) {
        this.stuck = new Set(stuck);
      }
      acquire(route: RateLimitRoute): Promise<RateLimitPermit> {
        if (this.stuck.has(route)) return new Promise<RateLimitPermit>(() => undefined);
        return this.inner.acquire(route);
      }
      coolDown(durationMs: number): Promise<Date> {
        if (this.stuck.has('coolDown')) return new Promise<Date>(() => undefined);
        return this.inner.coolDown(durationMs);
      }
      coolingDownUntil(): Promise<Date | undefined> {
        return this.inner.coolingDownUntil();
      }
    }

    it('an identity acquire that never answers: the deadline still wins', async () => {
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 300 }), {
        rateLimiter: new StuckLimiter(['identity']),
      });
      const { error, ms } = await settle(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(ms).to.be.below(1_500);
      expect(paxos.to(GET)).to.have.length(0);
    });

    it('a token acquire that hangs once does not leave a token request "in flight" for ever', async () => {
      const limiter = new StuckLimiter(['token']);
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 300 }), { rateLimiter: limiter });
      const first = await settle(gateway.get('abc-1'));
      expect(first.error).to.be.instanceOf(PaxosTimeoutError);
      expect(first.ms).to.be.below(1_500);

      limiter.stuck = new Set();
      // Give the stuck token request its own deadline to pass.
      await pause(100);
      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    });

    it('a coolDown that never answers after a 429: the deadline still wins', async () => {
      paxos.otherwise(GET, problem(429, 'Too many requests'));
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 300 }), {
        rateLimiter: new StuckLimiter(['coolDown']),
      });
      const { error, ms } = await settle(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(ms).to.be.below(1_500);
    });

    it('an acquire that rejects rejects the call at once, with nothing sent', async () => {
      const failing: RateLimiter = {
        acquire: () => Promise.reject(new Error('store unavailable')),
        coolDown: () => Promise.resolve(new Date()),
        coolingDownUntil: () => Promise.resolve(undefined),
      };
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: failing });
      const { error, ms } = await settle(gateway.get('abc-1'));

      expect(error).to.be.an('error');
      expect(ms).to.be.below(1_000);
      expect(paxos.apiRequests).to.have.length(0);
    });
  });
});

describe('MemoryRateLimiter cool-down under attack', () => {
  it('a cool-down refuses the calls already queued at once, and keeps the one told to wait it out waiting', async () => {
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 1, maxQueue: 100 });
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
    const queued = Array.from({ length: 50 }, () => limiter.acquire('identity'));
    const patient = limiter.acquire('identity', { waitForCoolDown: true });
    let patientSettled = false;
    void patient.then(() => (patientSettled = true));
    await pause(20);
    expect(limiter.queued('identity')).to.equal(51);

    const started = performance.now();
    const until = await limiter.coolDown(300);
    const permits = await Promise.all(queued);

    expect(performance.now() - started).to.be.below(100);
    for (const permit of permits)
      expect(permit).to.deep.equal({ granted: false, reason: 'cooling_down', retryAt: until });
    expect(limiter.queued('identity')).to.equal(0);
    expect(patientSettled).to.equal(false);
    expect(await patient).to.deep.equal({ granted: true });
    expect(Date.now()).to.be.at.least(until.getTime());
  });

  it('an absurd cool-down still ends at a real date', async () => {
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 1, maxQueue: 100 });
    const until = await limiter.coolDown(1e21);
    expect(Number.isFinite(until.getTime())).to.equal(true);
    expect((await limiter.coolingDownUntil())?.toISOString()).to.equal(until.toISOString());
  });
});

describe('MemoryRateLimiter cool-down on a clock that misbehaves', () => {
  it('a clock stepped back an hour during a cool-down of a minute leaves at most that minute', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 1, maxQueue: 10, clock });
    await limiter.coolDown(60_000);
    clock.advance(-3_600_000);

    const until = await limiter.coolingDownUntil();
    expect(until?.getTime()).to.be.at.most(clock.now().getTime() + 60_000);
    clock.advance(60_000);
    expect(await limiter.coolingDownUntil()).to.equal(undefined);
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
  });

  it('a pinned clock keeps the cool-down in force: the limiter reads time from its Clock only', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 1, maxQueue: 10, clock });
    await limiter.coolDown(20);
    await pause(40);
    expect(await limiter.acquire('identity')).to.include({ granted: false, reason: 'cooling_down' });
  });
});
