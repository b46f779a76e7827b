import { expect } from 'chai';
import {
  diag,
  metrics,
  propagation,
  trace,
  type Context,
  type DiagLogger,
  type Span,
  type SpanOptions,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  createIdentityService,
  PaxosAuthenticationError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosTimeoutError,
} from '../../src/index.js';
import { json, problem, rejectionOf, useScriptedPaxos } from '../adapters/paxos/support.js';

const GET = 'GET /v2/identity/identities/{id}';
const LIST = 'GET /v2/identity/identities';
const TOKEN = 'POST /oauth2/token';
/** What `error.type` may be: a status, a network or library code, `aborted` or the conventions' `_OTHER`. */
const LOW_CARDINALITY = /^(\d{3}|[A-Z][A-Z0-9_]+|aborted|paxos_[a-z_]+|_OTHER)$/;

/**
 * A tracer provider over an in-memory exporter whose spans count every `end()` call, so that a span ended twice (or
 * never) shows; and a meter provider over an in-memory exporter.
 */
function useCountingTelemetry() {
  let exporter: InMemorySpanExporter;
  let sdk: BasicTracerProvider;
  let metricExporter: InMemoryMetricExporter;
  let meterProvider: MeterProvider;
  let started = 0;
  let endCalls = 0;
  const counting: TracerProvider = {
    getTracer(name, version) {
      const real = sdk.getTracer(name, version);
      const tracer: Pick<Tracer, 'startSpan'> = {
        startSpan(spanName: string, options?: SpanOptions, ctx?: Context): Span {
          started += 1;
          const span = real.startSpan(spanName, options, ctx);
          return new Proxy(span, {
            get(target, key, receiver) {
              if (key === 'end')
                return (...args: Parameters<Span['end']>) => {
                  endCalls += 1;
                  target.end(...args);
                };
              const value: unknown = Reflect.get(target, key, receiver);
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            },
          });
        },
      };
      return tracer as Tracer;
    },
  };
  beforeEach(() => {
    started = 0;
    endCalls = 0;
    exporter = new InMemorySpanExporter();
    sdk = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    meterProvider = new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 600_000 })],
    });
  });
  afterEach(async () => {
    await sdk.shutdown();
    await meterProvider.shutdown();
  });
  return {
    get options() {
      return { tracerProvider: counting, meterProvider };
    },
    counts: () => ({ started, endCalls }),
    finished: () => exporter.getFinishedSpans(),
    async histogramPoints(): Promise<number> {
      await meterProvider.forceFlush();
      const metric = metricExporter
        .getMetrics()
        .flatMap((m) => m.scopeMetrics)
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === 'http.client.request.duration')
        .at(-1) as HistogramMetricData | undefined;
      return (metric?.dataPoints ?? []).reduce((sum, point) => sum + point.value.count, 0);
    },
  };
}

