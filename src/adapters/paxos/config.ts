import { Sensitive } from '../../domain/index.js';
import type { Logger } from '../../ports/index.js';
import { PaxosConfigurationError } from './errors.js';
import type { PaxosHooks } from './http/observer.js';
import type { PaxosTelemetryOptions } from './http/telemetry.js';

/** Which Paxos: its sandbox or production. Each has its own URLs and its own credentials. */
export type PaxosEnvironment = 'sandbox' | 'production';

/** The client secret, or a function that fetches it (from a vault) whenever a new access token is needed. */
export type ClientSecretSource = string | (() => string | Promise<string>);

/** Backoff between retries: exponential from `initialDelayMs`, doubling, capped at `maxDelayMs`, with jitter. */
export interface RetryBackoffOptions {
  /** Delay before the first retry (before jitter). Default 500. */
  readonly initialDelayMs?: number;
  /** Upper bound of any delay. Default 8000. */
  readonly maxDelayMs?: number;
}

/**
 * Client-side pacing, so that bursts wait instead of being sent into a 429 (Paxos then throttles the whole IP for
 * five minutes). Paxos's limits are per IP and per endpoint group, each averaged over five minutes (identity API
 * reference §7): there is one budget per group, each with its own evenly spaced pace and queue, so that event reads
 * do not wait behind creates. The budgets are per service instance (per process with the built-in limiter);
 * several processes behind one IP share Paxos's limits and need lower numbers or a shared limiter. A 429 on any
 * route stops every route for the cool-down, since Paxos throttles the IP, not the endpoint.
 */
export interface PaxosRateLimitOptions {
  /**
   * Requests per second on the identity routes, spread evenly: every call under `/v2/identity/` (identities, their
   * sandbox status and documents, institution members). Default 10, Paxos's limit per IP.
   */
  readonly requestsPerSecond?: number;
  /** Requests per second on the token route (`/oauth2/token`). Default 1, Paxos's limit per IP. */
  readonly tokenRequestsPerSecond?: number;
  /** Requests per second on the other routes (the Events API), spread evenly. Default 45, under Paxos's 50 per IP. */
  readonly otherRequestsPerSecond?: number;
  /** Calls that may wait for a slot, per route; one more fails with `PaxosRateLimitError` `queue_full`. Default 1000. */
  readonly maxQueue?: number;
  /** How long every call on every route is refused without sending after Paxos answered 429 without `Retry-After`. Default 300000 (five minutes, as Paxos). */
  readonly coolDownMs?: number;
}

/**
 * Configuration of the Paxos HTTP adapter (`createIdentityService({ adapter: 'paxos', paxos })`).
 *
 * @example
 * ```ts
 * const service = createIdentityService({
 *   adapter: 'paxos',
 *   paxos: { environment: 'sandbox', clientId: process.env.PAXOS_CLIENT_ID!, clientSecret: () => vault.read('paxos') },
 * });
 * ```
 */
