import { TimeoutError, type KyInstance } from 'ky';
import type { IdentityServiceError, Sensitive } from '../../../domain/index.js';
import {
  checkCallOptions,
  reportResponse,
  type CallOptions,
  type Logger,
  type RateLimiter,
  type RateLimitRoute,
} from '../../../ports/index.js';
import { defaultAttemptTimeoutMs, type ResolvedPaxosConfig } from '../config.js';
import { PaxosConnectionError, PaxosResponseError, PaxosTimeoutError, type RequestSummary } from '../errors.js';
import { ATTEMPT_TIMEOUT } from './attempt-timeout.js';
import { AttemptObserver, responseMetadataOf, targetOf, UNWATCHED, type AttemptWatch } from './observer.js';
import { BodyTimeoutError, isJsonContent, mediaTypeOf, problemOf, readCappedBody } from './body.js';
import { Deadline, untilAborted } from './deadline.js';
import { errorFromAnswer, type ConflictMeaning, type NamedResource } from './error-factory.js';
import { acquireSlot, startCoolDown } from './pacing.js';
import { decideRetry, retryAfterMs, type AttemptOutcome, type RetryRules } from './retry-policy.js';
import { logAttempt, networkReason, requestIdOf } from './wire.js';

/** Where the access token comes from: the OAuth token provider, behind this seam for tests. */
export interface AccessTokenSource {
  /** A valid token for `scopes` (default: the configured ones), from the cache or the one token request in flight. */
  getToken(signal: AbortSignal, scopes?: readonly string[]): Promise<Sensitive>;
  /**
   * A valid token for `scopes` when one is at hand without waiting (a cache of this process), else undefined. Lets a
   * call with its token cached skip the promise, the signal and the turn that {@link AccessTokenSource.getToken} costs.
   */
  peek?(scopes?: readonly string[]): Sensitive | undefined;
  /** Drops `token` from the cache if it is still the cached one (a 401 said it is no longer good). */
  invalidate(token: Sensitive, scopes?: readonly string[]): Promise<void>;
}

/** One API call as a gateway describes it. */
export interface PaxosRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The concrete path under the base URL, ids already encoded: `/identity/identities/abc`. */
  readonly path: string;
  /** The route template for logs and errors: `/identity/identities/{id}`. */
  readonly template: string;
  /**
   * The rate-limit budget every attempt acquires on: `identity` for the Identity API (under `/identity/`), `other`
   * for the rest (the Events API); see {@link RateLimitRoute}. The token route is the token provider's.
   */
  readonly budget: Exclude<RateLimitRoute, 'token'>;
  /** An encoded query string without `?`. */
  readonly query?: string;
  /** The wire DTO to send as JSON. */
  readonly body?: object;
  /** Whether repeating the request cannot do anything twice (GET, PUT, a create carrying its `ref_id`). */
  readonly idempotent: boolean;
  /** Whether the 2xx body is needed (create, get) or just drained (sandbox status answers `{}`). */
  readonly readJson: boolean;
  /** What the path names, so that a 404 becomes that thing's not-found error. */
  readonly resource?: NamedResource;
  /** What a 409 means on this route. */
  readonly conflict?: ConflictMeaning;
  /** The `ref_id` sent, which tells a duplicate ref_id from a duplicate CIP triple in a 409. */
  readonly refId?: string | undefined;
  /** Personal values in the body, scrubbed from any `detail` Paxos echoes back. */
  readonly sensitive?: readonly string[];
  /** The token's scopes, when the route needs others than the configured ones (the Events API). */
  readonly scopes?: readonly string[];
  readonly signal?: AbortSignal | undefined;
  /** The caller's per-call options: deadline, retries, extra headers, the response sink (and a signal). */
  readonly call?: CallOptions | undefined;
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

/** One exchange reduced to what the policy needs: no ky or fetch error object survives it. */
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

type Answered = Attempt & { readonly kind: 'answer' };

