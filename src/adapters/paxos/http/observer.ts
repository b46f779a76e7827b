import type { ResponseMetadata } from '../../../ports/index.js';
import type { RequestSummary } from '../errors.js';
import { PaxosTelemetry, type AttemptSpan, type PaxosTelemetryOptions } from './telemetry.js';

/** One HTTP attempt as it starts: the route template only, never an id, a query string or a body. */
export interface PaxosRequestEvent {
  readonly method: string;
  /** The route template, `/identity/identities/{id}`. */
  readonly path: string;
  /** 1 for the first attempt, 2 for the first retry (or the resend after a token refresh), and so on. */
  readonly attempt: number;
}

/** What became of one HTTP attempt. */
export type PaxosAttemptOutcome = 'ok' | 'retry' | 'refresh_token' | 'fail' | 'aborted';

/** One HTTP attempt as it ended. */
export interface PaxosResponseEvent extends PaxosRequestEvent {
  /** The HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** How long the attempt took, in milliseconds (token and rate-limit waits not included). */
  readonly durationMs: number;
  /** Paxos's request id, when it sent one. */
  readonly requestId: string | undefined;
  /** `ok`, or why the call goes on (`retry`, `refresh_token`) or stops (`fail`, `aborted`). */
  readonly outcome: PaxosAttemptOutcome;
  /** Why the attempt failed, as OpenTelemetry's `error.type`: the status (`"503"`), a network code, or `aborted`. */
  readonly errorType: string | undefined;
}

/**
 * Hooks that see every HTTP attempt of the Paxos adapter (retries and the token refresh included), as stripe-node's
 * `request` and `response` events do. They carry no body, header, token or id. A hook that throws is ignored: it
 * cannot break the call.
 *
 * @example
 * ```ts
 * hooks: { onResponse: (e) => metrics.observe(e.path, e.status, e.durationMs) }
 * ```
 */
export interface PaxosHooks {
  /** Called as an attempt is sent. */
  readonly onRequest?: (event: PaxosRequestEvent) => void;
  /** Called once the attempt has its answer, or has failed. */
  readonly onResponse?: (event: PaxosResponseEvent) => void;
}

/** The part of a URL a connection goes to: `host:port`, the port filled in from the scheme. */
function hostPortOf(url: string): { readonly address: string; readonly port: number } {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'http:' ? 80 : 443) : Number(parsed.port);
  return { address: parsed.hostname, port };
}

/** `host:port` of `url`, as a connection error names it. */
export function targetOf(url: string): string {
  const { address, port } = hostPortOf(url);
  return `${address}:${port}`;
}

/**
 * Response headers that are state or credentials, not metadata: never handed to a caller's sink, which may well log
 * them (a proxy that echoes `authorization` would otherwise hand the bearer token over).
 */
const WITHHELD_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'authentication-info',
  'proxy-authentication-info',
  'cookie',
]);

/**
 * The metadata of a 2xx answer for `onResponse`: lower-case header names; cookies, credential headers and any header
 * holding one of `secrets` (the bearer token just sent, echoed by a proxy) withheld.
 */
export function responseMetadataOf(
  status: number,
  headers: Headers,
  requestId: string | undefined,
  attempts: number,
  secrets: readonly string[] = [],
): ResponseMetadata {
  const plain: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (WITHHELD_HEADERS.has(name) || secrets.some((secret) => secret !== '' && value.includes(secret))) return;
    plain[name] = value;
  });
  return Object.freeze({ status, requestId, headers: Object.freeze(plain), attempts });
}

/** How one attempt ended, as the send loop knows it. */
interface AttemptEnd {
  readonly outcome: PaxosAttemptOutcome;
  readonly status?: number | undefined;
  readonly requestId?: string | undefined;
  /** The network code of a failed exchange. */
  readonly reason?: string | undefined;
  /** The library's error code of the failure. */
  readonly errorCode?: string | undefined;
}