export interface PaxosGatewayOptions {
  /** Picks Paxos's API and token URLs. */
  readonly environment: PaxosEnvironment;
  /** The OAuth 2 client id of the API credentials. */
  readonly clientId: string;
  /** The client secret, or an (async) function returning it; it is read again for every new token. */
  readonly clientSecret: ClientSecretSource;
  /**
   * Overrides the environment's API base URL (`https://api.sandbox.paxos.com/v2`); it ends with `/v2`. `http:` only
   * for loopback hosts. A host other than Paxos's needs `tokenUrl` too: the credentials would otherwise go to
   * Paxos's token URL while the calls go elsewhere.
   */
  readonly baseUrl?: string;
  /** Overrides the environment's token URL (`https://oauth.sandbox.paxos.com/oauth2/token`). `http:` only for loopback. */
  readonly tokenUrl?: string;
  /** OAuth scopes to request. Default: `identity:read_identity identity:write_identity`. */
  readonly scopes?: readonly string[];
  /** Total deadline of one call, covering the token, every attempt, the waits between them and the body. Default 30000. */
  readonly timeoutMs?: number;
  /**
   * Time one attempt may take, headers and body included, inside `timeoutMs`: an attempt that stalls is cut and, for
   * an idempotent request (a GET, a PUT, a create carrying its `refId`), retried like a reset. At most `timeoutMs`
   * (equal to it, the deadline alone ends a stall). Default: a quarter of `timeoutMs`, at most 10000.
   */
  readonly attemptTimeoutMs?: number;
  /**
   * Time the `clientSecret` function may take, inside the call's deadline; one that hangs or throws fails that call
   * with a typed error, and the next call asks it again. Default 5000.
   */
  readonly secretTimeoutMs?: number;
  /**
   * The longest `Retry-After` taken at its word, in milliseconds; a longer one (or an HTTP date further away) is
   * read as this. Default 300000, Paxos's five-minute throttle.
   */
  readonly maxRetryAfterMs?: number;
  /** Retries after a transient failure (408, 5xx, connection reset, a cut or stalled answer). Default 3, so at most 4 attempts. */
  readonly maxRetries?: number;
  /** Backoff between retries. */
  readonly retryBackoff?: RetryBackoffOptions;
  /** Receives one line per HTTP attempt (method, path template, status, duration, attempt, request id). */
  readonly logger?: Logger;
  /** Client-side rate limiting and the 429 cool-down; `false` turns both off. Default: Paxos's published limits. */
  readonly rateLimit?: PaxosRateLimitOptions | false;
  /** Largest response body read, in bytes; a longer one is cut off with `PaxosResponseError`. Default 1048576 (1 MiB). */
  readonly maxResponseBytes?: number;
  /** Called for every HTTP attempt (method, path template, attempt, status, duration, request id); see {@link PaxosHooks}. */
  readonly hooks?: PaxosHooks;
  /**
   * OpenTelemetry client spans and the `http.client.request.duration` histogram, through `@opentelemetry/api` when
   * it is installed. Default: the global tracer and meter providers; `false` turns it off.
   */
  readonly telemetry?: PaxosTelemetryOptions | false;
}

/** {@link PaxosRateLimitOptions} with the defaults filled in. */
interface ResolvedPaxosRateLimit {
  readonly requestsPerSecond: number;
  readonly tokenRequestsPerSecond: number;
  readonly otherRequestsPerSecond: number;
  readonly maxQueue: number;
  readonly coolDownMs: number;
}

/** The validated, defaulted configuration the adapter runs with. */
export interface ResolvedPaxosConfig {
  readonly environment: PaxosEnvironment;
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: Sensitive | (() => string | Promise<string>);
  readonly scopes: readonly string[];
  /** The Events API token's scopes: `scopes` when given, else the identity scopes and `events:read_event`. */
  readonly eventScopes: readonly string[];
  /** The Accounts API token's scopes: `scopes` when given, else {@link ACCOUNT_SCOPES}. */
  readonly accountScopes: readonly string[];
  /** The Identity Controls token's scopes: `scopes` when given, else {@link CONTROL_SCOPES}. */
  readonly controlScopes: readonly string[];
  readonly timeoutMs: number;
  /** One attempt's budget, headers and body, inside `timeoutMs`. */
  readonly attemptTimeoutMs: number;
  /** Whether `attemptTimeoutMs` was configured; when not, a per-call `timeoutMs` derives the attempt's own. */
  readonly attemptTimeoutConfigured: boolean;
  /** The `clientSecret` function's budget, inside the call's deadline. */
  readonly secretTimeoutMs: number;
  /** The cap of a `Retry-After`. */
  readonly maxRetryAfterMs: number;
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly logger: Logger | undefined;
  readonly rateLimit: ResolvedPaxosRateLimit | false;
  readonly maxResponseBytes: number;
  readonly hooks: PaxosHooks | undefined;
  readonly telemetry: PaxosTelemetryOptions | false;
}

/** Paxos's published URLs per environment. */
export const PAXOS_ENVIRONMENTS: Readonly<
  Record<PaxosEnvironment, { readonly baseUrl: string; readonly tokenUrl: string }>
> = Object.freeze({
  sandbox: Object.freeze({
    baseUrl: 'https://api.sandbox.paxos.com/v2',
    tokenUrl: 'https://oauth.sandbox.paxos.com/oauth2/token',
  }),
  production: Object.freeze({ baseUrl: 'https://api.paxos.com/v2', tokenUrl: 'https://oauth.paxos.com/oauth2/token' }),
});