/** Whether an answer says JSON but its (non-empty, complete within the cap) body does not parse: it was cut short. */
function isCutJson(attempt: Answered): boolean {
  if (attempt.oversized || attempt.text === '' || !isJsonContent(attempt.headers)) return false;
  try {
    JSON.parse(attempt.text);
    return false;
  } catch {
    return true;
  }
}

/** A 2xx body read: the JSON, or the refusal and whether the body was merely cut short (worth asking again). */
type BodyRead =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly cut: boolean; readonly error: PaxosResponseError };

/**
 * Sends API requests under the transport policy (the rules and their reasons are in the retry policy):
 * one deadline per call over the token, every attempt, every wait and the body; retries as the policy decides;
 * a rate-limit slot on the request's own budget before every attempt, and a 429's cool-down (of every budget)
 * recorded before the 429 is reported; bodies read
 * under a byte cap; redirects never followed; every failure a typed error without the body, headers or token.
 */
export class RequestSender {
  readonly #http: KyInstance;
  readonly #config: ResolvedPaxosConfig;
  readonly #tokens: AccessTokenSource;
  readonly #logger: Logger | undefined;
  readonly #limiter: RateLimiter | undefined;
  readonly #observer: AttemptObserver;
  /** `host:port` of the API, for connection errors. */
  readonly #target: string;
  /** The retry rules of an idempotent request and of one that is not, with the configured retries. */
  readonly #idempotentRules: RetryRules;
  readonly #onceRules: RetryRules;

  /** `limiter` paces every attempt and holds the 429 cool-down; without one, nothing is paced. */
  constructor(config: ResolvedPaxosConfig, tokens: AccessTokenSource, http: KyInstance, limiter?: RateLimiter) {
    this.#config = config;
    this.#tokens = tokens;
    this.#http = http;
    this.#logger = config.logger;
    this.#limiter = config.rateLimit === false ? undefined : limiter;
    this.#observer = new AttemptObserver(config.baseUrl, config.hooks, config.telemetry);
    this.#target = targetOf(config.baseUrl);
    const { maxRetries, initialDelayMs, maxDelayMs } = config;
    this.#idempotentRules = Object.freeze({ idempotent: true, maxRetries, initialDelayMs, maxDelayMs });
    this.#onceRules = Object.freeze({ idempotent: false, maxRetries, initialDelayMs, maxDelayMs });
  }

