import type { KyInstance } from 'ky';
import { Sensitive, type IdentityServiceError, type RequestSummary } from '../../domain/index.js';
import type { Clock, Logger, RateLimiter } from '../../ports/index.js';
import { Deadline, untilAborted } from './abort.js';
import type { ResolvedPaxosConfig } from './config.js';
import { decode, OAuthErrorDto, TokenResponseDto } from './dto/index.js';
import {
  PaxosAuthenticationError,
  PaxosConnectionError,
  PaxosHttpError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
} from './errors.js';
import {
  acquireSlot,
  logAttempt,
  networkReason,
  readCappedBody,
  requestIdOf,
  retryAfterMs,
  startCoolDown,
  type AccessTokenSource,
} from './http-client.js';
import { isPresent } from './present.js';

/** Paxos's tokens live 3599 s; a token response without `expires_in` is trusted for five minutes only. */
const DEFAULT_LIFETIME_S = 300;
/** Renew before expiry by a tenth of the lifetime, at most a minute, so that no request leaves with a dying token. */
const MAX_RENEW_MARGIN_S = 60;
const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/;
/** Printable ASCII without spaces: what RFC 6750 allows in `Authorization: Bearer …`, and then some. */
const BEARER_TOKEN = /^[\x21-\x7e]{1,8192}$/;

interface CachedToken {
  readonly token: Sensitive;
  /** Epoch milliseconds after which the token is renewed. */
  readonly renewAt: number;
}

/** What the token provider needs from the adapter's configuration. */
export type OAuthTokenConfig = Pick<
  ResolvedPaxosConfig,
  'tokenUrl' | 'clientId' | 'clientSecret' | 'scopes' | 'timeoutMs' | 'logger'
> &
  Partial<Pick<ResolvedPaxosConfig, 'rateLimit' | 'maxResponseBytes'>>;

const DEFAULT_MAX_TOKEN_RESPONSE = 1024 * 1024;

/**
 * OAuth 2 client credentials against Paxos's token endpoint. The token is cached until shortly before
 * `expires_in`; however many calls need a token at once, one token request is in flight (the endpoint allows one
 * request per second per IP, and exceeding it throttles the IP for five minutes). The token request itself is
 * never retried automatically, for the same reason; with a rate limiter it also waits for a token-route slot, and a
 * 429 starts the limiter's cool-down.
 */
export class OAuthTokenProvider implements AccessTokenSource {
  readonly #config: OAuthTokenConfig;
  readonly #http: KyInstance;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #request: RequestSummary;
  #cached: CachedToken | undefined;
  #inFlight: Promise<Sensitive> | undefined;
  readonly #limiter: RateLimiter | undefined;

  /** `limiter` paces token requests (1/s at Paxos) and holds the 429 cool-down shared with the identity calls. */
  constructor(config: OAuthTokenConfig, http: KyInstance, clock: Clock, limiter?: RateLimiter) {
    this.#config = config;
    this.#limiter = config.rateLimit === false ? undefined : limiter;
    this.#http = http;
    this.#clock = clock;
    this.#logger = config.logger;
    this.#request = Object.freeze({ method: 'POST', path: new URL(config.tokenUrl).pathname });
  }

