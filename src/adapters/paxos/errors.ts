import {
  IdentityRejectedError,
  IdentityServiceError,
  type IdentityServiceErrorOptions,
  type Violation,
} from '../../domain/index.js';
import { scrubServerText } from '../../domain/shared/scrub.js';

/** A redacted description of the HTTP request behind an error: method and path template only. */
export interface RequestSummary {
  readonly method: string;
  /** The route template, `/identity/identities/{id}`: never an id, a query string or a body. */
  readonly path: string;
}

/** What one exchange with Paxos tells about a failure: every Paxos error carries these. */
export interface PaxosErrorOptions extends IdentityServiceErrorOptions {
  /** HTTP status of the response that caused the error, when there was one. */
  readonly status?: number | undefined;
  /** The Problem `type` URI from Paxos. */
  readonly problemType?: string | undefined;
  /** Paxos's request id from the response headers, for support tickets. */
  readonly requestId?: string | undefined;
  readonly request?: RequestSummary | undefined;
  /** How many HTTP attempts the call made before it gave up (retries and the 401 refresh included). */
  readonly attempts?: number | undefined;
}

/** The exchange's fields as every Paxos error exposes them (see {@link PaxosApiError}). */
export interface PaxosApiFields {
  readonly status: number | undefined;
  readonly problemType: string | undefined;
  readonly requestId: string | undefined;
  readonly request: RequestSummary | undefined;
  readonly attempts: number | undefined;
}

/** Brands the errors built from an exchange with Paxos, whatever their base class (see {@link PaxosApiError}). */
const API_ERROR: unique symbol = Symbol('paxos-identity.PaxosApiError');

function where(request: RequestSummary | undefined): string {
  return request === undefined ? 'Paxos' : `Paxos ${request.method} ${request.path}`;
}

