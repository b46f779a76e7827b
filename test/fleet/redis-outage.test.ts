/**
 * Redis stopped mid-run: a service on the Paxos adapter (against the emulator) with every shared piece on a Redis of
 * its own, under a steady stream of creates, reads and webhook deliveries, while that Redis is killed (connection
 * refused) and restarted on the same port, or frozen (TCP open, no answers) and thawed. Every call must settle within
 * its deadline, with success or a typed error; webhook deliveries answer 5xx while Redis is away and are handled once
 * afterwards; the logger hears of each outage once and of each recovery once.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import {
  createIdentityService,
  IdentityServiceError,
  Sensitive,
  WebhookPayloadError,
  type IdentityService,
} from '../../src/index.js';
import {
  redisCoordination,
  RedisTokenCache,
  RedisUnavailableError,
  RedisWebhookDeliveryRecord,
  type RedisCoordination,
} from '../../src/redis.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { recordingLogger, type LogLine } from '../support/logging.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { uniqueNamespace } from '../support/redis.js';

const REQUIRED = process.env['PAXOS_IDENTITY_REQUIRE_REDIS'] === '1';
/** With `PAXOS_IDENTITY_OUTAGE_FIGURES=1` each run prints its timings, outcomes and log lines. */
const figures = (line: string): void => {
  if (process.env['PAXOS_IDENTITY_OUTAGE_FIGURES'] === '1') console.log(line);
};
/** Each Paxos call's own deadline (`timeoutMs`), and how late past it a call may settle. */
const CALL_DEADLINE_MS = 1_500;
const MARGIN_MS = 300;
/** Every Redis piece asks Redis again this long after it failed. */
const RETRY_REDIS_AFTER_MS = 1_000;
/** A webhook delivery: the claim (1 s at most), the event fetch (its deadline), the completion (1 s at most). */
const WEBHOOK_DEADLINE_MS = 1_000 + CALL_DEADLINE_MS + 1_000;
/** A call is started this often, alternately a create and a read: above the fallback's identity rate (10/3 per s). */
const CALL_EVERY_MS = 150;
const DELIVER_EVERY_MS = 250;
/** Calls started this soon after a fault or a recovery may still see the state before it. */
const SETTLE_MS = CALL_DEADLINE_MS + MARGIN_MS;

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** True when something on `port` answers PING with +PONG within 300 ms. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => {
      done(false);
    }, 300);
    socket.on('error', () => {
      done(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      done(data.toString().startsWith('+PONG'));
    });
  });
}

/** A redis-server of this test's own, as a child process, on a fixed port so that it can be restarted there. */
class RedisChild {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    failed.catch(() => undefined);
    const deadline = performance.now() + 5_000;
    while (!(await Promise.race([pong(this.port), failed]))) {
      if (performance.now() > deadline) throw new Error(`redis-server did not answer on port ${String(this.port)}`);
      await pause(50);
    }
  }

  /** Down: the process is gone, the port refuses connections. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
    this.#child = undefined;
  }

  /** Hung: connections stay open and nothing answers. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    if (this.#child === undefined) return;
    this.#child.kill('SIGCONT');
    await this.kill();
  }
}

/** One Paxos call or one webhook delivery, timed from the test's start. */
interface Outcome {
  readonly kind: 'create' | 'get' | 'webhook';
  readonly startedAt: number;
  settledAt?: number;
  /** `ok`, an HTTP status for a webhook delivery, or the error's class and code. */
  result?: string;
  error?: unknown;
  eventId?: string;
}

/** A stretch of the run: Redis up or away, from `from` to `to` (ms since the run started). */
interface Phase {
  readonly redis: 'up' | 'away';
  readonly from: number;
  to: number;
  /** The length of the emulator's request log when the phase began, and when it ended. */
  readonly served: number;
  servedAtEnd?: number;
}

type Fault = 'kill' | 'freeze';
type ClientKind = 'recommended' | 'default';
type Mode = 'degrade' | 'fail';

function describeError(error: unknown): string {
  if (error instanceof IdentityServiceError)
    return `${error.constructor.name}(${error.code}${'reason' in error ? `:${String(error.reason)}` : ''})`;
  return `untyped ${error instanceof Error ? error.constructor.name : typeof error}`;
}