  /** Sends `request`; resolves with the 2xx answer or rejects with a typed error (or the caller's abort reason). */
  async send(request: PaxosRequest): Promise<PaxosAnswer> {
    const summary: RequestSummary = Object.freeze({ method: request.method, path: request.template });
    const url = `${this.#config.baseUrl}${request.path}${request.query === undefined ? '' : `?${request.query}`}`;
    // Serialised once: every retry sends the same bytes.
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const call = request.call;
    const extraHeaders = checkCallOptions(call);
    const configured = request.idempotent ? this.#idempotentRules : this.#onceRules;
    const rules: RetryRules =
      call?.maxRetries === undefined ? configured : { ...configured, maxRetries: call.maxRetries };
    const deadline = new Deadline(call?.timeoutMs ?? this.#config.timeoutMs, call?.signal ?? request.signal);
    // A per-call deadline scales the attempt's budget with it, unless an attempt budget was configured outright.
    const attemptMs =
      call?.timeoutMs !== undefined && !this.#config.attemptTimeoutConfigured
        ? defaultAttemptTimeoutMs(call.timeoutMs)
        : this.#config.attemptTimeoutMs;
    let attempts = 0;
    let retries = 0;
    let refreshed = false;
    let waitForCoolDown = false;
    let watch: AttemptWatch | undefined;
    try {
      for (;;) {
        attempts += 1;
        // A cached token and no limiter: nothing to wait for, and no promise spent on it.
        const cached = this.#tokens.peek?.(request.scopes);
        const token =
          cached !== undefined && this.#limiter === undefined
            ? cached
            : await this.#prepare(request, deadline, summary, attempts, waitForCoolDown, cached);
        const watching = this.#observer.start(summary, attempts);
        watch = watching instanceof Promise ? await watching : watching;
        const started = performance.now();
        const traced = watch.headers;
        const headers = traced === UNWATCHED.headers ? extraHeaders : { ...extraHeaders, ...traced };
        const attempt = await this.#attempt(
          url,
          request.method,
          body,
          token,
          deadline,
          headers,
          attemptMs,
          request.sensitive,
        );
        const log = { durationMs: Math.round(performance.now() - started), attempts, summary, watch };
        if (attempt.kind === 'aborted') {
          this.#log('error', log, { ...attempt, reason: 'ABORTED' });
          throw this.#abortedOr(deadline, summary, attempts, undefined);
        }
        let cut: PaxosResponseError | undefined;
        if (attempt.kind === 'answer' && attempt.status >= 200 && attempt.status < 300) {
          const read = this.#body(request, attempt, summary, attempts);
          if (read.ok) {
            this.#log('debug', log, attempt);
            if (call?.onResponse !== undefined)
              reportResponse(
                call,
                responseMetadataOf(attempt.status, attempt.headers, attempt.requestId, attempts, [token.reveal()]),
              );
            return {
              status: attempt.status,
              json: read.json,
              requestId: attempt.requestId,
              attempts,
              request: summary,
            };
          }
          // A body that ends before its JSON does is a lost answer, retried like a reset; any other refusal is final,
          // and reported as this attempt's failure with the status that came.
          if (!read.cut) {
            this.#log('error', log, { ...attempt, errorCode: read.error.code });
            throw read.error;
          }
          cut = read.error;
        } else if (attempt.kind === 'answer' && isCutJson(attempt)) {
          // An error answer cut short (a 409 whose meta is lost) cannot be read either: it is asked again as well.
          const options = { status: attempt.status, requestId: attempt.requestId, request: summary, attempts };
          cut = new PaxosResponseError(`answered ${attempt.status} with a body that is not valid JSON`, [], options);
        }
        const outcome: AttemptOutcome =
          cut !== undefined
            ? { kind: 'network', reason: 'TRUNCATED_BODY' }
            : attempt.kind === 'network'
              ? attempt
              : {
                  kind: 'answer',
                  status: attempt.status,
                  retryAfterMs: retryAfterMs(attempt.headers, Date.now(), this.#config.maxRetryAfterMs),
                };
        const decision = decideRetry(outcome, { retries, refreshed, remainingMs: deadline.remaining() }, rules);
        if (decision.retry && decision.refreshToken === true) {
          refreshed = true;
          this.#log('warn', log, { ...attempt, refresh: true });
          await this.#tokens.invalidate(token, request.scopes);
          continue;
        }
        const failure =
          cut ??
          (await this.#guard(
            deadline,
            summary,
            attempts,
            this.#failure(request, attempt, outcome, summary, attempts, deadline, attemptMs),
          ));
        const wait = decision.retry ? decision.afterMs : undefined;
        const fatal = wait === undefined && (attempt.kind === 'network' || attempt.status >= 500);
        const reason = cut === undefined ? {} : { reason: 'TRUNCATED_BODY' };
        this.#log(fatal ? 'error' : 'warn', log, { ...attempt, ...reason, wait, errorCode: failure.code });
        if (wait === undefined) throw failure;
        retries += 1;
        // The call told to come back after a Retry-After may wait out the cool-down its own 429 started.
        waitForCoolDown = outcome.kind === 'answer' && outcome.status === 429;
        await this.#guard(deadline, summary, attempts, deadline.sleep(wait));
      }
    } finally {
      // An attempt whose answer was refused after the fact (a 2xx body cut off or not JSON) ends here; ending an
      // ended attempt does nothing.
      watch?.end({ outcome: 'fail' });
      deadline.dispose();
    }
  }