function tries(attempts: number | undefined): string {
  return attempts === undefined ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/** Sets the exchange's fields on a Paxos error, read-only, from its options. */
function assignApiFields(error: PaxosApiFields, options: PaxosErrorOptions): void {
  const { status, problemType, requestId, request, attempts } = options;
  for (const [key, value] of Object.entries({ status, problemType, requestId, request, attempts }))
    Object.defineProperty(error, key, { value, enumerable: true, writable: false, configurable: false });
}

/** The one JSON view of a Paxos error: the domain fields, the exchange's fields, then the class's own fields. */
function apiJson(base: Record<string, unknown>, api: PaxosApiFields, own: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = { ...base };
  const { status, problemType, requestId, request } = api;
  for (const [key, value] of Object.entries({
    status,
    problemType,
    requestId,
    request,
    ...own,
    attempts: api.attempts,
  }))
    if (value !== undefined) out[key] = value;
  return out;
}

/**
 * The base of the errors of one exchange with Paxos's API or token endpoint: `status`, `requestId`, `problemType`,
 * the request's method and path template (never an id), and `attempts`. `instanceof PaxosApiError` is also true for
 * {@link PaxosBadRequestError}, which extends the domain's `IdentityRejectedError` instead, so that one `catch` works
 * against the in-memory fake and against Paxos.
 */
export abstract class PaxosApiError extends IdentityServiceError implements PaxosApiFields {
  /** HTTP status of the response that caused the error, when there was one. */
  declare readonly status: number | undefined;
  /** The Problem `type` URI from Paxos. */
  declare readonly problemType: string | undefined;
  /** Paxos's request id from the response headers, for support tickets. */
  declare readonly requestId: string | undefined;
  /** The request's method and path template. */
  declare readonly request: RequestSummary | undefined;
  /** How many HTTP attempts the call made (retries and the 401 refresh included), when known. */
  declare readonly attempts: number | undefined;
  readonly [API_ERROR] = true;

  protected constructor(message: string, options: PaxosErrorOptions = {}) {
    super(message, options);
    assignApiFields(this, options);
  }

  /** True for every Paxos API error, whichever base class it extends; subclasses keep the ordinary check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== PaxosApiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return value instanceof IdentityServiceError && Object.hasOwn(value, API_ERROR);
  }

  /** The class's own fields for {@link PaxosApiError.toJSON}; undefined values are left out. */
  protected ownJson(): Record<string, unknown> {
    return {};
  }

  override toJSON(): Record<string, unknown> {
    return apiJson(super.toJSON(), this, this.ownJson());
  }
}

/**
 * The Paxos adapter was configured wrongly (an `http:` URL to a non-loopback host, a missing client id, ...).
 * Thrown when the service is built, before anything is sent. Fix the configuration.
 */
export class PaxosConfigurationError extends IdentityServiceError {
  readonly code = 'paxos_configuration';

  constructor(message: string) {
    super(`Invalid Paxos configuration: ${message}`);
  }
}

/**
 * Paxos refused the request as invalid (HTTP 400). `detail` is Paxos's explanation, with anything that looks like
 * a tax id, a CIP id or a date of birth replaced by `[REDACTED]`. Retrying the same request fails the same way.
 * It extends the domain's `IdentityRejectedError` (what the fake throws) and counts as a {@link PaxosApiError}.
 */
export class PaxosBadRequestError extends IdentityRejectedError implements PaxosApiFields {
  override readonly code: string = 'paxos_bad_request';
  declare readonly status: number | undefined;
  declare readonly problemType: string | undefined;
  declare readonly requestId: string | undefined;
  declare readonly request: RequestSummary | undefined;
  declare readonly attempts: number | undefined;
  readonly [API_ERROR] = true;

  /** `violations`: the fields Paxos named in `meta.violations`, with camelCase paths as the fake gives them. */
  constructor(
    detail: string | undefined,
    options: PaxosErrorOptions & { readonly violations?: readonly Violation[] } = {},
  ) {
    super(detail, {
      ...(options.cause !== undefined && { cause: options.cause }),
      ...(options.violations !== undefined && { violations: options.violations }),
      message: `${where(options.request)} was rejected as invalid (400)${detail === undefined ? '' : `: ${detail}`}`,
    });
    assignApiFields(this, { status: 400, ...options });
  }

  override toJSON(): Record<string, unknown> {
    return apiJson(super.toJSON(), this);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The domain's refusals as Paxos answered them

/**
 * `error`, a refusal the domain knows (not found, already exists), as Paxos answered it: the same object of the
 * domain's class, so that `instanceof`, `name` and `code` are what the in-memory fake gives, with the exchange's
 * fields added read-only, counted as a {@link PaxosApiError}, and the exchange's fields in its `toJSON`. Built by the
 * error factory only.
 */
export function answeredByPaxos<E extends IdentityServiceError>(
  error: E,
  options: PaxosErrorOptions,
): E & PaxosApiFields {
  const api = error as E & PaxosApiFields;
  assignApiFields(api, options);
  Object.defineProperty(api, API_ERROR, { value: true });
  const domainJson = error.toJSON.bind(error);
  // Not enumerable, like a method: util.inspect shows the fields, not a function.
  Object.defineProperty(api, 'toJSON', { value: () => apiJson(domainJson(), api) });
  return api;
}

/**
 * The credentials were refused: the token endpoint answered with an OAuth error (`invalid_client`,
 * `invalid_scope`, ...), or the API answered 401 even with a freshly issued token. Check `clientId`,
 * `clientSecret`, the environment (sandbox and production credentials differ) and the scopes granted to the key.
 */
export class PaxosAuthenticationError extends PaxosApiError {
  readonly code = 'paxos_authentication';
  /** The OAuth 2 `error` code from the token endpoint (`invalid_client`, `invalid_scope`), when there was one. */
  readonly oauthError: string | undefined;

  constructor(message: string, options: PaxosErrorOptions & { readonly oauthError?: string } = {}) {
    super(`${where(options.request)}: ${message}`, { status: 401, ...options });
    this.oauthError = options.oauthError;
  }

  protected override ownJson(): Record<string, unknown> {
    return { oauthError: this.oauthError };
  }
}

/**
 * Paxos understood the credentials but refused the operation (HTTP 403): usually a missing scope, named in
 * `requiredScopes` (`identity:write_identity` is gated: ask Paxos support to enable it), or a disabled account.
 */
export class PaxosPermissionError extends PaxosApiError {
  readonly code = 'paxos_permission';
  /** The scopes Paxos says the call needs (one of them), when it named them. */
  readonly requiredScopes: readonly string[];
  /** The scopes Paxos found on the token, when it named them. */
  readonly grantedScopes: readonly string[];
  /** Paxos's Problem `detail`, redacted. */
  readonly detail: string | undefined;

  constructor(
    detail: string | undefined,
    scopes: { readonly required: readonly string[]; readonly granted: readonly string[] },
    options: PaxosErrorOptions = {},
  ) {
    const reason =
      scopes.required.length > 0
        ? `the credentials lack the scope ${scopes.required.join(' or ')}` +
          (scopes.granted.length > 0 ? ` (granted: ${scopes.granted.join(', ')})` : '')
        : (detail ?? 'forbidden');
    super(`${where(options.request)} was refused (403): ${reason}`, { status: 403, ...options });
    this.requiredScopes = Object.freeze([...scopes.required]);
    this.grantedScopes = Object.freeze([...scopes.granted]);
    this.detail = detail;
  }

  protected override ownJson(): Record<string, unknown> {
    return { requiredScopes: this.requiredScopes, grantedScopes: this.grantedScopes, detail: this.detail };
  }
}

/** Why a call was refused for rate limiting: Paxos said 429, the client is still cooling down, or its queue is full. */
export type PaxosRateLimitReason = 'throttled' | 'cooling_down' | 'queue_full';

/**
 * Paxos throttled the caller (HTTP 429), or the client refused to send for the same reason. Paxos throttles every
 * request from the same IP for five minutes after a 429, so the adapter does not retry blindly: it waits only when
 * a `Retry-After` fits in the call's deadline, and it refuses further calls without sending them until `retryAt`
 * (`reason: 'cooling_down'`). `reason: 'queue_full'`: too many calls were already waiting for the client's pace.
 * Slow down (per IP, Paxos allows 10 requests/s on identity routes, 1/s on the token route, 50/s on the others) and
 * retry after `retryAt`.
 */
export class PaxosRateLimitError extends PaxosApiError {
  readonly code = 'paxos_rate_limited';
  /** `throttled` (Paxos answered 429), `cooling_down` (not sent: still in the cool-down), `queue_full` (not sent). */
  readonly reason: PaxosRateLimitReason;
  /** The wait Paxos asked for in `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** When a new call may succeed: the end of the client's cool-down, or of the wait Paxos asked for. */
  readonly retryAt: Date | undefined;

  constructor(
    options: PaxosErrorOptions & {
      readonly retryAfterMs?: number;
      readonly retryAt?: Date;
      readonly reason?: PaxosRateLimitReason;
    } = {},
  ) {
    const reason = options.reason ?? 'throttled';
    // Built from what a server sent: an invalid date or a non-finite wait is dropped rather than thrown over.
    const retryAt =
      options.retryAt instanceof Date && Number.isFinite(options.retryAt.getTime()) ? options.retryAt : undefined;
    const retryAfterMs =
      typeof options.retryAfterMs === 'number' && Number.isFinite(options.retryAfterMs) && options.retryAfterMs >= 0
        ? options.retryAfterMs
        : undefined;
    const after =
      retryAt !== undefined
        ? `; retry after ${retryAt.toISOString()}`
        : retryAfterMs === undefined
          ? ''
          : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    const what =
      reason === 'cooling_down'
        ? 'was not sent: the client is cooling down after a 429'
        : reason === 'queue_full'
          ? 'was not sent: too many calls are waiting for the rate limit'
          : 'was rate limited (429)';
    super(`${where(options.request)} ${what}${after}`, { status: 429, ...options });
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
    this.retryAt = retryAt;
  }

  /** Alias of {@link PaxosRateLimitError.retryAt}: the end of the cool-down. */
  get coolDownUntil(): Date | undefined {
    return this.retryAt;
  }

  protected override ownJson(): Record<string, unknown> {
    return { reason: this.reason, retryAfterMs: this.retryAfterMs, retryAt: this.retryAt?.toISOString() };
  }
}

/** Paxos failed (HTTP 5xx) on every attempt the retry policy allowed. Transient: retry later. */
export class PaxosServerError extends PaxosApiError {
  readonly code = 'paxos_server_error';

  constructor(status: number, options: PaxosErrorOptions = {}) {
    super(`${where(options.request)} failed with ${status}${tries(options.attempts)}`, { ...options, status });
  }
}

/**
 * No response arrived: the connection was refused or reset, DNS failed, or TLS failed. `reason` is the system
 * code (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`, ...). Connection resets were retried already.
 */
export class PaxosConnectionError extends PaxosApiError {
  readonly code = 'paxos_connection';
  /** The network error code, when known. */
  readonly reason: string | undefined;

  /** `target`: the `host:port` that did not answer (never a path, which may hold an id). */
  constructor(reason: string | undefined, options: PaxosErrorOptions & { readonly target?: string } = {}) {
    const from = options.target === undefined ? '' : ` from ${options.target}`;
    super(
      `${where(options.request)}: no response${from}${reason === undefined ? '' : ` (${reason})`}${tries(options.attempts)}`,
      options,
    );
    this.reason = reason;
  }

  protected override ownJson(): Record<string, unknown> {
    return { reason: this.reason };
  }
}

/**
 * The call's deadline (`timeoutMs`, covering every attempt, every wait between them and the response body)
 * passed, or Paxos answered 408 on every attempt. Whether a create took effect is unknown: retry it with the same
 * `refId`, which is safe.
 */
export class PaxosTimeoutError extends PaxosApiError {
  readonly code = 'paxos_timeout';
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number | undefined;

  constructor(timeoutMs: number | undefined, options: PaxosErrorOptions = {}) {
    super(
      timeoutMs === undefined
        ? `${where(options.request)} timed out (${options.status ?? 'no response'})`
        : `${where(options.request)} did not complete within ${timeoutMs} ms`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }

  protected override ownJson(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}

/**
 * Paxos's answer could not be used: a 2xx body that is not JSON or not the expected shape (a missing `id`, a
 * wrong type), or a redirect, which is never followed. `issues` names the offending fields, never their values.
 * A create that ends like this may have taken effect: retry it with the same `refId`.
 */
export class PaxosResponseError extends PaxosApiError {
  readonly code = 'paxos_invalid_response';
  /** What is wrong, as field paths and rule names (`person_details.first_name: isString`). */
  readonly issues: readonly string[];

  constructor(summary: string, issues: readonly string[] = [], options: PaxosErrorOptions = {}) {
    const listed =
      issues.length === 0
        ? ''
        : `: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`;
    super(`${where(options.request)}: ${summary}${listed}`, options);
    this.issues = Object.freeze([...issues]);
  }

  protected override ownJson(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/**
 * Paxos answered with a status this library does not expect for the call (a 404 on a route without an id, 405,
 * 413, 422, or a 409 without the `already-exists` details). Usually a wrong `baseUrl`; `detail` is redacted.
 */
export class PaxosHttpError extends PaxosApiError {
  readonly code = 'paxos_http_error';
  /** Paxos's Problem `detail`, redacted. */
  readonly detail: string | undefined;

  constructor(status: number, detail: string | undefined, options: PaxosErrorOptions = {}) {
    super(`${where(options.request)} failed with ${status}${detail === undefined ? '' : `: ${detail}`}`, {
      ...options,
      status,
    });
    this.detail = detail;
  }

  protected override ownJson(): Record<string, unknown> {
    return { detail: this.detail };
  }
}

/**
 * Paxos answered 409 to a create (its `ref_id` is taken) but the record it names as the existing one cannot be read
 * with these credentials (a 404), or does not exist. The create may or may not have taken effect; nothing was
 * returned as created. `existingId` is the id Paxos named. Contact Paxos support with `requestId`.
 */
export class PaxosConflictError extends PaxosApiError {
  readonly code = 'paxos_conflict';
  /** The id Paxos named in `meta.existing.id`, which could not be read back. */
  readonly existingId: string;

  constructor(existingId: string, options: PaxosErrorOptions = {}) {
    super(`${where(options.request)} answered 409 naming an existing record (${existingId}) that cannot be read back`, {
      status: 409,
      ...options,
    });
    this.existingId = existingId;
  }

  protected override ownJson(): Record<string, unknown> {
    return { existingId: this.existingId };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paxos's `detail`, made safe to keep

/** The parts of an RFC 7807 Problem the mapping reads, already type-checked. */
export interface ProblemFields {
  readonly type?: string | undefined;
  readonly detail?: string | undefined;
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Paxos's `detail` made safe to show: control characters removed, the request's own personal values (in any
 * spelling) and anything shaped like a tax id replaced by `[REDACTED]`, and the length bounded.
 */
export function redactDetail(detail: string | undefined, sensitive: readonly string[] = []): string | undefined {
  return scrubServerText(detail, sensitive);
}
