import assert from 'node:assert/strict';
import { RATE_LIMIT_ROUTES, type Clock, type RateLimiter, type RateLimitPermit } from '../../ports/index.js';
import { runnerGlobal } from './mocha-globals.js';

/** What a {@link describeRateLimiterContract} factory is asked to build. */
export interface RateLimiterContractSettings {
  /** Requests per second on the identity route. */
  readonly requestsPerSecond: number;
  /** Requests per second on the token route. */
  readonly tokenRequestsPerSecond: number;
  /** Requests per second on the other routes (Paxos's "everything else", the Events API). */
  readonly otherRequestsPerSecond: number;
  /** Calls that may wait per route. */
  readonly maxQueue: number;
  /** The clock the limiter must read the cool-down from. */
  readonly clock: Clock;
}

/** Options of {@link describeRateLimiterContract}. */
export interface RateLimiterContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
}

const wallClock: Clock = { now: () => new Date() };

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/**
 * Registers the contract every {@link RateLimiter} meets, in-process or over a shared store: pacing without refusing a
 * burst, one independent pace per route (a queue on one never delays another), a bounded queue, a cool-down that
 * stops every route (Paxos throttles the whole IP), never shortened by a later shorter one, that also holds back calls
 * already queued on any route, and aborts that leave the queue. `factory` builds a fresh, empty limiter per case (for a
 * shared store: under a fresh key prefix). Cases run on the wall clock and take about two seconds in all.
 *
 * @example
 * ```ts
 * import { describeRateLimiterContract } from 'paxos-identity/testing';
 * describeRateLimiterContract('RedisRateLimiter', (settings) => new RedisRateLimiter(redis, settings));
 * ```
 */