function tally(values: readonly (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value ?? 'pending'] = (counts[value ?? 'pending'] ?? 0) + 1;
  return counts;
}

describe('Redis stopped mid-run (a redis-server of its own, killed or frozen, then back)', function () {
  this.timeout(90_000);
  let started: PaxosEmulator | undefined;
  let redisServer: RedisChild | undefined;
  let client: Redis | undefined;
  let webhookServer: HttpServer | undefined;

  before(async function () {
    const probe = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    const available = await new Promise<boolean>((resolve) => {
      probe.once('error', () => {
        resolve(false);
      });
      probe.once('exit', (code) => {
        resolve(code === 0);
      });
    });
    if (!available) {
      if (REQUIRED) throw new Error('PAXOS_IDENTITY_REQUIRE_REDIS=1 but no redis-server on the PATH');
      console.log('      skipped: no redis-server on the PATH');
      this.skip();
    }
    // Paxos's limits, averaged over 10 s instead of five minutes, so that a burst would show as a 429 here.
    started = await startPaxosEmulator({ rateLimit: { windowMs: 10_000 } });
  });

  after(async () => {
    await started?.close();
  });

  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await redisServer?.dispose();
    redisServer = undefined;
    if (webhookServer !== undefined) {
      const server = webhookServer;
      webhookServer = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    }
  });

  function theEmulator(): PaxosEmulator {
    if (started === undefined) throw new Error('no emulator');
    return started;
  }

  function buildClient(kind: ClientKind, port: number): Redis {
    const redis =
      kind === 'recommended'
        ? new Redis(port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
        : new Redis(`redis://127.0.0.1:${String(port)}`);
    // ioredis reports every failed reconnection here; without a listener it prints them.
    redis.on('error', () => undefined);
    return redis;
  }

  /** A webhook endpoint as the README writes one: 2xx when handled or a duplicate, 400 for a bad body, 5xx else. */
  async function startWebhookEndpoint(
    service: IdentityService,
    runs: Map<string, number>,
  ): Promise<{ url: string; server: HttpServer }> {
    const server = createHttpServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        try {
          const outcome = await service.handleWebhook(
            Buffer.concat(chunks),
            (event) => {
              runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
            },
            { signal: AbortSignal.timeout(WEBHOOK_DEADLINE_MS) },
          );
          res.writeHead(outcome.status === 'handled' ? 200 : 204).end();
        } catch (error) {
          const status =
            error instanceof WebhookPayloadError ? 400 : error instanceof RedisUnavailableError ? 503 : 500;
          res.writeHead(status, { 'x-error': describeError(error) }).end();
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${String(port)}/webhooks/paxos`, server };
  }

  async function deliver(url: string, eventId: string): Promise<{ status: number; error: string | null }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: eventId,
        type: 'identity.kyc_refresh.started',
        source: 'com.paxos',
        time: new Date().toISOString(),
        object: 'event',
      }),
      signal: AbortSignal.timeout(WEBHOOK_DEADLINE_MS + 2_000),
    });
    await response.arrayBuffer();
    return { status: response.status, error: response.headers.get('x-error') };
  }

  async function run(mode: Mode, kind: ClientKind, fault: Fault): Promise<void> {
    const emulator = theEmulator();
    const port = await freePort();
    redisServer = new RedisChild(port);
    await redisServer.start();
    const redis = buildClient(kind, port);
    client = redis;
    // Without the offline queue, a command sent before the connection is up fails: the run starts connected.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    const logger = recordingLogger();
    const namespace = uniqueNamespace('paxos-identity-outage');
    const coordination: RedisCoordination = redisCoordination({
      redis,
      namespace,
      fleetSize: 3,
      logger,
      encryptionKey: randomBytes(32),
      onRedisUnavailable: mode,
      rateLimiter: { retryRedisAfterMs: RETRY_REDIS_AFTER_MS },
      tokenCache: { retryRedisAfterMs: RETRY_REDIS_AFTER_MS },
      webhookDeliveryRecord: { retryRedisAfterMs: RETRY_REDIS_AFTER_MS },
    });
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: { ...paxosOptionsFor(emulator), timeoutMs: CALL_DEADLINE_MS },
      coordination,
    });
    const runs = new Map<string, number>();
    const endpoint = await startWebhookEndpoint(service, runs);
    webhookServer = endpoint.server;
    const known = await service.createIdentity(aPerson().build());
    const requestsBefore = emulator.requests.length;

    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const outcomes: Outcome[] = [];
    const phases: Phase[] = [{ redis: 'up', from: 0, to: Infinity, served: emulator.requests.length }];
    const pending = new Set<Promise<void>>();
    const track = (outcome: Outcome, work: Promise<string>) => {
      outcomes.push(outcome);
      const settled = work
        .then(
          (result) => {
            outcome.result = result;
          },
          (error: unknown) => {
            outcome.error = error;
            outcome.result = describeError(error);
          },
        )
        .finally(() => {
          outcome.settledAt = now();
          pending.delete(settled);
        });
      pending.add(settled);
    };
    let calls = 0;
    const callTimer = setInterval(() => {
      calls += 1;
      const create = calls % 2 === 1;
      track(
        { kind: create ? 'create' : 'get', startedAt: now() },
        (create ? service.createIdentity(aPerson().build()) : service.getIdentity(known.id)).then(() => 'ok'),
      );
    }, CALL_EVERY_MS);
    const deliveryTimer = setInterval(() => {
      const event = emulator.recordEvent('identity.kyc_refresh.started', { identityId: known.id });
      const outcome: Outcome = { kind: 'webhook', startedAt: now(), eventId: event.id };
      track(
        outcome,
        deliver(endpoint.url, event.id).then(({ status, error }) =>
          error === null ? String(status) : `${String(status)} ${error}`,
        ),
      );
    }, DELIVER_EVERY_MS);

    const begin = (state: Phase['redis']) => {
      const at = now();
      const served = emulator.requests.length;
      const last = phases[phases.length - 1];
      if (last !== undefined) {
        last.to = at;
        last.servedAtEnd = served;
      }
      phases.push({ redis: state, from: at, to: Infinity, served });
    };
    const outages = fault === 'kill' ? 2 : 1;
    try {
      await pause(1_500);
      for (let outage = 0; outage < outages; outage += 1) {
        begin('away');
        if (fault === 'kill') await redisServer.kill();
        else redisServer.freeze();
        await pause(3_000);
        if (fault === 'kill') await redisServer.start();
        else redisServer.thaw();
        begin('up');
        await pause(3_500);
      }
    } finally {
      clearInterval(callTimer);
      clearInterval(deliveryTimer);
    }
    const end = now();
    // Nothing may hang: every call settles within its deadline, so all of them within the longest one.
    await Promise.race([Promise.all([...pending]), pause(WEBHOOK_DEADLINE_MS + 2_000)]);
    const unsettled = outcomes.filter((o) => o.settledAt === undefined);

    const phaseOf = (o: Outcome) => phases.find((p) => o.startedAt >= p.from && o.startedAt < p.to);
    /**
     * Started well inside a phase: long enough after its start that the state before cannot linger, and long
     * enough before its end (a command timeout) that the next one cannot answer it.
     */
    const inside = (o: Outcome, state: Phase['redis'], settleMs: number) => {
      const phase = phaseOf(o);
      return phase?.redis === state && o.startedAt >= phase.from + settleMs && o.startedAt < phase.to - 1_200;
    };
    const paxosCalls = outcomes.filter((o) => o.kind !== 'webhook');
    const webhooks = outcomes.filter((o) => o.kind === 'webhook');
    const took = (o: Outcome) => (o.settledAt ?? end + 10_000) - o.startedAt;
    const byPhase = phases.map((phase) => {
      const of = paxosCalls.filter((o) => phaseOf(o) === phase);
      const hooks = webhooks.filter((o) => phaseOf(o) === phase);
      return {
        redis: phase.redis,
        ms: Math.round((Number.isFinite(phase.to) ? phase.to : end) - phase.from),
        calls: tally(of.map((o) => o.result)),
        slowestMs: Math.round(Math.max(0, ...of.map(took))),
        webhooks: tally(hooks.map((o) => o.result)),
        slowestWebhookMs: Math.round(Math.max(0, ...hooks.map(took))),
      };
    });
    figures(`      ${mode}/${kind}/${fault}: ${JSON.stringify(byPhase)}`);

    expect(
      unsettled.map((o) => `${o.kind} started at ${String(Math.round(o.startedAt))} ms`),
      'pending',
    ).to.deep.equal([]);
    const late = paxosCalls.filter((o) => took(o) > CALL_DEADLINE_MS + MARGIN_MS);
    expect(
      late.map((o) => `${o.kind} ${String(Math.round(took(o)))} ms: ${String(o.result)}`),
      'calls past their deadline',
    ).to.deep.equal([]);
    const lateHooks = webhooks.filter((o) => took(o) > WEBHOOK_DEADLINE_MS + MARGIN_MS);
    expect(
      lateHooks.map((o) => `${String(Math.round(took(o)))} ms`),
      'deliveries past their deadline',
    ).to.deep.equal([]);
    const untyped = paxosCalls.filter((o) => o.error !== undefined && !(o.error instanceof IdentityServiceError));
    expect(
      untyped.map((o) => o.result),
      'untyped errors',
    ).to.deep.equal([]);
    expect(
      emulator.requests.slice(requestsBefore).filter((r) => r.status === 429),
      'no 429 from Paxos',
    ).to.deep.equal([]);

    // While Redis is away: degraded calls succeed at this process's share, or a call is refused with the typed error.
    const away = paxosCalls.filter((o) => inside(o, 'away', 300));
    // What reached Paxos while Redis was away: this process alone at a third of the identity rate (10/s, fleetSize
    // 3), or nothing but the calls already granted when it went ('fail').
    const identitySent = phases
      .filter((phase) => phase.redis === 'away')
      .map((phase) => ({
        seconds: (phase.to - phase.from) / 1000,
        sent: emulator.requests
          .slice(phase.served, phase.servedAtEnd)
          .filter((r) => r.route?.startsWith('/v2/identity/') === true).length,
      }));
    figures(`      identity requests while Redis was away: ${JSON.stringify(identitySent)}`);
    for (const { seconds, sent } of identitySent)
      if (mode === 'degrade')
        expect(sent, 'paced at 10/3 per second').to.be.within(1, Math.ceil((seconds * 10) / 3) + 2);
      else expect(sent, 'only calls granted before Redis went away').to.be.at.most(2);
    expect(away, 'calls while Redis was away').not.to.be.empty;
    if (mode === 'degrade') {
      expect(
        away.filter((o) => o.result === 'ok'),
        'degraded calls that succeeded',
      ).not.to.be.empty;
      const refusedForRedis = away.filter((o) => o.error instanceof RedisUnavailableError);
      expect(
        refusedForRedis.map((o) => o.result),
        'degrade never refuses for Redis',
      ).to.deep.equal([]);
    } else {
      const others = away.filter((o) => !(o.error instanceof RedisUnavailableError));
      expect(
        others.map((o) => o.result),
        "'fail' refuses every call with RedisUnavailableError",
      ).to.deep.equal([]);
    }
    // Webhook claims fail closed while Redis is away: the endpoint answers 5xx and Paxos delivers again.
    const awayHooks = webhooks.filter((o) => inside(o, 'away', 300));
    expect(awayHooks, 'deliveries while Redis was away').not.to.be.empty;
    expect(
      awayHooks.filter((o) => !String(o.result).startsWith('503')).map((o) => o.result),
      'deliveries answered 503 while Redis was away',
    ).to.deep.equal([]);

    // Back: calls and deliveries succeed again, on the shared pieces.
    const back = outcomes.filter((o) => inside(o, 'up', SETTLE_MS + RETRY_REDIS_AFTER_MS) && phaseOf(o) !== phases[0]);
    expect(back, 'calls after Redis came back').not.to.be.empty;
    expect(
      back.filter((o) => o.result !== 'ok' && o.result !== '200').map((o) => `${o.kind}: ${String(o.result)}`),
      'after recovery every call and delivery succeeds',
    ).to.deep.equal([]);
    const degraded = (coordination.rateLimiter as { degraded?: boolean }).degraded;
    expect(degraded, 'the limiter shares the budget again').to.equal(false);
    const keys = await redis.keys(`${namespace}:*`);
    expect(
      keys.some((key) => key.startsWith(`${namespace}:token:`)),
      'the token is shared again',
    ).to.equal(true);
    expect(
      keys.some((key) => key.startsWith(`${namespace}:rate-limit:`)),
      'the budget is shared again',
    ).to.equal(true);

    // Paxos delivers again what was answered 5xx: each such event is handled once, and a further redelivery is a
    // duplicate.
    const refused = [...new Set(webhooks.filter((o) => !String(o.result).startsWith('2')).map((o) => o.eventId))];
    // A delivery the test gave up on (a timeout on its side) may still have been handled and completed by the
    // endpoint: its redelivery is then a duplicate (204), the others are handled now (200).
    const expected = refused.map((id) => ((runs.get(String(id)) ?? 0) === 0 ? '200' : '204'));
    const redelivered = await Promise.all(refused.map(async (id) => (await deliver(endpoint.url, String(id))).status));
    expect(redelivered.map(String), 'redeliveries of refused events').to.deep.equal(expected);
    for (const id of refused) expect(runs.get(String(id)), `handler runs of ${String(id)}`).to.equal(1);
    const again = await Promise.all(refused.map(async (id) => (await deliver(endpoint.url, String(id))).status));
    expect(tally(again.map(String)), 'a second redelivery').to.deep.equal(
      refused.length === 0 ? {} : { '204': refused.length },
    );
    for (const id of refused) expect(runs.get(String(id)), `handler runs of ${String(id)}`).to.equal(1);

    // Each piece that finds Redis away warns once for that outage, and tells once when it finds Redis back; a
    // piece that was not asked during an outage (with 'fail', a call refused by the token cache never reaches the
    // limiter) has nothing to say about it. Never the address of Redis nor its error text.
    figures(
      `      log: ${JSON.stringify(logger.lines.filter((l) => l.level !== 'debug').map((l) => `${String(Math.round(l.at - t0))} ms ${l.level}: ${l.message}`))}`,
    );
    const pieceOf = (line: LogLine): string | undefined =>
      line.fields?.['piece'] === 'token cache'
        ? 'token cache'
        : /^Redis (does not answer: (pacing|refusing Paxos)|answers again: the rate limit)/.test(line.message)
          ? 'rate limiter'
          : undefined;
    const notices = logger.lines.filter((l) => l.level === 'warn' || l.level === 'info');
    expect(
      notices.filter((l) => pieceOf(l) === undefined).map((l) => l.message),
      'nothing else is logged above debug',
    ).to.deep.equal([]);
    const outageWindows = phases.flatMap((phase, i) => {
      const next = phases[i + 1];
      return phase.redis === 'away' && next !== undefined ? [{ away: phase, up: next }] : [];
    });
    expect(outageWindows).to.have.length(outages);
    expect(
      notices.filter((l) => l.at - t0 < (outageWindows[0]?.away.from ?? 0)).map((l) => l.message),
      'nothing before the first outage',
    ).to.deep.equal([]);
    for (const [i, { away, up }] of outageWindows.entries()) {
      const within = notices.filter(
        (l) => l.at - t0 >= away.from && l.at - t0 < (Number.isFinite(up.to) ? up.to : end + 10_000),
      );
      const warned = within.filter((l) => l.level === 'warn');
      expect(warned, `outage ${String(i + 1)} is told of`).not.to.be.empty;
      for (const piece of ['token cache', 'rate limiter']) {
        const own = within.filter((l) => pieceOf(l) === piece);
        const shape = own.map((l) => `${l.level} while Redis was ${l.at - t0 < up.from ? 'away' : 'back'}`).join(', ');
        expect(shape, `${piece}, outage ${String(i + 1)}`).to.be.oneOf([
          '',
          'warn while Redis was away, info while Redis was back',
        ]);
      }
    }
    const text = JSON.stringify(logger.lines);
    expect(text).not.to.include(String(port));
    expect(text).not.to.match(/ECONNREFUSED|127\.0\.0\.1|Connection is closed|MaxRetries/);
  }

  for (const mode of ['degrade', 'fail'] as const)
    for (const kind of ['recommended', 'default'] as const) {
      const label =
        kind === 'recommended' ? 'a client built as the README says' : 'a default client (offline queue on)';
      it(`${mode}, ${label}: killed twice and restarted on its port`, async () => {
        await run(mode, kind, 'kill');
      });
      it(`${mode}, ${label}: frozen (SIGSTOP) then thawed (SIGCONT)`, async () => {
        await run(mode, kind, 'freeze');
      });
    }
});

/** A client whose every command waits until `answer()` is called, then resolves with what `reply` says. */
function heldClient(reply: (command: string, args: unknown[]) => unknown): {
  client: Redis;
  sent: string[];
  answer: () => void;
} {
  const held: (() => void)[] = [];
  const sent: string[] = [];
  const command =
    (name: string) =>
    (...args: unknown[]): Promise<unknown> => {
      sent.push(name);
      return new Promise((resolve) =>
        held.push(() => {
          resolve(reply(name, args));
        }),
      );
    };
  const client = { get: command('get'), set: command('set'), del: command('del'), evalsha: command('evalsha') };
  return {
    client: client as unknown as Redis,
    sent,
    answer: () => {
      for (const release of held.splice(0)) release();
    },
  };
}

describe('Redis pieces while Redis is away (no server needed)', () => {
  it("the token cache ('degrade') serves this process's last token, locks alone, and logs the outage once", async () => {
    const { client, sent, answer } = heldClient(() => null);
    const logger = recordingLogger();
    const cache = new RedisTokenCache(client, {
      namespace: 'n',
      commandTimeoutMs: 50,
      retryRedisAfterMs: 60_000,
      encryptionKey: randomBytes(32),
      logger,
    });
    const token = { token: Sensitive.of('token-one'), renewAt: new Date(Date.now() + 60_000) };
    const started = performance.now();
    await cache.set('k', token);
    expect((await cache.get('k'))?.token.reveal(), 'the local copy').to.equal('token-one');
    const release = await cache.lockRefresh('k', 1_000);
    expect(release, "a lock of this process's own").to.be.a('function');
    await cache.invalidate('k', Sensitive.of('token-one'));
    expect(await cache.get('k'), 'invalidated here too').to.equal(undefined);
    expect(performance.now() - started, 'one command timeout, then no waiting').to.be.below(500);
    expect(sent, 'Redis asked once, then left alone until retryRedisAfterMs').to.deep.equal(['set']);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.['piece'])).to.deep.equal([
      'token cache',
    ]);
    answer();
  });

  it("the token cache ('fail') refuses at once while Redis is known away, with reason 'unavailable'", async () => {
    const { client, answer } = heldClient(() => null);
    const cache = new RedisTokenCache(client, {
      namespace: 'n',
      commandTimeoutMs: 50,
      retryRedisAfterMs: 60_000,
      onRedisUnavailable: 'fail',
    });
    const first = await cache.get('k').catch((e: unknown) => e);
    const started = performance.now();
    const second = await cache.get('k').catch((e: unknown) => e);
    expect(performance.now() - started).to.be.below(20);
    expect(first).to.be.instanceOf(RedisUnavailableError).with.property('reason', 'timeout');
    expect(second).to.be.instanceOf(RedisUnavailableError).with.property('reason', 'unavailable');
    answer();
  });

  it('a webhook claim cut off by the timeout and granted later is released, so the redelivery is not a duplicate', async () => {
    let claimed = false;
    const { client, sent, answer } = heldClient((name) => {
      if (name !== 'evalsha') return null;
      if (!claimed) {
        claimed = true;
        return 'claimed';
      }
      return 1;
    });
    const record = new RedisWebhookDeliveryRecord(client, { namespace: 'n', commandTimeoutMs: 50 });
    const error = await record.claim('evt', 60_000).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RedisUnavailableError).with.property('reason', 'timeout');
    expect(sent).to.deep.equal(['evalsha']);
    answer();
    await pause(20);
    expect(sent, 'the late claim is given back').to.deep.equal(['evalsha', 'evalsha']);
    answer();
  });
});
