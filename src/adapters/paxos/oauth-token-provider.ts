import type { KyInstance } from 'ky';
import { createHash } from 'node:crypto';
import { Sensitive, type IdentityServiceError } from '../../domain/index.js';
import type { CachedAccessToken, Clock, Logger, RateLimiter, TokenCache } from '../../ports/index.js';
import { InMemoryTokenCache } from './in-memory-token-cache.js';
import type { ResolvedPaxosConfig } from './config.js';
import { decode, decodeJsonText, OAuthErrorDto, TokenResponseDto } from './dto/index.js';
import { targetOf } from './http/observer.js';
import {
  PaxosAuthenticationError,
  PaxosConnectionError,
  PaxosResponseError,
  PaxosTimeoutError,
  type RequestSummary,
} from './errors.js';
import { readCappedBody } from './http/body.js';
import { ATTEMPT_TIMEOUT, AttemptTimer } from './http/attempt-timeout.js';
import { Deadline, untilAborted } from './http/deadline.js';
import { errorFromAnswer } from './http/error-factory.js';
import { acquireSlot, startCoolDown } from './http/pacing.js';
import type { AccessTokenSource } from './http/request-sender.js';
import { backoffDelay, retryAfterMs } from './http/retry-policy.js';
import { logAttempt, networkReason, requestIdOf } from './http/wire.js';
import { isPresent } from './present.js';

/** Paxos's tokens live 3599 s; a token response without `expires_in` is trusted for five minutes only. */
const DEFAULT_LIFETIME_S = 300;
/** Renew before expiry by a tenth of the lifetime, at most a minute, so that no request leaves with a dying token. */
const MAX_RENEW_MARGIN_S = 60;
const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/;
/** Printable ASCII without spaces: what RFC 6750 allows in `Authorization: Bearer …`, and then some. */
const BEARER_TOKEN = /^[\x21-\x7e]{1,8192}$/;
/**
 * How long a fleet-wide refresh lock outlives the holder's own deadline: the holder's request ends by its deadline,
 * so the lock is only still there after that when the holder died, and then the others take over.
 */
const LOCK_MARGIN_MS = 1000;
/** Waiting for another process's token: first look after this long, then twice as long each time, up to the cap. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

/**
 * The cache key of one set of credentials and scopes: a SHA-256 of the token URL, the client id and the scopes. Never
 * the secret (a rotated secret keeps the key; the token it issued stays valid until it expires).
 */
function tokenCacheKey(tokenUrl: string, clientId: string, scopes: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([tokenUrl, clientId, [...scopes].sort()]))
    .digest('hex');
}

/** What the token provider needs from the adapter's configuration. */
export type OAuthTokenConfig = Pick<
  ResolvedPaxosConfig,
  'tokenUrl' | 'clientId' | 'clientSecret' | 'scopes' | 'timeoutMs' | 'logger'
> &
  Partial<
    Pick<
      ResolvedPaxosConfig,
      | 'rateLimit'
      | 'maxResponseBytes'
      | 'secretTimeoutMs'
      | 'maxRetryAfterMs'
      | 'attemptTimeoutMs'
      | 'maxRetries'
      | 'initialDelayMs'
      | 'maxDelayMs'
    >
  >;

/** One token request's outcome: its answer (any status), or the stall that cut it, worth another attempt. */
type TokenExchange =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: Headers;
      readonly text: string;
      readonly requestId: string | undefined;
      readonly attempts: number;
    }
  | { readonly kind: 'stalled'; readonly error: PaxosTimeoutError };

const DEFAULT_MAX_TOKEN_RESPONSE = 1024 * 1024;
const DEFAULT_SECRET_TIMEOUT_MS = 5_000;

/**
 * OAuth 2 client credentials against Paxos's token endpoint. The token is cached until shortly before
 * `expires_in`; however many calls need a token at once, one token request is in flight (the endpoint allows one
 * request per second per IP, and exceeding it throttles the IP for five minutes). A token request that fails is
 * not retried, for the same reason, with one exception: one that stalls past `attemptTimeoutMs` is cut and sent
 * again (up to `maxRetries` times, after the backoff, within the deadline), since a stall would otherwise hold every
 * waiting call until its deadline. With a rate limiter every attempt waits for a token-route slot, and a 429 starts
 * the limiter's cool-down. When the cache offers {@link TokenCache.lockRefresh} (a cache shared by a
 * fleet), one process of the fleet fetches while the others read the cache until the token appears, within the same
 * deadline.
 */
