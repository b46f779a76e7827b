import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Sensitive } from '../../domain/index.js';
import type { Clock, TokenCache } from '../../ports/index.js';
import { runnerGlobal } from './mocha-globals.js';

/** A clock the contract moves by hand, given to the factory so that expiry can be checked without waiting. */
export interface TokenCacheContractClock extends Clock {
  /** Moves the time forward by `ms`. */
  advance(ms: number): void;
}

/** Options of {@link describeTokenCacheContract}. */
export interface TokenCacheContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
  /**
   * The TTL the lock cases take {@link TokenCache.lockRefresh} with, in milliseconds. Default 200: a store that keeps
   * time itself (Redis's `PX`) is waited for in real time.
   */
  readonly lockTtlMs?: number;
  /**
   * Resolves once a lock of `ttlMs` has lapsed. Default: moves the clock given to the factory past it and waits as
   * long in real time, which fits a cache reading either.
   */
  readonly lapse?: (ttlMs: number, clock: TokenCacheContractClock) => Promise<void>;
}

function manualClock(): TokenCacheContractClock {
  let now = Date.parse('2026-03-15T12:00:00Z');
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/**
 * Registers the contract every {@link TokenCache} meets, in-process or over a shared store: what is set is got back
 * until its `renewAt` (by the injected clock), keys do not mix, a later set replaces, `invalidate` drops only the
 * token it names (a fresh one stored meanwhile survives), and a stored token never renders in clear. When the cache
 * has the optional `lockRefresh`, its cases run too: one of several concurrent callers gets the lock, a release frees
 * it, a lapsed lock can be taken again and its first holder's late release leaves the new holder alone, and keys lock
 * apart. `factory` builds a fresh, empty cache per case (for a shared store: under a fresh key prefix), reading time
 * from `clock`.
 *
 * @example
 * ```ts
 * import { describeTokenCacheContract } from 'paxos-identity/testing';
 * describeTokenCacheContract('RedisTokenCache', (clock) => new RedisTokenCache(redis, { clock }));
 * ```
 */
export function describeTokenCacheContract(
  name: string,
  factory: (clock: Clock) => TokenCache | Promise<TokenCache>,
  options: TokenCacheContractOptions = {},
): void {
  const describeFn = options.describe ?? runnerGlobal('describeTokenCacheContract', 'describe');
  const itFn = options.it ?? runnerGlobal('describeTokenCacheContract', 'it');
  const fresh = async () => {
    const clock = manualClock();
    return { clock, cache: await factory(clock) };
  };
  const inAMinute = (clock: Clock) => new Date(clock.now().getTime() + 60_000);
  const lockTtlMs = options.lockTtlMs ?? 200;
  const lapse =
    options.lapse ??
    (async (ttlMs: number, clock: TokenCacheContractClock) => {
      clock.advance(ttlMs + 1);
      await new Promise((resolve) => setTimeout(resolve, ttlMs + 50));
    });
  /**
   * The cache's lock. The lock is optional: a cache without one has these cases reported pending (under mocha) or
   * ended without a verdict (a runner without `this.skip`).
   */
  const withLock = async (context: unknown) => {
    const { clock, cache } = await fresh();
    const lockRefresh = cache.lockRefresh?.bind(cache);
    if (lockRefresh !== undefined) return { clock, cache, lockRefresh };
    const skip = (context as { skip?: unknown } | undefined)?.skip;
    if (typeof skip === 'function') skip.call(context);
    return undefined;
  };

  describeFn(`TokenCache contract: ${name}`, () => {
    itFn('gives back nothing for a key never set', async () => {
      const { cache } = await fresh();
      assert.equal(await cache.get('nothing-here'), undefined);
    });

    itFn('gives back the token set under a key, with its renewAt, until renewAt', async () => {
      const { clock, cache } = await fresh();
      const renewAt = inAMinute(clock);
      await cache.set('k', { token: Sensitive.of('token-1'), renewAt });
      const got = await cache.get('k');
      assert.equal(got?.token.reveal(), 'token-1');
      assert.equal(got.renewAt.getTime(), renewAt.getTime());
      clock.advance(59_000);
      assert.equal((await cache.get('k'))?.token.reveal(), 'token-1');
      clock.advance(1_000);
      assert.equal(await cache.get('k'), undefined, 'a token at its renewAt is never handed out');
    });

    itFn('keeps keys apart, and a later set replaces the earlier one', async () => {
      const { clock, cache } = await fresh();
      await cache.set('a', { token: Sensitive.of('token-a'), renewAt: inAMinute(clock) });
      await cache.set('b', { token: Sensitive.of('token-b'), renewAt: inAMinute(clock) });
      await cache.set('a', { token: Sensitive.of('token-a2'), renewAt: inAMinute(clock) });
      assert.equal((await cache.get('a'))?.token.reveal(), 'token-a2');
      assert.equal((await cache.get('b'))?.token.reveal(), 'token-b');
    });

    itFn('invalidate drops the token it names, and only that one', async () => {
      const { clock, cache } = await fresh();
      const refused = Sensitive.of('token-old');
      await cache.set('k', { token: refused, renewAt: inAMinute(clock) });
      await cache.set('other', { token: Sensitive.of('token-other'), renewAt: inAMinute(clock) });
      await cache.invalidate('k', Sensitive.of('token-old'));
      assert.equal(await cache.get('k'), undefined, 'the same token value counts, not the same object');
      assert.equal((await cache.get('other'))?.token.reveal(), 'token-other');
    });

    itFn('invalidate of a token replaced meanwhile keeps the fresh one (a 401 racing a renewal)', async () => {
      const { clock, cache } = await fresh();
      const refused = Sensitive.of('token-old');
      await cache.set('k', { token: refused, renewAt: inAMinute(clock) });
      await cache.set('k', { token: Sensitive.of('token-new'), renewAt: inAMinute(clock) });
      await cache.invalidate('k', refused);
      assert.equal((await cache.get('k'))?.token.reveal(), 'token-new');
      await cache.invalidate('never-set', refused);
    });

    itFn('concurrent sets under one key leave one of them, whole', async () => {
      const { clock, cache } = await fresh();
      await Promise.all(
        [1, 2, 3, 4, 5].map((i) => cache.set('k', { token: Sensitive.of(`token-${i}`), renewAt: inAMinute(clock) })),
      );
      assert.match((await cache.get('k'))?.token.reveal() ?? '', /^token-[1-5]$/);
    });

    itFn('what it gives back never renders the token in clear', async () => {
      const { clock, cache } = await fresh();
      await cache.set('k', { token: Sensitive.of('CANARY-token-4417'), renewAt: inAMinute(clock) });
      const got = await cache.get('k');
      for (const text of [inspect(got, { depth: Infinity }), JSON.stringify(got), String(got?.token)])
        assert.ok(!text.includes('CANARY-token-4417'), `no clear token in ${text}`);
    });

    itFn(
      'lockRefresh (when offered) gives the lock to one of 5 concurrent callers, and again once released',
      async function (this: unknown) {
        const lock = await withLock(this);
        if (lock === undefined) return;
        const releases = await Promise.all([1, 2, 3, 4, 5].map(() => lock.lockRefresh('k', lockTtlMs * 50)));
        const held = releases.filter((release) => release !== undefined);
        assert.equal(held.length, 1, 'exactly one caller holds the lock');
        assert.equal(await lock.lockRefresh('k', lockTtlMs * 50), undefined, 'a held lock is not given twice');
        await held[0]?.();
        const again = await lock.lockRefresh('k', lockTtlMs * 50);
        assert.equal(typeof again, 'function', 'a released lock can be taken');
        await again?.();
      },
    );

    itFn(
      'lockRefresh (when offered) lapses after its TTL, and a late release spares the new holder',
      async function (this: unknown) {
        const lock = await withLock(this);
        if (lock === undefined) return;
        const first = await lock.lockRefresh('k', lockTtlMs);
        assert.equal(typeof first, 'function');
        await lapse(lockTtlMs, lock.clock);
        const second = await lock.lockRefresh('k', lockTtlMs * 50);
        assert.equal(typeof second, 'function', 'a holder that died frees the lock by its TTL');
        await first?.();
        assert.equal(
          await lock.lockRefresh('k', lockTtlMs * 50),
          undefined,
          "the late release kept the new holder's lock",
        );
        await second?.();
      },
    );

    itFn('lockRefresh (when offered) locks keys apart, and leaves the tokens alone', async function (this: unknown) {
      const lock = await withLock(this);
      if (lock === undefined) return;
      await lock.cache.set('a', { token: Sensitive.of('token-a'), renewAt: inAMinute(lock.clock) });
      const a = await lock.lockRefresh('a', lockTtlMs * 50);
      const b = await lock.lockRefresh('b', lockTtlMs * 50);
      assert.equal(typeof a, 'function');
      assert.equal(typeof b, 'function', 'a lock on one key does not hold another');
      assert.equal((await lock.cache.get('a'))?.token.reveal(), 'token-a', 'taking the lock keeps the token');
      await a?.();
      assert.equal((await lock.cache.get('a'))?.token.reveal(), 'token-a', 'releasing the lock keeps the token');
      await b?.();
    });
  });
}
