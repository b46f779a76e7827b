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
 * token it names (a fresh one stored meanwhile survives), and a stored token never renders in clear. `factory`
 * builds a fresh, empty cache per case (for a shared store: under a fresh key prefix), reading time from `clock`.
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
  });
}