export class OAuthTokenProvider implements AccessTokenSource {
  readonly #config: OAuthTokenConfig;
  readonly #http: KyInstance;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #request: RequestSummary;
  readonly #cache: TokenCache;
  /**
   * The cache when its `get` is {@link InMemoryTokenCache}'s own, so that a read without waiting answers what `get`
   * would: a subclass overriding `get` (to count, log or fall back elsewhere) is asked through it every time.
   */
  readonly #peekable: InMemoryTokenCache | undefined;
  /** One token request in flight per key, whoever waits for it. */
  readonly #inFlight = new Map<string, Promise<Sensitive>>();
  /** Cache keys by scope set: a provider serves one or two, and every call needs its key. */
  readonly #keys = new Map<string, string>();
  #configuredKey: string | undefined;
  readonly #limiter: RateLimiter | undefined;

  /**
   * `limiter` paces token requests (1/s at Paxos) and holds the 429 cool-down shared with the identity calls;
   * `cache` keeps tokens between calls (a shared store lets a fleet reuse one token). Default: this process only.
   */
  constructor(config: OAuthTokenConfig, http: KyInstance, clock: Clock, limiter?: RateLimiter, cache?: TokenCache) {
    this.#config = config;
    this.#limiter = config.rateLimit === false ? undefined : limiter;
    this.#http = http;
    this.#clock = clock;
    this.#cache = cache ?? new InMemoryTokenCache({ clock });
    this.#peekable =
      this.#cache instanceof InMemoryTokenCache && this.#cache.get === InMemoryTokenCache.prototype.get
        ? this.#cache
        : undefined;
    this.#logger = config.logger;
    this.#request = Object.freeze({ method: 'POST', path: new URL(config.tokenUrl).pathname });
  }

  /** A valid access token for `scopes`: the cached one, or the result of the single token request in flight. */
  getToken(signal: AbortSignal, scopes: readonly string[] = this.#config.scopes): Promise<Sensitive> {
    const key = this.#key(scopes);
    return untilAborted(this.#cachedOrFetched(key, scopes), signal);
  }

  /**
   * The cached token for `scopes` without waiting, when the cache is this process's own map and reads as
   * {@link InMemoryTokenCache} does; else undefined.
   */
  peek(scopes: readonly string[] = this.#config.scopes): Sensitive | undefined {
    if (this.#peekable === undefined) return undefined;
    return this.#usable(this.#peekable.peek(this.#key(scopes)));
  }

  /** Forgets `token` if it is still the cached one; a token fetched meanwhile by another call is kept. */
  invalidate(token: Sensitive, scopes: readonly string[] = this.#config.scopes): Promise<void> {
    return this.#cache.invalidate(this.#key(scopes), token);
  }

  #key(scopes: readonly string[]): string {
    // Nearly every call asks with the configured list itself: its key is kept without joining it again.
    if (scopes === this.#config.scopes && this.#configuredKey !== undefined) return this.#configuredKey;
    const id = scopes.join(' ');
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = tokenCacheKey(this.#config.tokenUrl, this.#config.clientId, scopes);
      this.#keys.set(id, key);
    }
    if (scopes === this.#config.scopes) this.#configuredKey = key;
    return key;
  }

  async #cachedOrFetched(key: string, scopes: readonly string[]): Promise<Sensitive> {
    const cached = this.#usable(await this.#cache.get(key));
    if (cached !== undefined) return cached;
    let flight = this.#inFlight.get(key);
    if (flight === undefined) {
      flight = this.#obtain(key, scopes).finally(() => {
        this.#inFlight.delete(key);
      });
      // Every waiter may have given up (their deadlines passed): the shared promise must not reject unobserved.
      flight.catch(() => undefined);
      this.#inFlight.set(key, flight);
    }
    return flight;
  }

