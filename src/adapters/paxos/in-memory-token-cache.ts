import type { Sensitive } from '../../domain/index.js';
import type { CachedAccessToken, Clock, TokenCache } from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';

/**
 * The default {@link TokenCache} of the Paxos adapter: access tokens of this process, in a map. A token past its `renewAt` (by the
 * injected clock) is dropped on read, so the map holds at most one token per key. Use a shared store instead when
 * several processes behind one IP should reuse one token.
 *
 * @example
 * ```ts
 * createIdentityService({ adapter: 'paxos', paxos, tokenCache: new InMemoryTokenCache() });
 * ```
 */
export class InMemoryTokenCache implements TokenCache {
  readonly #entries = new Map<string, CachedAccessToken>();
  readonly #clock: Clock;

  /** `clock` decides when a token is past its `renewAt`. Default: the system clock. */
  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  get(key: string): Promise<CachedAccessToken | undefined> {
    return Promise.resolve(this.peek(key));
  }

  /**
   * What {@link InMemoryTokenCache.get} resolves to, at once: the map is in this process, so a caller with a token
   * cached need not wait a turn for it.
   */
  peek(key: string): CachedAccessToken | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.renewAt.getTime() <= this.#clock.now().getTime()) {
      // An expired token is never handed out, and it is not kept around either.
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, token: CachedAccessToken): Promise<void> {
    // A copy: a caller mutating its object later must not change what is cached.
    this.#entries.set(key, Object.freeze({ token: token.token, renewAt: new Date(token.renewAt.getTime()) }));
    return Promise.resolve();
  }

  invalidate(key: string, token: Sensitive): Promise<void> {
    // Only the refused token goes: a fresh one stored meanwhile by another caller is kept.
    if (this.#entries.get(key)?.token.reveal() === token.reveal()) this.#entries.delete(key);
    return Promise.resolve();
  }
}
