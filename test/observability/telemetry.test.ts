import { expect } from 'chai';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import { ATTR_URL_TEMPLATE } from '@opentelemetry/semantic-conventions/incubating';
import {
  createIdentityService,
  PaxosConnectionError,
  type IdentityService,
  type PaxosHooks,
  type PaxosRequestEvent,
  type PaxosResponseEvent,
} from '../../src/index.js';
import { aPerson } from '../support/builders.js';
import { json, problem, useScriptedPaxos, wireIdentity } from '../adapters/paxos/support.js';

const CREATE = 'POST /v2/identity/identities';
const GET = 'GET /v2/identity/identities/{id}';
/** The boundaries the HTTP semantic conventions advise for `http.client.request.duration`, in seconds. */
const SEMCONV_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** A tracer and a meter provider over in-memory exporters, shut down after each test. */
function useTelemetry() {
  let spans: InMemorySpanExporter;
  let tracerProvider: BasicTracerProvider;
  let metrics: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let meterProvider: MeterProvider;
  beforeEach(() => {
    spans = new InMemorySpanExporter();
    tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    // Exported on forceFlush only: the interval is longer than any test.
    reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 600_000 });
    meterProvider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  return {
    get tracerProvider() {
      return tracerProvider;
    },
    get meterProvider() {
      return meterProvider;
    },
    finished: () => spans.getFinishedSpans(),
    async histogram(): Promise<HistogramMetricData | undefined> {
      await meterProvider.forceFlush();
      const found = metrics
        .getMetrics()
        .flatMap((m) => m.scopeMetrics)
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === METRIC_HTTP_CLIENT_REQUEST_DURATION);
      return found.at(-1) as HistogramMetricData | undefined;
    },
  };
}

describe('Observability: OpenTelemetry client spans and the request-duration histogram', () => {
  const bench = useScriptedPaxos();
  const otel = useTelemetry();

  const serviceWith = (extra: Record<string, unknown> = {}) =>
    createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...bench.options({ rateLimit: false }),
        telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
        ...extra,
      },
    });

  it('one CLIENT span per attempt, named by method and route template, with the stable HTTP attributes', async () => {
    bench.paxos.script(CREATE, problem(503, 'try again'));
    const identity = await serviceWith().createIdentity(aPerson().build());
    const spans = otel.finished();
    expect(spans.map((s) => s.name)).to.deep.equal(['POST /identity/identities', 'POST /identity/identities']);
    expect(spans.map((s) => s.kind)).to.deep.equal([SpanKind.CLIENT, SpanKind.CLIENT]);
    const port = Number(new URL(bench.paxos.baseUrl).port);
    const common = {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: port,
      [ATTR_URL_TEMPLATE]: '/identity/identities',
    };
    expect(spans[0]?.attributes).to.deep.equal({
      ...common,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 503,
      [ATTR_ERROR_TYPE]: '503',
    });
    expect(spans[0]?.status.code).to.equal(SpanStatusCode.ERROR);
    expect(spans[1]?.attributes).to.deep.equal({
      ...common,
      [ATTR_HTTP_REQUEST_RESEND_COUNT]: 1,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
    });
    expect(spans[1]?.status.code).to.equal(SpanStatusCode.UNSET);
    expect(identity.id).to.be.a('string');
  });

  it('never puts an id in a span: the template, not the path', async () => {
    await serviceWith().getIdentity('abc-1');
    const [span] = otel.finished();
    expect(span?.name).to.equal('GET /identity/identities/{id}');
    expect(span?.attributes[ATTR_URL_TEMPLATE]).to.equal('/identity/identities/{id}');
    expect(JSON.stringify(span?.attributes)).not.to.include('abc-1');
    expect(Object.keys(span?.attributes ?? {})).not.to.include('url.full');
  });

  it('records each attempt in http.client.request.duration, in seconds, with the advised buckets', async () => {
    bench.paxos.script(GET, problem(500), problem(502));
    await serviceWith({ maxRetries: 2 }).getIdentity('abc-1');
    const histogram = await otel.histogram();
    expect(histogram?.descriptor.unit).to.equal('s');
    expect(histogram?.dataPointType).to.equal(DataPointType.HISTOGRAM);
    const points = histogram?.dataPoints ?? [];
    const byStatus = Object.fromEntries(
      points.map((p) => [String(p.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]), p.value.count]),
    );
    expect(byStatus).to.deep.equal({ '200': 1, '500': 1, '502': 1 });
    for (const point of points) {
      expect(point.value.buckets.boundaries).to.deep.equal(SEMCONV_BUCKETS);
      expect(point.attributes).to.include({
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_URL_TEMPLATE]: '/identity/identities/{id}',
      });
      // Metrics carry no resend count and no request id: both would explode the cardinality.
      expect(point.attributes).not.to.have.any.keys(ATTR_HTTP_REQUEST_RESEND_COUNT, 'paxos.request_id');
    }
    expect(
      points.find((p) => p.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] === 500)?.attributes[ATTR_ERROR_TYPE],
    ).to.equal('500');
  });

  it('a connection that is refused is a span with error.type ECONNREFUSED and no status code', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const service = serviceWith({ baseUrl: `http://127.0.0.1:${port}/v2`, maxRetries: 0 });
    const error = await service.getIdentity('abc-1').then(
      () => expect.fail('answered'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PaxosConnectionError);
    const [span] = otel.finished();
    expect(span?.attributes[ATTR_ERROR_TYPE]).to.equal('ECONNREFUSED');
    expect(span?.attributes[ATTR_SERVER_PORT]).to.equal(port);
    expect(span?.attributes).not.to.have.property(ATTR_HTTP_RESPONSE_STATUS_CODE);
    expect(span?.status.code).to.equal(SpanStatusCode.ERROR);
  });

  it('uses the global providers by default, and nothing at all with telemetry: false', async () => {
    trace.setGlobalTracerProvider(otel.tracerProvider);
    try {
      const byDefault = createIdentityService({ adapter: 'paxos', paxos: bench.options({ rateLimit: false }) });
      await byDefault.getIdentity('abc-1');
      expect(otel.finished().map((s) => s.name)).to.deep.equal(['GET /identity/identities/{id}']);
      const off = createIdentityService({
        adapter: 'paxos',
        paxos: bench.options({ rateLimit: false, telemetry: false }),
      });
      await off.getIdentity('abc-1');
      expect(otel.finished(), 'no span with telemetry: false').to.have.length(1);
    } finally {
      trace.disable();
    }
  });

  it('sends the attempt span’s context through the registered propagator', async () => {
    const setter: TextMapSetter = {
      set: (carrier, key, value) => void ((carrier as Record<string, string>)[key] = value),
    };
    const propagator: TextMapPropagator = {
      inject(ctx: Context, carrier: unknown) {
        const span = trace.getSpanContext(ctx);
        if (span !== undefined) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
      },
      extract: (ctx: Context) => ctx,
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(propagator);
    try {
      await context.with(context.active(), () => serviceWith().getIdentity('abc-1'));
    } finally {
      propagation.disable();
    }
    const [span] = otel.finished();
    const sent = bench.paxos.to(GET)[0]?.headers['traceparent'];
    expect(sent).to.equal(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
  });
});