  /** A token still valid by the provider's clock, from the cache. */
  async #fresh(key: string): Promise<Sensitive | undefined> {
    return this.#usable(await this.#cache.get(key));
  }

  /**
   * The token of a cache entry still before its `renewAt` by the provider's clock: the cache's own expiry may run on
   * another clock (a store's TTL), so the provider decides as well, on every path that reads the cache.
   */
  #usable(cached: CachedAccessToken | undefined): Sensitive | undefined {
    return cached !== undefined && this.#clock.now().getTime() < cached.renewAt.getTime() ? cached.token : undefined;
  }

  /**
   * The token request of this process, or with a shared cache's lock the fleet's: whoever holds the lock fetches and
   * stores, the others read the cache until the token is there, and take the lock themselves when it frees without
   * one (the holder failed, or died and its lock lapsed). Everything ends by the one deadline of the call.
   */
  async #obtain(key: string, scopes: readonly string[]): Promise<Sensitive> {
    const deadline = new Deadline(this.#config.timeoutMs);
    try {
      if (this.#cache.lockRefresh === undefined) return await this.#fetchToken(key, scopes, deadline);
      let pollMs = FIRST_POLL_MS;
      for (;;) {
        const taking = this.#cache.lockRefresh(key, this.#config.timeoutMs + LOCK_MARGIN_MS);
        const release = await this.#bounded(taking, deadline).catch((error: unknown) => {
          // A lock granted after this call gave up would have no holder and keep the fleet from fetching until it
          // lapses: it is released as soon as it arrives.
          taking.then((late) => late?.()).catch(() => undefined);
          throw error;
        });
        if (release !== undefined) {
          try {
            // The previous holder may have stored its token between this process's last read and its lock.
            return (await this.#bounded(this.#fresh(key), deadline)) ?? (await this.#fetchToken(key, scopes, deadline));
          } finally {
            // A release that fails leaves the lock to lapse with its TTL; the token is what the caller needs.
            await release().catch(() => undefined);
          }
        }
        await this.#bounded(deadline.sleep(pollMs), deadline);
        pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
        const stored = await this.#bounded(this.#fresh(key), deadline);
        if (stored !== undefined) return stored;
      }
    } finally {
      deadline.dispose();
    }
  }

  /** `work` while the deadline lasts; when it passes first, the token timeout of a call that sent no request. */
  async #bounded<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
    try {
      return await untilAborted(work, deadline.signal);
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      throw new PaxosTimeoutError(this.#config.timeoutMs, { request: this.#request, attempts: 0 });
    }
  }

  async #fetchToken(key: string, scopes: readonly string[], deadline: Deadline): Promise<Sensitive> {
    const started = performance.now();
    let status: number | undefined;
    let requestId: string | undefined;
    try {
      const secret = await this.#secret(deadline);
      const form = new URLSearchParams();
      form.set('grant_type', 'client_credentials');
      form.set('client_id', this.#config.clientId);
      form.set('client_secret', secret);
      form.set('scope', scopes.join(' '));
      let exchanged: TokenExchange;
      for (let attempts = 1; ; attempts++) {
        exchanged = await this.#exchange(form, secret, deadline, attempts);
        if (exchanged.kind === 'answer') break;
        // Only a stall is asked again: a reset or a refusal says the endpoint is there and answering.
        const retries = this.#config.maxRetries ?? 0;
        const wait = backoffDelay(attempts, this.#config.initialDelayMs ?? 0, this.#config.maxDelayMs ?? 0);
        if (attempts > retries || wait >= deadline.remaining()) throw exchanged.error;
        if (this.#logger !== undefined)
          logAttempt(this.#logger, 'warn', {
            method: this.#request.method,
            path: this.#request.path,
            attempt: attempts,
            durationMs: Math.round(performance.now() - started),
            outcome: 'retry',
            reason: ATTEMPT_TIMEOUT,
            retryInMs: wait,
          });
        await this.#bounded(deadline.sleep(wait), deadline);
      }
      ({ status, requestId } = exchanged);
      const { text, headers, attempts } = exchanged;
      const token =
        status >= 200 && status < 300 ? await this.#accept(key, text, status, requestId, attempts) : undefined;
      if (token === undefined) {
        let refusal: IdentityServiceError;
        try {
          refusal = await this.#refusal(status, text, headers, requestId, scopes, deadline.signal, attempts);
        } catch (error) {
          if (!deadline.signal.aborted) throw error;
          throw new PaxosTimeoutError(this.#config.timeoutMs, {
            request: this.#request,
            attempts,
            status,
            requestId,
          });
        }
        throw refusal;
      }
      if (this.#logger !== undefined) this.#log('debug', started, status, requestId, 'ok');
      return token;
    } catch (error) {
      if (this.#logger !== undefined) {
        const code = (error as Partial<IdentityServiceError>).code;
        const reason = error instanceof PaxosConnectionError ? error.reason : undefined;
        const failed = error as { status?: unknown; requestId?: unknown };
        this.#log(
          'error',
          started,
          typeof failed.status === 'number' ? failed.status : status,
          typeof failed.requestId === 'string' ? failed.requestId : requestId,
          'fail',
          code,
          reason,
        );
      }
      throw error;
    }
  }

  /**
   * One token request, its slot and its whole body under the attempt's own budget: the answer, or the stall that
   * cut it (a typed timeout the caller may retry). Any other failure is thrown as the typed error it is.
   */
  async #exchange(form: URLSearchParams, secret: string, deadline: Deadline, attempts: number): Promise<TokenExchange> {
    try {
      await acquireSlot(this.#limiter, 'token', deadline.signal, this.#request, attempts);
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      throw new PaxosTimeoutError(this.#config.timeoutMs, { request: this.#request, attempts: attempts - 1 });
    }
    const budget = this.#config.attemptTimeoutMs ?? this.#config.timeoutMs;
    const timer = new AttemptTimer(budget, deadline.signal);
    let status: number | undefined;
    let requestId: string | undefined;
    try {
      const response = await this.#http(this.#config.tokenUrl, { method: 'POST', body: form, signal: timer.signal });
      status = response.status;
      requestId = requestIdOf(response.headers, [secret]);
      const body = await readCappedBody(
        response,
        this.#config.maxResponseBytes ?? DEFAULT_MAX_TOKEN_RESPONSE,
        timer.signal,
      );
      if (body.oversized) {
        throw new PaxosResponseError('the token endpoint answered with a body that was too large and was cut off', [], {
          request: this.#request,
          status,
          requestId,
          attempts,
        });
      }
      return { kind: 'answer', status, headers: response.headers, text: body.text, requestId, attempts };
    } catch (error) {
      if (error instanceof PaxosResponseError) throw error;
      const options = { request: this.#request, attempts, status, requestId };
      if (timer.expired) return { kind: 'stalled', error: new PaxosTimeoutError(budget, options) };
      throw deadline.signal.aborted
        ? new PaxosTimeoutError(this.#config.timeoutMs, options)
        : new PaxosConnectionError(networkReason(error), { ...options, target: targetOf(this.#config.tokenUrl) });
    } finally {
      timer.dispose();
    }
  }

  /**
   * Reads the client secret; a vault function is called for every new token so that rotations are picked up. The
   * function runs under the token request's deadline and a timeout of its own: one that never settles fails this
   * request, which clears the shared in-flight promise, so that the next call asks the vault again.
   */
  async #secret(deadline: Deadline): Promise<string> {
    const source = this.#config.clientSecret;
    if (typeof source !== 'function') return source.reveal();
    const timeoutMs = this.#config.secretTimeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS;
    const own = new Deadline(timeoutMs, deadline.signal);
    let value: unknown;
    try {
      // A function that throws synchronously is a failing vault as much as one that rejects.
      value = await untilAborted(
        new Promise<unknown>((resolve) => {
          resolve(source());
        }),
        own.signal,
      );
    } catch {
      if (deadline.signal.aborted)
        throw new PaxosTimeoutError(this.#config.timeoutMs, { request: this.#request, attempts: 0 });
      if (own.signal.aborted)
        throw new PaxosAuthenticationError(`the clientSecret function did not settle within ${timeoutMs} ms`, {
          request: this.#request,
          status: undefined,
          attempts: 0,
        });
      // The vault's error is dropped: it may quote the secret or the vault's own credentials.
      throw new PaxosAuthenticationError('the clientSecret function failed', {
        request: this.#request,
        status: undefined,
        attempts: 0,
      });
    } finally {
      own.dispose();
    }
    if (typeof value !== 'string' || value === '') {
      throw new PaxosAuthenticationError('the clientSecret function did not return a non-empty string', {
        request: this.#request,
        status: undefined,
        attempts: 0,
      });
    }
    return value;
  }

  async #accept(
    key: string,
    text: string,
    status: number,
    requestId: string | undefined,
    attempts: number,
  ): Promise<Sensitive> {
    const options = { request: this.#request, status, requestId, attempts };
    let plain: unknown;
    try {
      plain = JSON.parse(text);
    } catch {
      throw new PaxosResponseError('the token endpoint answered with a body that is not valid JSON', [], options);
    }
    const decoded = decode(TokenResponseDto, plain);
    if (!decoded.ok)
      throw new PaxosResponseError(
        'the token endpoint answered without a usable access token',
        decoded.issues,
        options,
      );
    const { access_token: accessToken, expires_in: expiresIn, token_type: tokenType } = decoded.value;
    if (isPresent(tokenType) && tokenType.toLowerCase() !== 'bearer') {
      throw new PaxosResponseError(
        'the token endpoint issued a token that is not a bearer token',
        ['token_type: equals bearer'],
        options,
      );
    }
    if (!BEARER_TOKEN.test(accessToken)) {
      // A header value with a line break or a space would be refused by fetch, or worse, split the request.
      throw new PaxosResponseError(
        'the token endpoint issued an access token that cannot be sent in a header',
        ['access_token: isBearerToken'],
        options,
      );
    }
    const token = Sensitive.of(accessToken);
    const lifetime = typeof expiresIn === 'number' ? Math.max(0, expiresIn) : DEFAULT_LIFETIME_S;
    const margin = Math.min(MAX_RENEW_MARGIN_S, lifetime / 10);
    const renewAt = new Date(this.#clock.now().getTime() + (lifetime - margin) * 1000);
    try {
      await this.#cache.set(key, { token, renewAt });
    } catch (error) {
      // The token request is spent and its token valid: the caller gets it, and the next call asks the cache again.
      const code = (error as Partial<IdentityServiceError>).code;
      this.#logger?.warn('the token cache did not keep the new access token', {
        path: this.#request.path,
        ...(typeof code === 'string' && { errorCode: code }),
      });
    }
    return token;
  }

  /** The token endpoint's refusal through the one error factory; a 429 records its cool-down first. */
  async #refusal(
    status: number,
    text: string,
    headers: Headers,
    requestId: string | undefined,
    scopes: readonly string[],
    signal: AbortSignal,
    attempts: number,
  ): Promise<IdentityServiceError> {
    const after = status === 429 ? retryAfterMs(headers, Date.now(), this.#config.maxRetryAfterMs) : undefined;
    const limits = this.#config.rateLimit;
    const retryAt =
      status === 429 && limits !== undefined && limits !== false
        ? await startCoolDown(this.#limiter, limits.coolDownMs, after, signal)
        : undefined;
    return errorFromAnswer({
      endpoint: 'token',
      request: this.#request,
      status,
      requestId,
      problem: undefined,
      attempts,
      retryAfterMs: after,
      retryAt,
      oauthError: status >= 300 && status < 400 ? undefined : this.#oauthError(text),
      scopes,
    });
  }

  /** The RFC 6749 `error` code; `error_description` is never kept, as it may echo what was sent. */
  #oauthError(text: string): string | undefined {
    const error = decodeJsonText(OAuthErrorDto, text)?.error;
    return error !== undefined && OAUTH_ERROR_CODE.test(error) ? error : undefined;
  }

  #log(
    level: 'debug' | 'error',
    started: number,
    status: number | undefined,
    requestId: string | undefined,
    outcome: string,
    errorCode?: string,
    reason?: string,
  ): void {
    if (this.#logger === undefined) return;
    logAttempt(this.#logger, level, {
      method: this.#request.method,
      path: this.#request.path,
      attempt: 1,
      status,
      durationMs: Math.round(performance.now() - started),
      requestId,
      outcome,
      errorCode,
      reason,
    });
  }
}
