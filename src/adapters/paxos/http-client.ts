import ky, { type KyInstance } from 'ky';
import type { RequestSummary, Sensitive } from '../../domain/index.js';
import type { LogFields, Logger, RateLimiter, RateLimitRoute } from '../../ports/index.js';
import { Deadline, untilAborted } from './abort.js';
import type { ResolvedPaxosConfig } from './config.js';
import { decode, ProblemDto } from './dto/index.js';
import {
  errorFromAnswer,
  PaxosConnectionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosTimeoutError,
  type ProblemFields,
} from './errors.js';
import { USER_AGENT } from './version.js';

// The transport policy of the Paxos adapter, in one place. Every rule says why.

/** Answers worth another attempt: Paxos or a proxy in front of it timed out or failed, nothing was decided. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);

/**
 * Network failures worth another attempt: the connection was refused, reset or dropped, or a transient DNS or
 * socket timeout. Certificate errors and unknown hosts are not: they fail the same way again.
 */
const RETRY_NETWORK_REASONS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Headers that may carry the request id Paxos support asks for; the first present wins. */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'paxos-request-id', 'x-paxos-request-id'] as const;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/**
 * One ky instance for the whole adapter, built once: ky's own machinery is switched off where it would work
 * against the policy below.
 */
export function createPaxosKy(): KyInstance {
  return ky.create({
    // Retries are decided below, where the body, the deadline and the one 401 refresh are all in view.
    retry: 0,
    // ky's timeout is per attempt and stops once headers arrive, so a stalled body would hang: a Deadline covers all.
    timeout: false,
    // ky's HTTPError keeps the request with its JSON (an SSN) and the bearer token: never let ky build one.
    throwHttpErrors: false,
    // Node's fetch follows a cross-origin 307 and re-sends the body (personal data) to the new origin.
    redirect: 'manual',
    // Paxos support can tell which library and version called.
    headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
  });
}

/** Exponential backoff with equal jitter: half the delay is fixed (so retries do spread), half is random. */
export function backoffDelay(
  retry: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Paxos's request id from the response headers, when present and printable. */
export function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value !== null) return SAFE_REQUEST_ID.test(value) ? value : undefined;
  }
  return undefined;
}

/** The system code of a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET`), never its message. */
export function networkReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Writes one attempt line. Callers check for a logger first, so that no field is computed without one. */
export function logAttempt(logger: Logger, level: 'debug' | 'warn' | 'error', fields: LogFields): void {
  const line: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) line[key] = value;
  logger[level](`paxos ${String(fields['method'])} ${String(fields['path'])}`, line);
}

/** What a capped read of a body gives: the text, or the fact that it was longer than allowed (and was cut off). */
export type CappedBody =
  { readonly text: string; readonly oversized: false } | { readonly text: ''; readonly oversized: true };

/**
 * Reads a response body counting bytes as they arrive, and cancels the stream as soon as it passes `maxBytes`: a
 * hostile or broken server cannot make the client buffer an unbounded body. A `content-length` above the cap is
 * refused before a byte is read.
 */
export async function readCappedBody(response: Response, maxBytes: number, signal?: AbortSignal): Promise<CappedBody> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const body = response.body;
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body?.cancel().catch(() => undefined);
    return { text: '', oversized: true };
  }
  if (body === null) return { text: '', oversized: false };
  signal?.throwIfAborted();
  const reader = body.getReader();
  // A read pending on a stalled body is not always woken by the fetch's own abort: cancel the reader as well, so
  // that the deadline ends the read whatever state the connection is in.
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const chunk: { readonly done: boolean; readonly value?: unknown } = await reader.read();
      signal?.throwIfAborted();
      if (chunk.done) break;
      const value = chunk.value;
      if (!(value instanceof Uint8Array))
        throw new TypeError('response body stream yielded something other than bytes');
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { text: '', oversized: true };
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { text: text + decoder.decode(), oversized: false };
}

/**
 * Waits for a rate-limit slot on `route` and turns a refusal into {@link PaxosRateLimitError}; without a limiter,
 * resolves at once. Rejects with the signal's reason when the deadline passes in the queue.
 */
export async function acquireSlot(
  limiter: RateLimiter | undefined,
  route: RateLimitRoute,
  signal: AbortSignal,
  request: RequestSummary,
  attempts: number,
  waitForCoolDown = false,
): Promise<void> {
  if (limiter === undefined) return;
  const permit = await limiter.acquire(route, { signal, waitForCoolDown });
  if (!permit.granted)
    throw new PaxosRateLimitError({
      request,
      attempts,
      status: undefined,
      reason: permit.reason,
      retryAt: permit.retryAt,
    });
}