describe('Attacks on the OpenTelemetry spans and the duration histogram', () => {
  const bench = useScriptedPaxos();
  const otel = useCountingTelemetry();
  const service = (extra: Record<string, unknown> = {}) =>
    createIdentityService({
      adapter: 'paxos',
      paxos: bench.options({ rateLimit: false, telemetry: otel.options, ...extra }),
    });

  /** Every span started was ended, and ended exactly once. */
  const expectEachSpanEndedOnce = (attempts: number) => {
    expect(otel.counts()).to.deep.equal({ started: attempts, endCalls: attempts });
    expect(otel.finished()).to.have.length(attempts);
  };

  it('a retried call: one span and one histogram point per attempt, each span ended once', async () => {
    bench.paxos.script(GET, problem(503), problem(502));
    await service().getIdentity('abc-1');
    expectEachSpanEndedOnce(3);
    expect(await otel.histogramPoints()).to.equal(3);
  });

  it('a call whose deadline ends mid-attempt: its span is ended once, as aborted or failed', async () => {
    bench.paxos.script(GET, () => {
      // Never answers: the deadline ends the call.
    });
    const error = await rejectionOf(service().getIdentity('abc-1', { timeoutMs: 60, maxRetries: 0 }));
    expect(error).to.be.instanceOf(PaxosTimeoutError);
    expectEachSpanEndedOnce(1);
    expect(await otel.histogramPoints()).to.equal(1);
  });

  it('a call the caller aborts mid-attempt: its span is ended once, error.type aborted', async () => {
    const controller = new AbortController();
    bench.paxos.script(GET, () => {
      // Never answers: the caller gives up once the request is on the wire.
      controller.abort(new Error('caller gave up'));
    });
    const reason = await service()
      .getIdentity('abc-1', { signal: controller.signal })
      .catch((error: unknown) => error);
    expect((reason as Error).message).to.equal('caller gave up');
    expectEachSpanEndedOnce(1);
    expect(otel.finished()[0]?.attributes['error.type']).to.equal('aborted');
  });

  it('a 429 and the cool-down after it: one span for the 429, none for the call refused without sending', async () => {
    bench.paxos.script(GET, problem(429));
    const paxos = service({ rateLimit: {} });
    expect(await rejectionOf(paxos.getIdentity('abc-1'))).to.be.instanceOf(PaxosRateLimitError);
    expect(await rejectionOf(paxos.getIdentity('abc-1'))).to.be.instanceOf(PaxosRateLimitError);
    expectEachSpanEndedOnce(1);
    expect(otel.finished()[0]?.attributes['error.type']).to.equal('429');
  });

  it('a 401 and the resend with a fresh token: two spans, each ended once, the first with error.type 401', async () => {
    bench.paxos.script(GET, problem(401));
    await service().getIdentity('abc-1');
    expectEachSpanEndedOnce(2);
    expect(otel.finished().map((s) => s.attributes['error.type'])).to.deep.equal(['401', undefined]);
    expect(await otel.histogramPoints()).to.equal(2);
  });

  it('a token that cannot be had: no API span is started, so none is left open', async () => {
    bench.paxos.script(TOKEN, problem(401, 'invalid_client'));
    expect(await rejectionOf(service().getIdentity('abc-1'))).to.be.instanceOf(PaxosAuthenticationError);
    expectEachSpanEndedOnce(0);
  });

  it('a 200 refused as not JSON: its span carries the status and a library error.type', async () => {
    bench.paxos.script(GET, (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    });
    expect(await rejectionOf(service().getIdentity('abc-1'))).to.be.instanceOf(PaxosResponseError);
    expectEachSpanEndedOnce(1);
    const attributes = otel.finished()[0]?.attributes ?? {};
    expect(attributes['http.response.status_code']).to.equal(200);
    expect(attributes['error.type']).to.equal('paxos_invalid_response');
  });

  it('no attribute holds an id or a query value, and every error.type is low-cardinality', async () => {
    bench.paxos.script(GET, problem(503), problem(404, 'identity not found'));
    bench.paxos.script(LIST, (_request, res) => {
      json(res, 200, { items: [] });
    });
    const paxos = service({ maxRetries: 1 });
    await paxos.getIdentity('secret-id-42').catch(() => undefined);
    await paxos.listIdentitiesPage({ limit: 7, summaryStatus: 'APPROVED' });
    const spans = otel.finished();
    expect(spans).to.have.length(3);
    for (const span of spans) {
      const text = JSON.stringify(span.attributes) + span.name;
      expect(text).not.to.include('secret-id-42');
      expect(text).not.to.match(/limit|APPROVED|\?/);
      expect(Object.keys(span.attributes).filter((k) => k.startsWith('url.'))).to.deep.equal(['url.template']);
      const type = span.attributes['error.type'];
      if (type !== undefined) expect(String(type)).to.match(LOW_CARDINALITY);
    }
  });

  it('a tracer, meter or span that throws never fails the call', async () => {
    const broken: Record<string, unknown>[] = [
      {
        tracerProvider: {
          getTracer: () => {
            throw new Error('tracer broke');
          },
        },
      },
      {
        tracerProvider: {
          getTracer: () => ({
            startSpan: () => {
              throw new Error('span broke');
            },
          }),
        },
      },
      {
        tracerProvider: otel.options.tracerProvider,
        meterProvider: {
          getMeter: () => ({
            createHistogram: () => ({
              record: () => {
                throw new Error('histogram broke');
              },
            }),
          }),
        },
      },
    ];
    for (const telemetry of broken) {
      const identity = await service({ telemetry }).getIdentity('abc-1');
      expect(identity.id).to.equal('abc-1');
    }
  });
});

describe('Attacks on the global OpenTelemetry set-up', () => {
  const bench = useScriptedPaxos();
  const service = (extra: Record<string, unknown> = {}) =>
    createIdentityService({ adapter: 'paxos', paxos: bench.options({ rateLimit: false, ...extra }) });

  it('the injected traceparent wins over one the caller passes; without a propagator the caller’s is sent', async () => {
    const theirs = '00-11111111111111111111111111111111-2222222222222222-01';
    const propagator: TextMapPropagator = {
      inject(_ctx: Context, carrier: unknown) {
        (carrier as Record<string, string>)['traceparent'] = '00-ours';
      },
      extract: (ctx: Context) => ctx,
      fields: () => ['traceparent'],
    };
    await service().getIdentity('abc-1', { headers: { Traceparent: theirs } });
    propagation.setGlobalPropagator(propagator);
    try {
      await service().getIdentity('abc-1', { headers: { Traceparent: theirs } });
    } finally {
      propagation.disable();
    }
    expect(bench.paxos.to(GET).map((r) => r.headers['traceparent'])).to.deep.equal([theirs, '00-ours']);
  });

  it('with the API loaded but no provider registered (only a diag logger), no tracer or meter is asked for', async () => {
    const silent: DiagLogger = {
      error: () => undefined,
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    // A registered and then removed provider leaves the global slot behind, as does a diag logger alone.
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    trace.disable();
    diag.setLogger(silent);
    const asked: string[] = [];
    const getTracer = trace.getTracer.bind(trace);
    const getMeter = metrics.getMeter.bind(metrics);
    trace.getTracer = (...args) => (asked.push('tracer'), getTracer(...args));
    metrics.getMeter = (...args) => (asked.push('meter'), getMeter(...args));
    try {
      const identity = await service().getIdentity('abc-1');
      expect(identity.id).to.equal('abc-1');
    } finally {
      trace.getTracer = getTracer;
      metrics.getMeter = getMeter;
      diag.disable();
    }
    expect(asked).to.deep.equal([]);
  });
});