/** One attempt under watch: the headers that carry its trace context, and how to end it. */
export interface AttemptWatch {
  /** Trace-context headers (`traceparent`) to send with the attempt, when a propagator is registered. */
  readonly headers: Readonly<Record<string, string>>;
  /** Ends the attempt once, reporting it to the hooks, the span and the duration histogram. */
  end(end: AttemptEnd): void;
}

/** The watch of an attempt that no hook and no telemetry observes: ending it does nothing. */
export const UNWATCHED: AttemptWatch = Object.freeze({ headers: Object.freeze({}), end: () => undefined });

/** OpenTelemetry's `error.type`: the status of a refusal, a network code, or what stopped the attempt. */
function errorTypeOf(end: AttemptEnd): string | undefined {
  if (end.outcome === 'ok') return undefined;
  if (end.status !== undefined && end.status >= 400) return String(end.status);
  if (end.outcome === 'aborted') return 'aborted';
  return end.reason ?? end.errorCode ?? '_OTHER';
}

/**
 * Calls `hook`; a hook that throws is the caller's bug, and must not turn a good call into a failed one. An async hook
 * fits the `void` type too: its rejection is ignored as well rather than left unhandled (which can end the process).
 */
function safely<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    // Typed `void`, yet an async hook fits: its result is looked at as what it may really be.
    const call: (event: E) => unknown = hook;
    const result = call(event);
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function')
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch {
    // Ignored on purpose: see above.
  }
}

/**
 * Watches the send loop's attempts for the hooks and OpenTelemetry. Without hooks and with telemetry off, it does
 * nothing and costs nothing; with telemetry on, `@opentelemetry/api` is loaded on the first attempt only.
 */
export class AttemptObserver {
  readonly #hooks: PaxosHooks | undefined;
  readonly #telemetry: PaxosTelemetry | undefined;

  constructor(baseUrl: string, hooks: PaxosHooks | undefined, telemetry: PaxosTelemetryOptions | false) {
    this.#hooks = hooks?.onRequest === undefined && hooks?.onResponse === undefined ? undefined : hooks;
    this.#telemetry = telemetry === false ? undefined : new PaxosTelemetry(hostPortOf(baseUrl), telemetry);
  }

  /** Starts watching attempt number `attempt` of `request`. */
  start(request: RequestSummary, attempt: number): AttemptWatch | Promise<AttemptWatch> {
    // Without telemetry nothing here waits: answering at once spares every attempt a promise and a turn.
    if (this.#telemetry?.records() !== true) return this.#watch(request, attempt, undefined);
    return this.#startSpan(this.#telemetry, request, attempt).then((span) => this.#watch(request, attempt, span));
  }

  #watch(request: RequestSummary, attempt: number, span: AttemptSpan | undefined): AttemptWatch {
    const hooks = this.#hooks;
    if (hooks === undefined && span === undefined) return UNWATCHED;
    const event: PaxosRequestEvent = Object.freeze({ method: request.method, path: request.path, attempt });
    safely(hooks?.onRequest, event);
    const started = performance.now();
    let ended = false;
    return {
      headers: span?.headers ?? {},
      end: (end) => {
        if (ended) return;
        ended = true;
        const durationMs = performance.now() - started;
        const errorType = errorTypeOf(end);
        try {
          span?.end(end.status, errorType, end.requestId, durationMs);
        } catch {
          // A tracer or meter that throws is broken telemetry, not a failed call: the answer stands.
        }
        safely(
          hooks?.onResponse,
          Object.freeze({
            ...event,
            status: end.status,
            durationMs: Math.round(durationMs),
            requestId: end.requestId,
            outcome: end.outcome,
            errorType,
          }),
        );
      },
    };
  }

  /** The attempt's span, or none when the tracer, meter or propagator given throws: telemetry never fails a call. */
  async #startSpan(
    telemetry: PaxosTelemetry,
    request: RequestSummary,
    attempt: number,
  ): Promise<AttemptSpan | undefined> {
    try {
      return await telemetry.start(request, attempt);
    } catch {
      return undefined;
    }
  }
}