/** Starts the cool-down after a 429: until the `Retry-After` Paxos gave, else for the configured cool-down. */
export function startCoolDown(
  limiter: RateLimiter | undefined,
  coolDownMs: number,
  retryAfter: number | undefined,
): Date | undefined {
  if (limiter === undefined) return undefined;
  const until = new Date(Date.now() + (retryAfter ?? coolDownMs));
  limiter.coolDown(until);
  return limiter.coolingDownUntil() ?? until;
}

/** Where the access token comes from: the OAuth token provider, behind this seam for tests. */
export interface AccessTokenSource {
  /** A valid token; resolves from the cache or waits for the one token request in flight. */
  getToken(signal: AbortSignal): Promise<Sensitive>;
  /** Drops `token` from the cache if it is still the cached one (a 401 said it is no longer good). */
  invalidate(token: Sensitive): void;
}

/** One API call as the gateway describes it. */
export interface PaxosRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** The concrete path under the base URL, ids already encoded: `/identity/identities/abc`. */
  readonly path: string;
  /** The route template for logs and errors: `/identity/identities/{id}`. */
  readonly template: string;
  /** An encoded query string without `?`. */
  readonly query?: string;
  /** The wire DTO to send as JSON. */
  readonly body?: object;
  /** Whether repeating the request cannot do anything twice (GET, PUT, a create carrying its `ref_id`). */
  readonly idempotent: boolean;
  /** Whether the 2xx body is needed (create, get) or just drained (sandbox status answers `{}`). */
  readonly readJson: boolean;
  /** The identity the path names, so that a 404 becomes IdentityNotFoundError. */
  readonly identityId?: string;
  /** Personal values in the body, scrubbed from any `detail` Paxos echoes back. */
  readonly sensitive?: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/** A successful answer. */
export interface PaxosAnswer {
  readonly status: number;
  /** The parsed JSON body (when `readJson`). */
  readonly json: unknown;
  readonly requestId: string | undefined;
  readonly attempts: number;
  readonly request: RequestSummary;
}

type Attempt =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: Headers;
      readonly text: string;
      /** The body was longer than `maxResponseBytes` and was not read to the end; `text` is empty. */
      readonly oversized: boolean;
      readonly requestId: string | undefined;
    }
  | {
      readonly kind: 'network';
      readonly reason: string | undefined;
      readonly status?: number;
      readonly requestId?: string | undefined;
    }
  | { readonly kind: 'aborted'; readonly status?: number; readonly requestId?: string | undefined };

const JSON_CONTENT = /\bjson\b/i;

function problemOf(attempt: Attempt & { kind: 'answer' }): ProblemFields | undefined {
  // Paxos's identity routes declare application/json errors, other routes application/problem+json: read both.
  if (attempt.text === '' || !JSON_CONTENT.test(attempt.headers.get('content-type') ?? '')) return undefined;
  let plain: unknown;
  try {
    plain = JSON.parse(attempt.text);
  } catch {
    return undefined;
  }
  const decoded = decode(ProblemDto, plain);
  return decoded.ok ? decoded.value : undefined;
}

/**
 * Sends identity API requests under the transport policy:
 * - one deadline per call (`timeoutMs`) over the token, every attempt, every wait and the body;
 * - up to `maxRetries` retries with exponential backoff and jitter on 408/500/502/503/504 and connection resets,
 *   for idempotent requests only (GET, PUT, and the create POST because its `ref_id` makes a repeat a 409 replay);
 * - 429 is retried only when a `Retry-After` fits in the deadline: Paxos throttles the whole IP for five minutes;
 * - a 401 drops the cached token and repeats the call once with a fresh one;
 * - every attempt waits for a slot of the rate limiter, and a 429 starts its cool-down: later calls are refused
 *   without being sent, because each request during Paxos's five-minute IP throttle extends it;
 * - bodies are read under a byte cap, and a 2xx that should carry JSON must say so in its content type;
 * - redirects are never followed; every failure becomes a typed error without the body, headers or token.
 */
export class PaxosHttpClient {
  readonly #http: KyInstance;
  readonly #config: ResolvedPaxosConfig;
  readonly #tokens: AccessTokenSource;
  readonly #logger: Logger | undefined;
  readonly #limiter: RateLimiter | undefined;

  /** `limiter` paces every attempt and holds the 429 cool-down; without one, nothing is paced. */
  constructor(config: ResolvedPaxosConfig, tokens: AccessTokenSource, http: KyInstance, limiter?: RateLimiter) {
    this.#config = config;
    this.#tokens = tokens;
    this.#http = http;
    this.#logger = config.logger;
    this.#limiter = config.rateLimit === false ? undefined : limiter;
  }