export function describeRateLimiterContract(
  name: string,
  factory: (settings: RateLimiterContractSettings) => RateLimiter | Promise<RateLimiter>,
  options: RateLimiterContractOptions = {},
): void {
  const describeFn = options.describe ?? runnerGlobal('describeRateLimiterContract', 'describe');
  const itFn = options.it ?? runnerGlobal('describeRateLimiterContract', 'it');
  const limiter = (settings: Partial<RateLimiterContractSettings> = {}) =>
    Promise.resolve(
      factory({
        requestsPerSecond: 100,
        tokenRequestsPerSecond: 100,
        otherRequestsPerSecond: 100,
        maxQueue: 100,
        clock: wallClock,
        ...settings,
      }),
    );

  describeFn(`RateLimiter contract: ${name}`, () => {
    itFn('grants at once when idle, on every route, with no cool-down in force', async () => {
      const l = await limiter();
      assert.deepEqual(await l.acquire('identity'), { granted: true });
      assert.deepEqual(await l.acquire('token'), { granted: true });
      assert.deepEqual(await l.acquire('other'), { granted: true });
      assert.equal(await l.coolingDownUntil(), undefined);
    });

    itFn('each route has its own pace: a queue on one route never delays the others', async () => {
      const l = await limiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 2, otherRequestsPerSecond: 2 });
      const controller = new AbortController();
      assert.deepEqual(await l.acquire('identity'), { granted: true });
      // Three more identity calls at 2/s would hold the route for 1.5 s.
      const queued = [1, 2, 3].map(() => l.acquire('identity', { signal: controller.signal }).catch(() => undefined));
      await pause(5);
      const started = performance.now();
      assert.deepEqual(await l.acquire('other'), { granted: true });
      assert.deepEqual(await l.acquire('token'), { granted: true });
      const took = performance.now() - started;
      assert.ok(took < 250, `the other routes were granted at once, not behind identity (${Math.round(took)} ms)`);
      controller.abort(new Error('done'));
      await Promise.all(queued);
    });

    itFn('each route is paced at its own rate', async () => {
      const l = await limiter({ requestsPerSecond: 10, otherRequestsPerSecond: 50 });
      const finish = async (route: 'identity' | 'other', count: number): Promise<number> => {
        const started = performance.now();
        const permits = await Promise.all(Array.from({ length: count }, () => l.acquire(route)));
        assert.ok(
          permits.every((p) => p.granted),
          `every ${route} call is granted`,
        );
        return performance.now() - started;
      };
      const [identityMs, otherMs] = await Promise.all([finish('identity', 5), finish('other', 10)]);
      // 5 at 10/s need four intervals of 100 ms; 10 at 50/s nine of 20 ms (timers may fire a little early).
      assert.ok(identityMs >= 4 * 100 - 30, `identity paced at 10/s: ${Math.round(identityMs)} ms`);
      assert.ok(otherMs >= 9 * 20 - 30, `other paced at 50/s: ${Math.round(otherMs)} ms`);
      assert.ok(otherMs < identityMs, `other at its own, faster pace: ${Math.round(otherMs)} ms`);
    });

    itFn('many acquires in the same tick all wait their turn, spread over time, none refused', async () => {
      const l = await limiter({ requestsPerSecond: 50 });
      const started = performance.now();
      const grantedAt: number[] = [];
      const permits = await Promise.all(
        Array.from({ length: 10 }, () =>
          l.acquire('identity').then((permit) => {
            grantedAt.push(performance.now() - started);
            return permit;
          }),
        ),
      );
      assert.ok(
        permits.every((p) => p.granted),
        'every call of the burst is granted',
      );
      // Ten calls at 50/s cannot all be done in less than nine intervals (timers may fire a little early).
      assert.ok(Math.max(...grantedAt) >= 9 * 20 - 30, `the burst is spread: ${String(grantedAt)}`);
    });

    itFn('refuses with queue_full and a future retryAt once maxQueue calls wait', async () => {
      const l = await limiter({ requestsPerSecond: 1, maxQueue: 2 });
      const controller = new AbortController();
      assert.deepEqual(await l.acquire('identity'), { granted: true });
      const waiting = [1, 2].map(() => l.acquire('identity', { signal: controller.signal }).catch(() => undefined));
      await pause(5);
      const refused = await l.acquire('identity');
      if (refused.granted) assert.fail('a call beyond maxQueue is refused');
      assert.equal(refused.reason, 'queue_full');
      assert.ok(refused.retryAt.getTime() > Date.now(), 'retryAt lies ahead');
      controller.abort(new Error('done'));
      await Promise.all(waiting);
    });

    itFn('a cool-down refuses every route until it ends, and says when', async () => {
      const l = await limiter();
      const before = Date.now();
      const until = await l.coolDown(300);
      assert.ok(until.getTime() >= before + 300 && until.getTime() <= Date.now() + 300, 'ends in 300 ms');
      assert.deepEqual(await l.coolingDownUntil(), until);
      for (const route of RATE_LIMIT_ROUTES) {
        assert.deepEqual(await l.acquire(route), { granted: false, reason: 'cooling_down', retryAt: until });
      }
      await pause(until.getTime() - Date.now() + 20);
      assert.equal(await l.coolingDownUntil(), undefined);
      assert.deepEqual(await l.acquire('identity'), { granted: true });
    });

    itFn('a shorter cool-down never cuts a longer one in force', async () => {
      const l = await limiter();
      const long = await l.coolDown(60_000);
      const after = await l.coolDown(10);
      assert.deepEqual(after, long, 'coolDown answers with the cool-down in force');
      assert.deepEqual(await l.coolingDownUntil(), long);
      const longer = await l.coolDown(120_000);
      assert.ok(longer.getTime() > long.getTime(), 'a longer one extends it');
    });

    itFn('nonsense durations (negative, NaN) never end or poison a cool-down', async () => {
      const l = await limiter();
      const long = await l.coolDown(60_000);
      assert.deepEqual(await l.coolDown(-1_000_000), long);
      assert.deepEqual(await l.coolDown(Number.NaN), long);
      assert.deepEqual(await l.coolingDownUntil(), long);
    });

    itFn('a cool-down recorded while calls wait in the queue holds them back too', async () => {
      const l = await limiter({ requestsPerSecond: 5 });
      assert.deepEqual(await l.acquire('identity'), { granted: true });
      const queued = [1, 2].map(() => l.acquire('identity'));
      await pause(5);
      const until = await l.coolDown(60_000);
      const permits: RateLimitPermit[] = await Promise.all(queued);
      for (const permit of permits) {
        assert.deepEqual(permit, { granted: false, reason: 'cooling_down', retryAt: until });
      }
    });

    itFn('a cool-down holds back the calls queued on every route, not only the route that met the 429', async () => {
      const l = await limiter({ requestsPerSecond: 2, tokenRequestsPerSecond: 2, otherRequestsPerSecond: 2 });
      for (const route of RATE_LIMIT_ROUTES) assert.deepEqual(await l.acquire(route), { granted: true });
      const queued = RATE_LIMIT_ROUTES.flatMap((route) => [1, 2].map(() => l.acquire(route)));
      await pause(5);
      const until = await l.coolDown(60_000);
      const started = performance.now();
      const permits: RateLimitPermit[] = await Promise.all(queued);
      assert.ok(performance.now() - started < 250, 'the queued calls fail fast, without waiting for their turn');
      for (const permit of permits) {
        assert.deepEqual(permit, { granted: false, reason: 'cooling_down', retryAt: until });
      }
    });

    itFn('waitForCoolDown waits out a short cool-down and is then granted', async () => {
      const l = await limiter();
      const until = await l.coolDown(150);
      const permit = await l.acquire('identity', { waitForCoolDown: true, signal: AbortSignal.timeout(5_000) });
      assert.deepEqual(permit, { granted: true });
      assert.ok(Date.now() >= until.getTime() - 5, 'not granted before the cool-down ended');
    });

    itFn('an abort while queued rejects with the reason, and the queue moves on', async () => {
      const l = await limiter({ requestsPerSecond: 4 });
      assert.deepEqual(await l.acquire('identity'), { granted: true });
      const controller = new AbortController();
      const reason = new Error('gave up');
      const waiting = l.acquire('identity', { signal: controller.signal });
      await pause(5);
      controller.abort(reason);
      assert.equal(await rejectionOf(waiting), reason);
      assert.deepEqual(await l.acquire('identity', { signal: AbortSignal.timeout(5_000) }), { granted: true });
    });

    itFn('an abort while waiting out a cool-down rejects with the reason', async () => {
      const l = await limiter();
      await l.coolDown(60_000);
      const controller = new AbortController();
      const reason = new Error('deadline');
      const waiting = l.acquire('identity', { signal: controller.signal, waitForCoolDown: true });
      await pause(5);
      controller.abort(reason);
      assert.equal(await rejectionOf(waiting), reason);
    });

    itFn('an already aborted signal rejects at once', async () => {
      const l = await limiter();
      const reason = new Error('before');
      assert.equal(await rejectionOf(l.acquire('token', { signal: AbortSignal.abort(reason) })), reason);
    });
  });
}
