import type { Sensitive } from '../domain/index.js';

/** An OAuth access token as a {@link TokenCache} keeps it. */
export interface CachedAccessToken {
  /** The bearer token; redacted in every rendering. */
  readonly token: Sensitive;
  /** When the token must no longer be used (already shortened by the renewal margin). */
  readonly renewAt: Date;
}

/**
 * Where access tokens are kept between calls. The in-memory implementation serves one process; an implementation
 * over a shared store (Redis, encrypting the token at rest) lets every process of a fleet reuse one token instead of
 * each fetching its own against Paxos's token route (1 request per second per IP). Keys are opaque strings derived
 * from the credentials and scopes; they never contain the secret.
 */
export interface TokenCache {
  /** The token stored under `key`, or undefined when there is none or it is past `renewAt`. */
  get(key: string): Promise<CachedAccessToken | undefined>;
  /** Stores `token` under `key` until its `renewAt`, replacing what was there. */
  set(key: string, token: CachedAccessToken): Promise<void>;
  /**
   * Forgets the token under `key` only if it is still `token` (Paxos refused it with 401), so that a fresh token
   * stored meanwhile by another caller is kept.
   */
  invalidate(key: string, token: Sensitive): Promise<void>;
  /**
   * Optional: a lock on fetching the token of `key`, for a cache shared by several processes, so that a cold fleet
   * sends one token request instead of one per process. Resolves to a release function when this caller holds the
   * lock, or undefined when another holder has it. The lock lapses after `ttlMs` on its own, so a holder that dies
   * blocks the others for no longer than that; a late release after the lapse leaves a newer holder's lock alone.
   * A cache of one process needs none: the token provider already sends one request per process.
   */
  lockRefresh?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}