  /** Sends `request`; resolves with the 2xx answer or rejects with a typed error (or the caller's abort reason). */
  async send(request: PaxosRequest): Promise<PaxosAnswer> {
    const summary: RequestSummary = Object.freeze({ method: request.method, path: request.template });
    const url = `${this.#config.baseUrl}${request.path}${request.query === undefined ? '' : `?${request.query}`}`;
    // Serialised once: every retry sends the same bytes.
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const deadline = new Deadline(this.#config.timeoutMs, request.signal);
    let attempts = 0;
    let retries = 0;
    let refreshed = false;
    let afterRetryAfter = false;
    try {
      for (;;) {
        attempts += 1;
        let token: Sensitive;
        try {
          token = await untilAborted(this.#tokens.getToken(deadline.signal), deadline.signal);
          await acquireSlot(this.#limiter, 'identity', deadline.signal, summary, attempts, afterRetryAfter);
        } catch (error) {
          throw this.#abortedOr(deadline, summary, attempts, error);
        }
        afterRetryAfter = false;
        const started = performance.now();
        const attempt = await this.#attempt(url, request.method, body, token, deadline);
        const durationMs = Math.round(performance.now() - started);

        if (attempt.kind === 'aborted') {
          const failure = this.#abortedOr(deadline, summary, attempts, undefined);
          if (this.#logger !== undefined) {
            this.#log('error', summary, {
              durationMs,
              attempts,
              status: attempt.status,
              requestId: attempt.requestId,
              reason: 'ABORTED',
            });
          }
          throw failure;
        }

        if (attempt.kind === 'network') {
          const { reason } = attempt;
          const failure = new PaxosConnectionError(reason, {
            request: summary,
            attempts,
            status: attempt.status,
            requestId: attempt.requestId,
          });
          const wait =
            request.idempotent &&
            retries < this.#config.maxRetries &&
            reason !== undefined &&
            RETRY_NETWORK_REASONS.has(reason)
              ? this.#fits(this.#backoff(retries + 1), deadline)
              : undefined;
          if (this.#logger !== undefined) {
            this.#log(wait === undefined ? 'error' : 'warn', summary, {
              durationMs,
              attempts,
              status: attempt.status,
              requestId: attempt.requestId,
              reason,
              wait,
              errorCode: failure.code,
            });
          }
          if (wait === undefined) throw failure;
          retries += 1;
          await this.#sleep(deadline, wait, summary, attempts);
          continue;
        }

        const { status, requestId } = attempt;
        if (status >= 200 && status < 300) {
          const json = request.readJson ? this.#parse(attempt, summary, attempts) : undefined;
          if (!request.readJson && attempt.oversized) this.#tooLarge(attempt, summary, attempts);
          if (this.#logger !== undefined) this.#log('debug', summary, { durationMs, attempts, status, requestId });
          return { status, json, requestId, attempts, request: summary };
        }

        if (status === 401 && !refreshed) {
          // The token may have been revoked or rotated before its expiry: one fresh token, one more try.
          refreshed = true;
          this.#tokens.invalidate(token);
          if (this.#logger !== undefined)
            this.#log('warn', summary, { durationMs, attempts, status, requestId, refresh: true });
          continue;
        }

        const after = retryAfterMs(attempt.headers);
        const coolDownUntil =
          status === 429 && this.#config.rateLimit !== false
            ? startCoolDown(this.#limiter, this.#config.rateLimit.coolDownMs, after)
            : undefined;
        const answered = errorFromAnswer({
          request: summary,
          status,
          requestId,
          problem: attempt.oversized ? undefined : problemOf(attempt),
          attempts,
          identityId: request.identityId,
          retryAfterMs: after,
          sensitive: request.sensitive,
        });
        const failure =
          coolDownUntil === undefined
            ? answered
            : new PaxosRateLimitError({
                request: summary,
                status,
                requestId,
                attempts,
                ...(after !== undefined && { retryAfterMs: after }),
                retryAt: coolDownUntil,
              });
        const wait = this.#retryWait(request, status, retries, after, deadline);
        if (wait !== undefined && status === 429) afterRetryAfter = true;
        if (this.#logger !== undefined) {
          this.#log(wait === undefined && status >= 500 ? 'error' : 'warn', summary, {
            durationMs,
            attempts,
            status,
            requestId,
            wait,
            errorCode: failure.code,
          });
        }
        if (wait === undefined) throw failure;
        retries += 1;
        await this.#sleep(deadline, wait, summary, attempts);
      }
    } finally {
      deadline.dispose();
    }
  }