/** The scopes the identity calls need: read for get, write for create and the sandbox status. */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['identity:read_identity', 'identity:write_identity']);

/** The scopes a transport for the event gateway asks for by default: the identity scopes and `events:read_event`. */
export const EVENT_SCOPES: readonly string[] = Object.freeze([...DEFAULT_SCOPES, 'events:read_event']);

/** The scopes of the account calls (reference §1.1): read for get and list, write for create, update and members. */
export const ACCOUNT_SCOPES: readonly string[] = Object.freeze(['identity:read_account', 'identity:write_account']);

/** The scopes of the Identity Controls calls (reference §1.1): read for list, write for create and delete. */
export const CONTROL_SCOPES: readonly string[] = Object.freeze([
  'identity:read_identity_control',
  'identity:write_identity_control',
]);

const DEFAULT_TIMEOUT_MS = 30_000;
// Four attempts: with a quarter of the requests failing at random, three in a row fail once in about 60 calls,
// four in a row once in about 250.
const DEFAULT_MAX_RETRIES = 3;
/** The longest default attempt: a quarter of the deadline leaves room for three more after a stall. */
const DEFAULT_MAX_ATTEMPT_TIMEOUT_MS = 10_000;

/** An attempt's budget when none is configured: a quarter of the call's, so that a stall leaves room for retries. */
export function defaultAttemptTimeoutMs(timeoutMs: number): number {
  return Math.max(1, Math.min(DEFAULT_MAX_ATTEMPT_TIMEOUT_MS, Math.ceil(timeoutMs / 4)));
}
const DEFAULT_SECRET_TIMEOUT_MS = 5_000;
/** Paxos's IP throttle lasts five minutes: a longer `Retry-After` is a broken proxy's, not Paxos's. */
const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;
const DEFAULT_INITIAL_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 8_000;
const MAX_TIMEOUT_MS = 10 * 60_000;
const MAX_RETRIES = 10;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/**
 * Paxos's published limits per IP and its five-minute throttle: identity and token at their limits (evenly spaced,
 * so never above the five-minute average), the other routes a little under theirs.
 */
export const DEFAULT_RATE_LIMIT: Readonly<Required<PaxosRateLimitOptions>> = Object.freeze({
  requestsPerSecond: 10,
  tokenRequestsPerSecond: 1,
  otherRequestsPerSecond: 45,
  maxQueue: 1000,
  coolDownMs: 5 * 60_000,
});
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** True for hosts that never leave the machine: `localhost`, `127.0.0.0/8`, `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1') return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255) && octets[1] === '127';
}

function checkUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new PaxosConfigurationError(`${name} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PaxosConfigurationError(`${name} is not a valid URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new PaxosConfigurationError(`${name} must not carry credentials; pass clientId and clientSecret instead`);
  }
  if (url.search !== '' || url.hash !== '')
    throw new PaxosConfigurationError(`${name} must not have a query or a fragment`);
  if (url.protocol === 'http:') {
    // Plain HTTP would carry the client secret, the bearer token and SSNs in clear text over the network.
    if (!isLoopbackHost(url.hostname)) {
      throw new PaxosConfigurationError(
        `${name} uses http: for ${url.hostname}; only https: is allowed except for loopback hosts`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new PaxosConfigurationError(`${name} must be an https: URL`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Paxos's own API hosts, whose token URL the environment already knows. */
const PAXOS_API_HOSTS: ReadonlySet<string> = new Set(
  Object.values(PAXOS_ENVIRONMENTS).map((urls) => new URL(urls.baseUrl).hostname),
);

/**
 * A `baseUrl` elsewhere than Paxos with the environment's token URL would send the client secret to Paxos and the
 * bearer token to the other host: almost always a forgotten `tokenUrl` (an emulator, a proxy), so it is refused.
 */
function checkTokenUrlGiven(baseUrl: string, tokenUrl: unknown): void {
  if (tokenUrl !== undefined) return;
  const host = new URL(baseUrl).hostname;
  if (!PAXOS_API_HOSTS.has(host))
    throw new PaxosConfigurationError(
      `baseUrl points at ${host}, which is not Paxos's API, but tokenUrl is not set: set tokenUrl to the token endpoint of the same server`,
    );
}

