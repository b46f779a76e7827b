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
}