  /** One HTTP exchange, body included, reduced to what the policy needs: no ky or fetch error object survives. */
  async #attempt(
    url: string,
    method: string,
    body: string | undefined,
    token: Sensitive,
    deadline: Deadline,
  ): Promise<Attempt> {
    let response: Response;
    try {
      response = await this.#http(url, {
        method,
        body,
        headers:
          body === undefined
            ? { authorization: `Bearer ${token.reveal()}` }
            : { authorization: `Bearer ${token.reveal()}`, 'content-type': 'application/json' },
        signal: deadline.signal,
      });
    } catch (error) {
      if (deadline.signal.aborted) return { kind: 'aborted' };
      return { kind: 'network', reason: networkReason(error) };
    }
    const requestId = requestIdOf(response.headers);
    try {
      // Read inside the attempt and under the deadline: a body that stalls or breaks is this attempt's failure.
      const { text, oversized } = await readCappedBody(response, this.#config.maxResponseBytes, deadline.signal);
      return { kind: 'answer', status: response.status, headers: response.headers, text, oversized, requestId };
    } catch (error) {
      if (deadline.signal.aborted) return { kind: 'aborted', status: response.status, requestId };
      return { kind: 'network', reason: networkReason(error), status: response.status, requestId };
    }
  }

  #tooLarge(attempt: Attempt & { kind: 'answer' }, request: RequestSummary, attempts: number): never {
    const options = { status: attempt.status, requestId: attempt.requestId, request, attempts };
    throw new PaxosResponseError(
      `answered ${attempt.status} with a body larger than ${this.#config.maxResponseBytes} bytes, which was cut off`,
      [],
      options,
    );
  }

  #parse(attempt: Attempt & { kind: 'answer' }, request: RequestSummary, attempts: number): unknown {
    const options = { status: attempt.status, requestId: attempt.requestId, request, attempts };
    if (attempt.oversized) this.#tooLarge(attempt, request, attempts);
    if (attempt.text === '') throw new PaxosResponseError(`answered ${attempt.status} with an empty body`, [], options);
    const contentType = attempt.headers.get('content-type') ?? '';
    if (!JSON_CONTENT.test(contentType)) {
      // An HTML error page from a proxy with a 200 is not an identity; its media type is named, nothing more of it.
      const media = /^[\w.+-]{1,64}\/[\w.+-]{1,64}/.exec(contentType.trim())?.[0] ?? 'none';
      throw new PaxosResponseError(`answered ${attempt.status} with content type ${media}, not JSON`, [], options);
    }
    try {
      return JSON.parse(attempt.text);
    } catch {
      // Never the SyntaxError itself: V8 quotes the text around the fault, which may be an SSN.
      throw new PaxosResponseError(`answered ${attempt.status} with a body that is not valid JSON`, [], options);
    }
  }

  /** How long to wait before retrying a non-2xx answer, or undefined to give up now. */
  #retryWait(
    request: PaxosRequest,
    status: number,
    retries: number,
    after: number | undefined,
    deadline: Deadline,
  ): number | undefined {
    if (!request.idempotent || retries >= this.#config.maxRetries) return undefined;
    // A blind retry of a 429 extends Paxos's five-minute IP throttle; only an explicit Retry-After is honoured.
    if (status === 429) return after === undefined ? undefined : this.#fits(after, deadline);
    if (!RETRY_STATUSES.has(status)) return undefined;
    return this.#fits(after ?? this.#backoff(retries + 1), deadline);
  }

  /** A wait that would outlast the deadline is pointless: give up now and report the real cause. */
  #fits(wait: number, deadline: Deadline): number | undefined {
    return wait < deadline.remaining() ? wait : undefined;
  }

  #backoff(retry: number): number {
    return backoffDelay(retry, this.#config.initialDelayMs, this.#config.maxDelayMs);
  }

  async #sleep(deadline: Deadline, ms: number, summary: RequestSummary, attempts: number): Promise<void> {
    try {
      await deadline.sleep(ms);
    } catch (error) {
      throw this.#abortedOr(deadline, summary, attempts, error);
    }
  }

  /** The caller's abort reason, a timeout when the deadline fired, or the error itself. */
  #abortedOr(deadline: Deadline, request: RequestSummary, attempts: number, error: unknown): unknown {
    if (deadline.cancelledByCaller) return deadline.callerReason;
    if (deadline.signal.aborted) return new PaxosTimeoutError(deadline.timeoutMs, { request, attempts });
    return error;
  }

  #log(
    level: 'debug' | 'warn' | 'error',
    request: RequestSummary,
    fields: {
      durationMs: number;
      attempts: number;
      status?: number | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
      wait?: number | undefined;
      errorCode?: string | undefined;
      refresh?: boolean;
    },
  ): void {
    if (this.#logger === undefined) return;
    const outcome =
      fields.refresh === true
        ? 'refresh_token'
        : fields.wait !== undefined
          ? 'retry'
          : level === 'debug'
            ? 'ok'
            : fields.reason === 'ABORTED'
              ? 'aborted'
              : 'fail';
    logAttempt(this.#logger, level, {
      method: request.method,
      path: request.path,
      attempt: fields.attempts,
      status: fields.status,
      durationMs: fields.durationMs,
      requestId: fields.requestId,
      outcome,
      reason: fields.reason,
      retryInMs: fields.wait,
      errorCode: fields.errorCode,
    });
  }
}