function checkHooks(value: unknown): PaxosHooks | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new PaxosConfigurationError('hooks must be an object');
  const hooks = value as PaxosHooks;
  for (const name of ['onRequest', 'onResponse'] as const)
    if (hooks[name] !== undefined && typeof hooks[name] !== 'function')
      throw new PaxosConfigurationError(`hooks.${name} must be a function`);
  return hooks;
}

function checkLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  const logger = value as Record<string, unknown> | null;
  if (
    logger === null ||
    typeof logger !== 'object' ||
    LOGGER_METHODS.some((method) => typeof logger[method] !== 'function')
  )
    throw new PaxosConfigurationError(`logger must be a Logger (an object with ${LOGGER_METHODS.join(', ')})`);
  return value as Logger;
}

/** What a logger is called with: a `console` fits. */
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

/** `retryBackoff` as an object (its fields are checked with the rest), so that `retryBackoff: 500` is not ignored. */
function checkBackoff(value: unknown): RetryBackoffOptions {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new PaxosConfigurationError('retryBackoff must be an object: { initialDelayMs?, maxDelayMs? }');
  return value;
}

function checkTelemetry(value: unknown): PaxosTelemetryOptions | false {
  if (value === undefined) return {};
  if (value === false) return false;
  if (value === null || typeof value !== 'object')
    throw new PaxosConfigurationError('telemetry must be an object or false');
  const telemetry = value as Record<string, unknown>;
  for (const [name, method] of [
    ['tracerProvider', 'getTracer'],
    ['meterProvider', 'getMeter'],
  ] as const) {
    const provider = telemetry[name];
    if (
      provider !== undefined &&
      (provider === null ||
        typeof provider !== 'object' ||
        typeof (provider as Record<string, unknown>)[method] !== 'function')
    )
      throw new PaxosConfigurationError(`telemetry.${name} must be an OpenTelemetry ${name} (with ${method})`);
  }
  return value;
}

function checkInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PaxosConfigurationError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * One attempt's budget: at most the call's deadline, since a longer one could never fire and would read as a
 * promise that a stalled attempt is retried.
 */
function checkAttemptTimeout(value: unknown, timeoutMs: number): number {
  if (value === undefined) return defaultAttemptTimeoutMs(timeoutMs);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > timeoutMs) {
    throw new PaxosConfigurationError(
      `attemptTimeoutMs must be an integer from 1 to timeoutMs (${timeoutMs}), the deadline it runs inside`,
    );
  }
  return value;
}

function checkRate(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100_000) {
    throw new PaxosConfigurationError(`${name} must be a number above 0 and at most 100000`);
  }
  return value;
}

function checkRateLimit(value: unknown): ResolvedPaxosRateLimit | false {
  if (value === false) return false;
  if (value === undefined) return DEFAULT_RATE_LIMIT;
  if (value === null || typeof value !== 'object')
    throw new PaxosConfigurationError('rateLimit must be an object or false');
  const options = value as PaxosRateLimitOptions;
  return Object.freeze({
    requestsPerSecond: checkRate(
      'rateLimit.requestsPerSecond',
      options.requestsPerSecond,
      DEFAULT_RATE_LIMIT.requestsPerSecond,
    ),
    tokenRequestsPerSecond: checkRate(
      'rateLimit.tokenRequestsPerSecond',
      options.tokenRequestsPerSecond,
      DEFAULT_RATE_LIMIT.tokenRequestsPerSecond,
    ),
    otherRequestsPerSecond: checkRate(
      'rateLimit.otherRequestsPerSecond',
      options.otherRequestsPerSecond,
      DEFAULT_RATE_LIMIT.otherRequestsPerSecond,
    ),
    maxQueue: checkInteger('rateLimit.maxQueue', options.maxQueue, DEFAULT_RATE_LIMIT.maxQueue, 0, 1_000_000),
    coolDownMs: checkInteger('rateLimit.coolDownMs', options.coolDownMs, DEFAULT_RATE_LIMIT.coolDownMs, 0, 60 * 60_000),
  });
}

/**
 * Checks the options and fills in the defaults.
 *
 * @throws {PaxosConfigurationError} naming the first bad option (never echoing the secret).
 */
