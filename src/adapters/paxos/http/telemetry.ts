import type * as OpenTelemetry from '@opentelemetry/api';
import type { RequestSummary } from '../errors.js';
import { LIBRARY_VERSION } from '../version.js';

/** What the adapter needs of an OpenTelemetry `TracerProvider`; any version of `@opentelemetry/api` 1.x fits. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

/** What the adapter needs of an OpenTelemetry `MeterProvider`; any version of `@opentelemetry/api` 1.x fits. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/**
 * OpenTelemetry for the Paxos adapter: a CLIENT span per HTTP attempt and the `http.client.request.duration`
 * histogram, by the stable HTTP client semantic conventions. It runs through `@opentelemetry/api`, an optional peer
 * dependency loaded on the first request: without it installed, nothing is recorded and nothing fails.
 */
export interface PaxosTelemetryOptions {
  /** Where spans go. Default: the global one (`trace.setGlobalTracerProvider`), a no-op until one is registered. */
  readonly tracerProvider?: TracerProviderLike;
  /** Where the duration histogram goes. Default: the global one (`metrics.setGlobalMeterProvider`). */
  readonly meterProvider?: MeterProviderLike;
}

/** The instrumentation scope of every span and metric. */
const SCOPE = 'paxos-identity';
/** The semantic conventions' advised boundaries for `http.client.request.duration`, in seconds. */
const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

type Api = typeof OpenTelemetry;

/**
 * Where `@opentelemetry/api` 1.x keeps the providers a host registered (`trace.setGlobalTracerProvider`, ...). Until
 * something is registered there, every span and metric would go to a no-op, so the API need not even be loaded.
 */
const GLOBAL_API = Symbol.for('opentelemetry.js.api.1');

/**
 * Whether a host registered a global tracer or meter provider or a propagator in this process. The slot itself is not
 * enough: a diag logger or a context manager alone creates it, and a provider removed (`trace.disable()`) leaves it.
 */
function globalsRegistered(): boolean {
  const slot = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[GLOBAL_API];
  return slot !== undefined && REGISTRIES.some((name) => slot[name] !== undefined);
}

/** The parts of the global slot that change what an attempt records or sends. */
const REGISTRIES = ['trace', 'metrics', 'propagation'] as const;

/** Loaded once per process; `undefined` when `@opentelemetry/api` is not installed. */
let loading: Promise<Api | undefined> | undefined;

/** `@opentelemetry/api`, imported on first use so that a cold start without telemetry does not pay for it. */
function loadApi(): Promise<Api | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (module): Api => module,
    () => undefined,
  );
  return loading;
}

/** One attempt's span, already started. */
export interface AttemptSpan {
  /** The trace-context headers of the span, for the request. */
  readonly headers: Readonly<Record<string, string>>;
  end(status: number | undefined, errorType: string | undefined, requestId: string | undefined, ms: number): void;
}

/** Spans and the duration histogram of one connection's attempts. */
export class PaxosTelemetry {
  readonly #server: { readonly address: string; readonly port: number };
  readonly #options: PaxosTelemetryOptions;
  #instruments: { tracer: OpenTelemetry.Tracer; duration: OpenTelemetry.Histogram } | undefined;

  constructor(server: { readonly address: string; readonly port: number }, options: PaxosTelemetryOptions = {}) {
    this.#server = server;
    this.#options = options;
  }

  /**
   * Whether an attempt would be recorded now: a provider was given, or one is registered globally. Cheap, and
   * synchronous, so that an attempt with nothing to record spends no promise on telemetry.
   */
  records(): boolean {
    const given = this.#options.tracerProvider !== undefined || this.#options.meterProvider !== undefined;
    return given || globalsRegistered();
  }

  /**
   * Starts the span of attempt `attempt` of `request`; `undefined` when `@opentelemetry/api` is absent, or when no
   * provider was given or registered (then nothing would be recorded, and the API is not loaded at all).
   */
  async start(request: RequestSummary, attempt: number): Promise<AttemptSpan | undefined> {
    if (!this.records()) return undefined;
    const api = await loadApi();
    if (api === undefined) return undefined;
    const { tracer, duration } = this.#instrumentsOf(api);
    // The template, never the path: ids are not for telemetry backends, and the template keeps cardinality low.
    const common: OpenTelemetry.Attributes = {
      'http.request.method': request.method,
      'server.address': this.#server.address,
      'server.port': this.#server.port,
      'url.template': request.path,
    };
    const span = tracer.startSpan(
      `${request.method} ${request.path}`,
      {
        kind: api.SpanKind.CLIENT,
        attributes: { ...common, ...(attempt > 1 && { 'http.request.resend_count': attempt - 1 }) },
      },
      api.context.active(),
    );
    const headers: Record<string, string> = {};
    api.propagation.inject(api.trace.setSpan(api.context.active(), span), headers);
    return {
      headers,
      end: (status, errorType, requestId, ms) => {
        const outcome: OpenTelemetry.Attributes = {
          ...(status !== undefined && { 'http.response.status_code': status }),
          ...(errorType !== undefined && { 'error.type': errorType }),
        };
        span.setAttributes({ ...outcome, ...(requestId !== undefined && { 'paxos.request_id': requestId }) });
        if (errorType !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR });
        span.end();
        duration.record(ms / 1000, { ...common, ...outcome });
      },
    };
  }

  #instrumentsOf(api: Api): { tracer: OpenTelemetry.Tracer; duration: OpenTelemetry.Histogram } {
    if (this.#instruments !== undefined) return this.#instruments;
    const tracers = (this.#options.tracerProvider as OpenTelemetry.TracerProvider | undefined) ?? api.trace;
    const meters = (this.#options.meterProvider as OpenTelemetry.MeterProvider | undefined) ?? api.metrics;
    const duration = meters.getMeter(SCOPE, LIBRARY_VERSION).createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    this.#instruments = { tracer: tracers.getTracer(SCOPE, LIBRARY_VERSION), duration };
    return this.#instruments;
  }
}