describe('Observability: onRequest and onResponse hooks', () => {
  const bench = useScriptedPaxos();

  /** A service whose hooks are the only watchers of its calls (no telemetry), its calls never held by a rate limit. */
  function serviceWithHooks(hooks: PaxosHooks): IdentityService {
    return createIdentityService({
      adapter: 'paxos',
      paxos: bench.options({ rateLimit: false, telemetry: false, hooks }),
    });
  }

  it('see every attempt with method, template, attempt, status, outcome and request id, never an id', async () => {
    const seen: (PaxosRequestEvent | PaxosResponseEvent)[] = [];
    bench.paxos.script(GET, problem(503), (_request, res) => {
      json(res, 200, wireIdentity('abc-1'), { 'x-request-id': 'req-42' });
    });
    const service = serviceWithHooks({
      onRequest: (e: PaxosRequestEvent) => seen.push(e),
      onResponse: (e: PaxosResponseEvent) => seen.push(e),
    });
    await service.getIdentity('abc-1');
    const shape = seen.map((e) => ('outcome' in e ? { ...e, durationMs: typeof e.durationMs } : e));
    const at = { method: 'GET', path: '/identity/identities/{id}' };
    expect(shape).to.deep.equal([
      { ...at, attempt: 1 },
      {
        ...at,
        attempt: 1,
        status: 503,
        durationMs: 'number',
        requestId: undefined,
        outcome: 'retry',
        errorType: '503',
      },
      { ...at, attempt: 2 },
      {
        ...at,
        attempt: 2,
        status: 200,
        durationMs: 'number',
        requestId: 'req-42',
        outcome: 'ok',
        errorType: undefined,
      },
    ]);
    expect(JSON.stringify(seen)).not.to.include('abc-1');
  });

  it('a hook that throws does not break the call', async () => {
    const service = serviceWithHooks({
      onRequest: () => {
        throw new Error('hook bug');
      },
      onResponse: () => {
        throw new Error('hook bug');
      },
    });
    expect((await service.getIdentity('abc-1')).id).to.equal('abc-1');
  });

  it('a hook that is not a function is a configuration error naming it', () => {
    expect(() =>
      createIdentityService({
        adapter: 'paxos',
        paxos: bench.options({ hooks: { onResponse: 'log' } }),
      }),
    ).to.throw(/hooks\.onResponse must be a function/);
  });
});