export function resolvePaxosConfig(options: PaxosGatewayOptions): ResolvedPaxosConfig {
  // Untyped callers can pass anything: check the shape before reading it.
  const given: unknown = options;
  if (given === null || typeof given !== 'object')
    throw new PaxosConfigurationError('the paxos options are required: { environment, clientId, clientSecret }');
  if (!Object.hasOwn(PAXOS_ENVIRONMENTS, options.environment)) {
    throw new PaxosConfigurationError("environment must be 'sandbox' or 'production'");
  }
  const environment = PAXOS_ENVIRONMENTS[options.environment];
  if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
    throw new PaxosConfigurationError('clientId must be a non-empty string');
  }
  const secret = options.clientSecret;
  let clientSecret: ResolvedPaxosConfig['clientSecret'];
  if (typeof secret === 'function') clientSecret = secret;
  else if (typeof secret === 'string' && secret !== '') clientSecret = Sensitive.of(secret);
  else throw new PaxosConfigurationError('clientSecret must be a non-empty string or a function returning one');

  const scopes = options.scopes ?? DEFAULT_SCOPES;
  if (!isScopeList(scopes)) {
    throw new PaxosConfigurationError('scopes must be a non-empty list of scope names without spaces');
  }
  const backoff = checkBackoff(options.retryBackoff);
  const initialDelayMs = checkInteger(
    'retryBackoff.initialDelayMs',
    backoff.initialDelayMs,
    DEFAULT_INITIAL_DELAY_MS,
    0,
    60_000,
  );
  const maxDelayMs = checkInteger(
    'retryBackoff.maxDelayMs',
    backoff.maxDelayMs,
    Math.max(DEFAULT_MAX_DELAY_MS, initialDelayMs),
    initialDelayMs,
    300_000,
  );
  const timeoutMs = checkInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
  const baseUrl = checkUrl('baseUrl', options.baseUrl ?? environment.baseUrl);
  checkTokenUrlGiven(baseUrl, options.tokenUrl);
  const resolved: ResolvedPaxosConfig = Object.freeze({
    environment: options.environment,
    baseUrl,
    tokenUrl: checkUrl('tokenUrl', options.tokenUrl ?? environment.tokenUrl),
    clientId: options.clientId,
    clientSecret,
    scopes: Object.freeze([...scopes]),
    eventScopes: options.scopes === undefined ? EVENT_SCOPES : Object.freeze([...scopes]),
    accountScopes: options.scopes === undefined ? ACCOUNT_SCOPES : Object.freeze([...scopes]),
    controlScopes: options.scopes === undefined ? CONTROL_SCOPES : Object.freeze([...scopes]),
    timeoutMs,
    attemptTimeoutMs: checkAttemptTimeout(options.attemptTimeoutMs, timeoutMs),
    attemptTimeoutConfigured: options.attemptTimeoutMs !== undefined,
    secretTimeoutMs: checkInteger(
      'secretTimeoutMs',
      options.secretTimeoutMs,
      DEFAULT_SECRET_TIMEOUT_MS,
      1,
      MAX_TIMEOUT_MS,
    ),
    maxRetryAfterMs: checkInteger(
      'maxRetryAfterMs',
      options.maxRetryAfterMs,
      DEFAULT_MAX_RETRY_AFTER_MS,
      0,
      60 * 60_000,
    ),
    maxRetries: checkInteger('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES, 0, MAX_RETRIES),
    initialDelayMs,
    maxDelayMs,
    logger: checkLogger(options.logger),
    rateLimit: checkRateLimit(options.rateLimit),
    maxResponseBytes: checkInteger(
      'maxResponseBytes',
      options.maxResponseBytes,
      DEFAULT_MAX_RESPONSE_BYTES,
      1024,
      256 * 1024 * 1024,
    ),
    hooks: checkHooks(options.hooks),
    telemetry: checkTelemetry(options.telemetry),
  });
  RESOLVED.add(resolved);
  return resolved;
}

/** The configurations {@link resolvePaxosConfig} returned, so that a connection given one does not check it again. */
const RESOLVED = new WeakSet<object>();

/** Whether `value` came out of {@link resolvePaxosConfig} (frozen, so still valid). */
export function isResolvedPaxosConfig(value: object): value is ResolvedPaxosConfig {
  return RESOLVED.has(value);
}

/** A non-empty list of scope names without spaces. */
function isScopeList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === 'string' && SCOPE.test(s));
}