  /** A valid access token: the cached one, or the result of the single token request in flight. */
  getToken(signal: AbortSignal): Promise<Sensitive> {
    const cached = this.#cached;
    if (cached !== undefined && this.#clock.now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
    let flight = this.#inFlight;
    if (flight === undefined) {
      flight = this.#fetchToken().finally(() => {
        this.#inFlight = undefined;
      });
      // Every waiter may have given up (their deadlines passed): the shared promise must not reject unobserved.
      flight.catch(() => undefined);
      this.#inFlight = flight;
    }
    return untilAborted(flight, signal);
  }

  /** Forgets `token` if it is still the cached one; a token fetched meanwhile by another call is kept. */
  invalidate(token: Sensitive): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #fetchToken(): Promise<Sensitive> {
    const deadline = new Deadline(this.#config.timeoutMs);
    const started = performance.now();
    let status: number | undefined;
    let requestId: string | undefined;
    try {
      const secret = await this.#secret();
      const form = new URLSearchParams();
      form.set('grant_type', 'client_credentials');
      form.set('client_id', this.#config.clientId);
      form.set('client_secret', secret);
      form.set('scope', this.#config.scopes.join(' '));
      let text: string;
      let headers: Headers;
      try {
        await acquireSlot(this.#limiter, 'token', deadline.signal, this.#request, 1);
      } catch (error) {
        if (!deadline.signal.aborted) throw error;
        throw new PaxosTimeoutError(this.#config.timeoutMs, { request: this.#request, attempts: 0 });
      }
      try {
        const response = await this.#http(this.#config.tokenUrl, {
          method: 'POST',
          body: form,
          signal: deadline.signal,
        });
        status = response.status;
        headers = response.headers;
        requestId = requestIdOf(headers);
        const body = await readCappedBody(
          response,
          this.#config.maxResponseBytes ?? DEFAULT_MAX_TOKEN_RESPONSE,
          deadline.signal,
        );
        if (body.oversized) {
          throw new PaxosResponseError(
            'the token endpoint answered with a body that was too large and was cut off',
            [],
            {
              request: this.#request,
              status,
              requestId,
              attempts: 1,
            },
          );
        }
        text = body.text;
      } catch (error) {
        if (error instanceof PaxosResponseError) throw error;
        const options = { request: this.#request, attempts: 1, status, requestId };
        throw deadline.signal.aborted
          ? new PaxosTimeoutError(this.#config.timeoutMs, options)
          : new PaxosConnectionError(networkReason(error), options);
      }
      const token = status >= 200 && status < 300 ? this.#accept(text, status, requestId) : undefined;
      if (token === undefined) throw this.#refusal(status, text, headers, requestId);
      if (this.#logger !== undefined) this.#log('debug', started, status, requestId, 'ok');
      return token;
    } catch (error) {
      if (this.#logger !== undefined) {
        const code = (error as Partial<IdentityServiceError>).code;
        const reason = error instanceof PaxosConnectionError ? error.reason : undefined;
        this.#log('error', started, status, requestId, 'fail', code, reason);
      }
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** Reads the client secret; a vault function is called for every new token so that rotations are picked up. */
  async #secret(): Promise<string> {
    const source = this.#config.clientSecret;
    if (typeof source !== 'function') return source.reveal();
    let value: unknown;
    try {
      value = await source();
    } catch {
      // The vault's error is dropped: it may quote the secret or the vault's own credentials.
      throw new PaxosAuthenticationError('the clientSecret function failed', {
        request: this.#request,
        status: undefined,
        attempts: 0,
      });
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

  #accept(text: string, status: number, requestId: string | undefined): Sensitive {
    const options = { request: this.#request, status, requestId, attempts: 1 };
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
    this.#cached = { token, renewAt: this.#clock.now().getTime() + (lifetime - margin) * 1000 };
    return token;
  }

  #refusal(status: number, text: string, headers: Headers, requestId: string | undefined): IdentityServiceError {
    const options = { request: this.#request, status, requestId, attempts: 1 };
    if (status >= 300 && status < 400) {
      return new PaxosResponseError(
        `the token endpoint answered with a redirect (${status}), which is never followed`,
        [],
        options,
      );
    }
    if (status === 429) {
      const after = retryAfterMs(headers);
      const coolDown =
        this.#config.rateLimit === undefined || this.#config.rateLimit === false
          ? undefined
          : this.#config.rateLimit.coolDownMs;
      const retryAt = coolDown === undefined ? undefined : startCoolDown(this.#limiter, coolDown, after);
      return new PaxosRateLimitError({
        ...options,
        ...(after !== undefined && { retryAfterMs: after }),
        ...(retryAt !== undefined && { retryAt }),
      });
    }
    if (status >= 500) return new PaxosServerError(status, options);
    const oauthError = this.#oauthError(text);
    if (status === 400 || status === 401 || status === 403 || oauthError !== undefined) {
      return new PaxosAuthenticationError(this.#explain(oauthError, status), {
        ...options,
        ...(oauthError !== undefined && { oauthError }),
      });
    }
    return new PaxosHttpError(status, undefined, options);
  }

  /** The RFC 6749 `error` code; `error_description` is never kept, as it may echo what was sent. */
  #oauthError(text: string): string | undefined {
    let plain: unknown;
    try {
      plain = JSON.parse(text);
    } catch {
      return undefined;
    }
    const decoded = decode(OAuthErrorDto, plain);
    return decoded.ok && OAUTH_ERROR_CODE.test(decoded.value.error) ? decoded.value.error : undefined;
  }

  #explain(oauthError: string | undefined, status: number): string {
    switch (oauthError) {
      case 'invalid_client':
        return 'the token endpoint refused the client credentials (invalid_client): check clientId, clientSecret and that they belong to this environment';
      case 'invalid_scope':
        return `the credentials may not request the scopes ${this.#config.scopes.join(' ')} (invalid_scope): identity:write_identity must be enabled by Paxos support`;
      case 'unauthorized_client':
        return 'the credentials may not use the client_credentials grant (unauthorized_client)';
      case undefined:
        return `the token endpoint refused the request (${status})`;
      default:
        return `the token endpoint refused the request (${oauthError})`;
    }
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