  /** The token and the rate-limit slot for one attempt, both under the deadline. */
  async #prepare(
    request: PaxosRequest,
    deadline: Deadline,
    summary: RequestSummary,
    attempts: number,
    waitForCoolDown: boolean,
    cached: Sensitive | undefined,
  ): Promise<Sensitive> {
    const token =
      cached ??
      (await this.#guard(
        deadline,
        summary,
        attempts,
        untilAborted(this.#tokens.getToken(deadline.signal, request.scopes), deadline.signal),
      ));
    // Without a limiter there is no slot to wait for: skipping the guard spares the attempt two promises.
    if (this.#limiter !== undefined)
      await this.#guard(
        deadline,
        summary,
        attempts,
        acquireSlot(this.#limiter, request.budget, deadline.signal, summary, attempts, waitForCoolDown),
      );
    return token;
  }

  /**
   * One HTTP exchange, body included, read inside the attempt's own time budget: a body that stalls or breaks is this
   * attempt's failure. The budget is `attemptMs`, or what is left of the call's deadline when that is less, and then
   * its expiry is the deadline's. The headers' part of it is ky's own `timeout` (ky makes its abort controller for
   * every request anyway), the body's a timer in the capped read: no further controller, signal or listener per
   * attempt. When the caller gave a signal, the deadline's (which follows it) still goes to both.
   */
  async #attempt(
    url: string,
    method: string,
    body: string | undefined,
    token: Sensitive,
    deadline: Deadline,
    extra: Readonly<Record<string, string>>,
    attemptMs: number,
    sensitive: readonly string[] | undefined,
  ): Promise<Attempt> {
    const left = deadline.remaining();
    if (left === 0) {
      deadline.expire();
      return { kind: 'aborted' };
    }
    const byDeadline = left <= attemptMs;
    const budget = byDeadline ? left : attemptMs;
    const endsAt = performance.now() + budget;
    // A caller's signal reaches ky through the deadline's own, which follows it and is let go when the call ends: ky
    // combines what it is given with AbortSignal.any, and on Node 20 a long-lived signal fed to it holds on to every
    // signal so made.
    const caller = deadline.caller === undefined ? undefined : deadline.signal;
    // The budget ran out: a retry-worthy stall of this attempt, or the call's deadline.
    const expired = (status?: number, requestId?: string): Attempt => {
      if (!byDeadline) return { kind: 'network', reason: ATTEMPT_TIMEOUT, status, requestId };
      deadline.expire();
      return { kind: 'aborted', status, requestId };
    };
    let response: Response;
    const authorization = `Bearer ${token.reveal()}`;
    try {
      response = await this.#http(url, {
        method,
        body,
        // The caller's extra headers first: checkCallOptions refused the ones the adapter sets.
        headers:
          body === undefined
            ? { ...extra, authorization }
            : { ...extra, authorization, 'content-type': 'application/json' },
        timeout: Math.ceil(budget),
        ...(caller !== undefined && { signal: caller }),
      });
    } catch (error) {
      if (deadline.cancelledByCaller) return { kind: 'aborted' };
      if (error instanceof TimeoutError) return expired();
      return deadline.aborted ? { kind: 'aborted' } : { kind: 'network', reason: networkReason(error) };
    }
    const requestId = requestIdOf(response.headers, [token.reveal()], sensitive);
    const status = response.status;
    try {
      const { text, oversized } = await readCappedBody(
        response,
        this.#config.maxResponseBytes,
        caller,
        endsAt - performance.now(),
      );
      return { kind: 'answer', status, headers: response.headers, text, oversized, requestId };
    } catch (error) {
      if (deadline.cancelledByCaller) return { kind: 'aborted', status, requestId };
      if (error instanceof BodyTimeoutError) return expired(status, requestId);
      if (deadline.aborted) return { kind: 'aborted', status, requestId };
      return { kind: 'network', reason: networkReason(error), status, requestId };
    }
  }

  /** The typed error of a failed attempt; a 429 records its cool-down first. */
  async #failure(
    request: PaxosRequest,
    attempt: Exclude<Attempt, { kind: 'aborted' }>,
    outcome: AttemptOutcome,
    summary: RequestSummary,
    attempts: number,
    deadline: Deadline,
    attemptMs: number,
  ): Promise<IdentityServiceError> {
    if (attempt.kind === 'network') {
      const options = { request: summary, attempts, status: attempt.status, requestId: attempt.requestId };
      // Every attempt stalled past its own budget: a timeout, as the caller would name it.
      if (attempt.reason === ATTEMPT_TIMEOUT) return new PaxosTimeoutError(attemptMs, options);
      return new PaxosConnectionError(attempt.reason, { ...options, target: this.#target });
    }
    const after = outcome.kind === 'answer' ? outcome.retryAfterMs : undefined;
    const limits = this.#config.rateLimit;
    const retryAt =
      attempt.status === 429 && limits !== false
        ? await startCoolDown(this.#limiter, limits.coolDownMs, after, deadline.signal)
        : undefined;
    return errorFromAnswer({
      endpoint: 'api',
      request: summary,
      status: attempt.status,
      requestId: attempt.requestId,
      problem: attempt.oversized ? undefined : problemOf(attempt.headers, attempt.text),
      attempts,
      resource: request.resource,
      conflict: request.conflict,
      refId: request.refId,
      retryAfterMs: after,
      retryAt,
      sensitive: request.sensitive,
    });
  }

  /**
   * The 2xx body: parsed JSON when the call needs it, else drained; never one that is too large, empty or not JSON.
   * `cut` marks an empty or unparsable JSON body: the answer was lost on the way, and the loop may ask again.
   */
  #body(request: PaxosRequest, attempt: Answered, summary: RequestSummary, attempts: number): BodyRead {
    const options = { status: attempt.status, requestId: attempt.requestId, request: summary, attempts };
    const refuse = (what: string, cut = false): BodyRead => ({
      ok: false,
      cut,
      error: new PaxosResponseError(`answered ${attempt.status} with ${what}`, [], options),
    });
    if (attempt.oversized)
      return refuse(`a body larger than ${this.#config.maxResponseBytes} bytes, which was cut off`);
    if (!request.readJson) return { ok: true, json: undefined };
    // An HTML error page from a proxy with a 200 is not an identity; its media type is named, nothing more of it.
    if (attempt.text !== '' && !isJsonContent(attempt.headers))
      return refuse(`content type ${mediaTypeOf(attempt.headers)}, not JSON`);
    if (attempt.text === '') return refuse('an empty body', true);
    try {
      return { ok: true, json: JSON.parse(attempt.text) };
    } catch {
      // Never the SyntaxError itself: V8 quotes the text around the fault, which may be an SSN.
      return refuse('a body that is not valid JSON', true);
    }
  }

  /** Waits for `work` and turns a deadline that fired meanwhile into the caller's reason or a timeout. */
  async #guard<T>(deadline: Deadline, summary: RequestSummary, attempts: number, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.#abortedOr(deadline, summary, attempts, error);
    }
  }

  /** The caller's abort reason, a timeout when the deadline fired, or the error itself. */
  #abortedOr(deadline: Deadline, request: RequestSummary, attempts: number, error: unknown): unknown {
    if (deadline.cancelledByCaller) return deadline.callerReason;
    if (deadline.aborted) return new PaxosTimeoutError(deadline.timeoutMs, { request, attempts });
    return error;
  }

  #log(
    level: 'debug' | 'warn' | 'error',
    at: {
      readonly durationMs: number;
      readonly attempts: number;
      readonly summary: RequestSummary;
      readonly watch: AttemptWatch;
    },
    fields: {
      readonly status?: number | undefined;
      readonly requestId?: string | undefined;
      readonly reason?: string | undefined;
      readonly wait?: number | undefined;
      readonly errorCode?: string | undefined;
      readonly refresh?: boolean;
    },
  ): void {
    // Nobody watching and nothing to log: the common success costs no event object.
    if (this.#logger === undefined && at.watch === UNWATCHED) return;
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
    at.watch.end({ ...fields, outcome });
    if (this.#logger === undefined) return;
    logAttempt(this.#logger, level, {
      method: at.summary.method,
      path: at.summary.path,
      attempt: at.attempts,
      status: fields.status,
      durationMs: at.durationMs,
      requestId: fields.requestId,
      outcome,
      reason: fields.reason,
      retryInMs: fields.wait,
      errorCode: fields.errorCode,
    });
  }
}
