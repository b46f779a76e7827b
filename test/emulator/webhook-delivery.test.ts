import { Ajv } from 'ajv';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createIdentityService, createWebhookHandler, type IdentityService, type PaxosEvent } from '../../src/index.js';
import { parseDateTime } from '../../src/domain/index.js';
import {
  PAXOS_WEBHOOK_RETRY,
  startPaxosEmulator,
  webhookRetryDelay,
  type PaxosEmulator,
  type PaxosEmulatorOptions,
} from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { call, tokenFor } from './support.js';
import { paxosOptionsFor } from '../support/paxos.js';

/** One request the test endpoint received. */
interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the endpoint does with a request: answer it (and may destroy the socket itself). */
type Behaviour = (request: Received, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

/** A webhook endpoint on 127.0.0.1:0 that records every request and answers as `behaviour` says. */
class Endpoint {
  readonly received: Received[] = [];
  readonly #server: Server;
  #port = 0;

  constructor(private readonly behaviour: Behaviour) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(request);
        Promise.resolve(this.behaviour(request, res, req)).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/webhooks/paxos'): string {
    return `http://127.0.0.1:${String(this.#port)}${path}`;
  }

  posts(path = '/webhooks/paxos'): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

function serviceOf(emulator: PaxosEmulator): IdentityService {
  return createIdentityService({
    adapter: 'paxos',
    paxos: paxosOptionsFor(emulator),
  });
}

const APPROVE = { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' } as const;

/** The reduced payload of identity-api.md §8.3, as a JSON schema: exactly these six fields. */
const NOTIFICATION_SCHEMA = {
  type: 'object',
  required: ['id', 'type', 'source', 'time', 'object'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', pattern: '^identity\\.' },
    source: { const: 'com.paxos' },
    time: { type: 'string', format: 'date-time' },
    object: { const: 'event' },
    is_test: { type: 'boolean' },
  },
};

describe('emulator webhook delivery (identity-api.md §8.3)', () => {
  const cleanups: (() => Promise<void>)[] = [];

  async function endpoint(behaviour: Behaviour): Promise<Endpoint> {
    const e = await new Endpoint(behaviour).listen();
    cleanups.push(() => e.close());
    return e;
  }

  async function emulatorWith(options: PaxosEmulatorOptions): Promise<PaxosEmulator> {
    const emulator = await startPaxosEmulator(options);
    cleanups.push(() => emulator.close());
    return emulator;
  }

  /** The library's handler behind `endpoint`, counting how often its side effect ran per event id. */
  function libraryHandler(emulator: PaxosEmulator): {
    readonly effects: Map<string, number>;
    /** Runs the handler without answering. */
    readonly handle: (body: string) => Promise<unknown>;
    readonly serve: (request: Received, res: ServerResponse) => Promise<void>;
  } {
    const effects = new Map<string, number>();
    const onWebhook = createWebhookHandler(serviceOf(emulator), {
      onEvent: (event: PaxosEvent) => {
        effects.set(event.id, (effects.get(event.id) ?? 0) + 1);
      },
    });
    return {
      effects,
      handle: (body) => onWebhook(body),
      serve: async (request, res) => {
        try {
          await onWebhook(request.body);
          res.writeHead(204).end();
        } catch {
          res.writeHead(500).end();
        }
      },
    };
  }

  afterEach(async () => {
    // Emulators first, so that no delivery is in flight when an endpoint goes away.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('§8.3 every event of a scenario reaches the library handler exactly once despite 500s, a timeout and dropped connections', async () => {
    // The handler needs the emulator, which needs the endpoint's URL.
    const ref: { handler?: ReturnType<typeof libraryHandler> } = {};
    let deliveries = 0;
    const hook = await endpoint(async (request, res, req) => {
      deliveries += 1;
      if (request.headers['x-paxos-key'] !== 'k-123') return void res.writeHead(401).end();
      // The first three deliveries fail outright, the fourth is dropped before the handler runs.
      if (deliveries <= 3) return void res.writeHead(500).end();
      if (deliveries === 4) return void req.socket.destroy();
      // The fifth gets no answer: the emulator gives up on it after its timeout.
      if (deliveries === 5) return;
      // The sixth is handled, then its connection drops before the answer: the redelivery is a duplicate.
      if (deliveries === 6) {
        await ref.handler?.handle(request.body);
        return void req.socket.destroy();
      }
      await ref.handler?.serve(request, res);
    });
    const emulator = await emulatorWith({
      // The scenario makes every status move itself: no auto-approval comes in between.
      approval: 'manual',
      webhooks: [
        { url: hook.url(), auth: { type: 'api_key', header: 'X-Paxos-Key', value: 'k-123' }, ratePerSecond: 100 },
      ],
      webhookDelivery: { timeScale: 1 / 1000, timeoutMs: 1000 },
    });
    const handler = (ref.handler = libraryHandler(emulator));
    const service = serviceOf(emulator);

    const person = await service.createIdentity(aPerson().build());
    await service.setSandboxStatus(person.id, APPROVE); // identity.approved
    await service.setSandboxStatus(person.id, { userDisabled: true }); // identity.disabled
    emulator.requireDocuments(person.id, ['PROOF_OF_RESIDENCY']); // identity.documents_required
    emulator.recordEvent('identity.kyc_refresh.started', { identityId: person.id });
    const denied = await service.createIdentity(aPerson().build());
    await service.setSandboxStatus(denied.id, { idVerification: 'APPROVED', sanctionsVerification: 'DENIED' });
    await emulator.webhooks.settled();

    const events: PaxosEvent[] = [];
    for await (const event of service.listEvents({})) events.push(event);
    expect(events.map((e) => e.type)).to.deep.equal([
      'identity.approved',
      'identity.disabled',
      'identity.documents_required',
      'identity.kyc_refresh.started',
      'identity.denied',
    ]);
    expect([...handler.effects.keys()].sort()).to.deep.equal(events.map((e) => e.id).sort());
    expect([...handler.effects.values()]).to.deep.equal([1, 1, 1, 1, 1]);
    const attempts = emulator.webhooks.attempts;
    expect(attempts.filter((a) => a.status === 500)).to.have.length(3);
    expect(attempts.filter((a) => a.error === 'connection')).to.have.length(2);
    expect(attempts.filter((a) => a.error === 'timeout')).to.have.length(1);
    expect(attempts.filter((a) => a.delivered)).to.have.length(5);
    expect(emulator.webhooks.undelivered()).to.deep.equal([]);
  });

  it('§8.3 the notification is the reduced payload {id, type, source, time, object, is_test} of the recorded event', async () => {
    const hook = await endpoint((_request, res) => void res.writeHead(200).end('ok'));
    const emulator = await emulatorWith({
      webhooks: [{ url: hook.url(), auth: { type: 'api_key', header: 'x-key', value: 'v' } }],
    });
    const service = serviceOf(emulator);
    const person = await service.createIdentity(aPerson().build());
    await service.setSandboxStatus(person.id, APPROVE);
    await emulator.webhooks.settled();

    const [post] = hook.posts();
    expect(post?.headers['content-type']).to.equal('application/json');
    const ajv = new Ajv({ strict: true });
    ajv.addFormat('date-time', { type: 'string', validate: (t: string) => parseDateTime(t) !== undefined });
    const body: unknown = JSON.parse(post?.body ?? 'null');
    const validate = ajv.compile(NOTIFICATION_SCHEMA);
    expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
    const [event] = await service.listEventsPage({}).then((p) => p.items);
    expect(body).to.deep.equal({
      id: event?.id,
      type: 'identity.approved',
      source: 'com.paxos',
      time: event?.createdAt,
      object: 'event',
      is_test: false,
    });
  });

  it('§8.3 API key: a wrong key meets 401, is redelivered on the schedule and ends up in undelivered_webhooks', async () => {
    const hook = await endpoint((request, res) => {
      res.writeHead(request.headers['x-webhook-key'] === 'right-key' ? 204 : 401).end();
    });
    const emulator = await emulatorWith({
      webhooks: [
        { name: 'good', url: hook.url(), auth: { type: 'api_key', header: 'X-Webhook-Key', value: 'right-key' } },
        {
          name: 'bad',
          url: hook.url(),
          auth: { type: 'api_key', header: 'X-Webhook-Key', value: 'wrong-key' },
          ratePerSecond: 100,
        },
      ],
      // 24 h in 1.7 s; the longest gap (1 h) becomes 72 ms.
      webhookDelivery: { timeScale: 1 / 50_000 },
    });
    const event = emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    const started = Date.now();
    await emulator.webhooks.settled();
    const elapsed = Date.now() - started;

    const attempts = emulator.webhooks.attempts;
    const good = attempts.filter((a) => a.webhook === 'good');
    const bad = attempts.filter((a) => a.webhook === 'bad');
    expect(good.map((a) => a.status)).to.deep.equal([204]);
    expect(bad.length).to.be.greaterThan(15);
    expect(new Set(bad.map((a) => a.status))).to.deep.equal(new Set([401]));
    expect(bad.map((a) => a.attempt)).to.deep.equal(bad.map((_a, i) => i + 1));
    // The schedule runs its (scaled) 24 hours and stops.
    expect(elapsed).to.be.within(86_400_000 / 50_000 - 100, 86_400_000 / 50_000 + 1500);
    expect(emulator.webhooks.undelivered(event.id)).to.deep.equal([
      {
        webhook: 'bad',
        eventId: event.id,
        eventType: 'identity.kyc_refresh.started',
        state: 'gave_up',
        attempts: bad.length,
        lastStatus: 401,
      },
    ]);
    const token = await tokenFor(emulator, 'events:read_event');
    const wire = await call(emulator, 'GET', `/events/${event.id}`, { token });
    expect(wire.body).to.include({ id: event.id, undelivered_webhooks: 1 });
    const seen = new Set(hook.received.map((r) => r.headers['x-webhook-key']));
    expect(seen).to.deep.equal(new Set(['right-key', 'wrong-key']));
  });

  it('§8.3 OAuth2: client_credentials with Basic and form credentials, one token cached until expiry, a refused token fetched again', async () => {
    const issued: string[] = [];
    let refuseFirstToken = true;
    let expiresIn = 3600;
    const tokenRequests: { basic: string; form: URLSearchParams }[] = [];
    const ref: { handler?: ReturnType<typeof libraryHandler> } = {};
    const hook = await endpoint(async (request, res) => {
      if (request.path === '/oauth/token') {
        const form = new URLSearchParams(request.body);
        const basic = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        tokenRequests.push({ basic, form });
        const valid =
          form.get('grant_type') === 'client_credentials' &&
          basic === `${form.get('client_id') ?? ''}:${form.get('client_secret') ?? ''}` &&
          form.get('client_secret') === 's3cret';
        if (!valid)
          return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        const token = randomBytes(12).toString('hex');
        issued.push(token);
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: expiresIn }));
      }
      const bearer = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!issued.includes(bearer)) return void res.writeHead(401).end();
      if (refuseFirstToken && bearer === issued[0]) {
        refuseFirstToken = false;
        return void res.writeHead(401).end();
      }
      await ref.handler?.serve(request, res);
    });
    const emulator = await emulatorWith({
      webhooks: [
        {
          url: hook.url(),
          auth: {
            type: 'oauth2',
            clientUrl: hook.url('/oauth/token'),
            clientId: 'hook-client',
            clientSecret: 's3cret',
          },
          ratePerSecond: 100,
        },
      ],
      webhookDelivery: { timeScale: 1 / 1000 },
    });
    const handler = (ref.handler = libraryHandler(emulator));

    const first = emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    // The first token was refused by the endpoint: dropped, and a second one fetched for the redelivery.
    expect(issued).to.have.length(2);
    const more = [1, 2, 3].map(() =>
      emulator.recordEvent('identity.kyc_refresh.completed', { identityId: 'a-person' }),
    );
    await emulator.webhooks.settled();
    expect(issued, 'the token is cached').to.have.length(2);
    expect(tokenRequests[0]?.basic).to.equal('hook-client:s3cret');
    expect(tokenRequests[0]?.form.get('grant_type')).to.equal('client_credentials');
    expect(tokenRequests[0]?.form.get('client_id')).to.equal('hook-client');
    expect([...handler.effects.keys()].sort()).to.deep.equal([first, ...more].map((e) => e.id).sort());
    expect([...handler.effects.values()]).to.deep.equal([1, 1, 1, 1]);

    // A token that expires (1 s, renewed 10 % early) is fetched again for the next delivery.
    expiresIn = 1;
    emulator.webhooks.add({
      name: 'short-lived',
      url: hook.url(),
      auth: { type: 'oauth2', clientUrl: hook.url('/oauth/token'), clientId: 'hook-client', clientSecret: 's3cret' },
    });
    emulator.recordEvent('identity.kyc_refresh.expired', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    expect(issued).to.have.length(3);
    await new Promise((resolve) => setTimeout(resolve, 950));
    emulator.recordEvent('identity.kyc_refresh.expired', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    // The first webhook still holds its hour-long token; the short-lived one needed a new one.
    expect(issued).to.have.length(4);

    const shown = [inspect(emulator.webhooks, { depth: 5 }), JSON.stringify(emulator.webhooks.list())].join('\n');
    expect(shown).to.not.include('s3cret');
    for (const token of issued) expect(shown).to.not.include(token);
  });

  it('§8.3 OAuth2: a wrong client secret gets no token, so nothing is POSTed and the event ends undelivered', async () => {
    const hook = await endpoint((request, res) => {
      if (request.path === '/oauth/token') {
        const form = new URLSearchParams(request.body);
        if (form.get('client_secret') === 'right') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('{"access_token":"t","token_type":"Bearer","expires_in":3600}');
        }
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      }
      res.writeHead(204).end();
    });
    const emulator = await emulatorWith({
      webhooks: [
        {
          name: 'misconfigured',
          url: hook.url(),
          auth: { type: 'oauth2', clientUrl: hook.url('/oauth/token'), clientId: 'c', clientSecret: 'wrong' },
          ratePerSecond: 100,
        },
      ],
      webhookDelivery: { timeScale: 1 / 50_000 },
    });
    const event = emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    expect(hook.posts()).to.deep.equal([]);
    const attempts = emulator.webhooks.attempts;
    expect(attempts.length).to.be.greaterThan(15);
    expect(new Set(attempts.map((a) => a.error))).to.deep.equal(new Set(['token']));
    expect(hook.posts('/oauth/token')).to.have.length(attempts.length);
    expect(emulator.webhooks.undelivered(event.id)).to.deep.equal([
      {
        webhook: 'misconfigured',
        eventId: event.id,
        eventType: event.type,
        state: 'gave_up',
        attempts: attempts.length,
        lastError: 'token',
      },
    ]);
    const token = await tokenFor(emulator, 'events:read_event');
    expect((await call(emulator, 'GET', `/events/${event.id}`, { token })).body.undelivered_webhooks).to.equal(1);
  });

  it('§8.3 delivery rate: each webhook starts at most ratePerSecond deliveries a second (default 10)', async () => {
    const hook = await endpoint((_request, res) => void res.writeHead(204).end());
    const emulator = await emulatorWith({
      webhooks: [
        { name: 'paced', url: hook.url(), auth: { type: 'api_key', header: 'x-k', value: 'v' }, ratePerSecond: 20 },
        { name: 'default', url: hook.url(), auth: { type: 'api_key', header: 'x-k', value: 'v' } },
      ],
    });
    expect(emulator.webhooks.list().map((w) => [w.name, w.ratePerSecond])).to.deep.equal([
      ['paced', 20],
      ['default', 10],
    ]);
    for (let i = 0; i < 6; i++) emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    for (const [name, interval] of [
      ['paced', 50],
      ['default', 100],
    ] as const) {
      const starts = emulator.webhooks.attempts.filter((a) => a.webhook === name).map((a) => Date.parse(a.startedAt));
      expect(starts).to.have.length(6);
      const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? at));
      // Milliseconds of the wall clock, read after a monotonic timer: one of slack.
      for (const gap of gaps) expect(gap, `${name}: ${gaps.join(', ')}`).to.be.at.least(interval - 2);
    }
  });

  it('§8.3 the retry schedule: about 5 s first, doubling with up to 20 % jitter, capped, stopping after 24 h', () => {
    const table: [failures: number, elapsedMs: number, random: number, expected: number | undefined][] = [
      [1, 0, 0, 5000],
      [1, 0, 0.5, 5500],
      [2, 5000, 0, 10_000],
      [3, 15_000, 0, 20_000],
      [10, 3_000_000, 0, 2_560_000],
      [11, 6_000_000, 0, 3_600_000],
      [30, 6_000_000, 0.999, 3_600_000 * 1.1998],
      [30, 86_400_000 - 3_600_000, 0, 3_600_000],
      [30, 86_400_000 - 3_599_999, 0, undefined],
    ];
    for (const [failures, elapsed, random, expected] of table) {
      const delay = webhookRetryDelay(failures, elapsed, random);
      if (expected === undefined) expect(delay, `${String(failures)} failures`).to.equal(undefined);
      else expect(delay, `${String(failures)} failures`).to.be.closeTo(expected, 1);
    }
    expect(PAXOS_WEBHOOK_RETRY).to.include({ firstDelayMs: 5000, giveUpAfterMs: 86_400_000 });
  });

  it('§8.3 close() aborts the delivery in flight and cancels the retries due', async () => {
    let closedByEmulator = false;
    const hook = await endpoint((request, res, req) => {
      if (request.path === '/hang') {
        req.socket.on('close', () => {
          closedByEmulator = true;
        });
        return; // never answers
      }
      res.writeHead(503).end();
    });
    const emulator = await startPaxosEmulator({
      webhooks: [
        { name: 'hangs', url: hook.url('/hang'), auth: { type: 'api_key', header: 'x-k', value: 'v' } },
        { name: 'fails', url: hook.url(), auth: { type: 'api_key', header: 'x-k', value: 'v' } },
      ],
      // The first retry would come 50 ms after the 503.
      webhookDelivery: { retrySchedule: { firstDelayMs: 50, jitter: 0 } },
    });
    cleanups.push(() => emulator.close());
    emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    while (hook.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).to.be.below(500);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(closedByEmulator).to.equal(true);
    expect(hook.received.map((r) => r.path).sort()).to.deep.equal(['/hang', '/webhooks/paxos']);
    await emulator.webhooks.settled();
  });

  it('§8.3 webhooks added at runtime get the events recorded from then on; removed ones get nothing more', async () => {
    const hook = await endpoint((_request, res) => void res.writeHead(204).end());
    const emulator = await emulatorWith({});
    const before = emulator.recordEvent('identity.kyc_refresh.started', { identityId: 'a-person' });
    const info = emulator.webhooks.add({
      url: hook.url(),
      auth: { type: 'api_key', header: 'x-k', value: 'secret-v' },
    });
    expect(info).to.deep.equal({
      name: 'webhook-1',
      url: hook.url(),
      authType: 'api_key',
      ratePerSecond: 10,
      clientId: emulator.clientId,
    });
    const after = emulator.recordEvent('identity.kyc_refresh.completed', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    expect(hook.posts().map((p) => (JSON.parse(p.body) as { id: string }).id)).to.deep.equal([after.id]);
    expect(before.id).to.not.equal(after.id);
    expect(emulator.webhooks.remove('webhook-1')).to.equal(true);
    emulator.recordEvent('identity.kyc_refresh.expired', { identityId: 'a-person' });
    await emulator.webhooks.settled();
    expect(hook.posts()).to.have.length(1);
    expect(() =>
      emulator.webhooks.add({ url: 'ftp://x', auth: { type: 'api_key', header: 'x', value: 'v' } }),
    ).to.throw(RangeError);
    expect(() =>
      emulator.webhooks.add({
        url: hook.url(),
        auth: { type: 'api_key', header: 'x', value: 'v' },
        ratePerSecond: 101,
      }),
    ).to.throw(RangeError);
    for (let i = 0; i < 10; i++)
      emulator.webhooks.add({ url: hook.url(), auth: { type: 'api_key', header: 'x', value: 'v' } });
    expect(() =>
      emulator.webhooks.add({ url: hook.url(), auth: { type: 'api_key', header: 'x', value: 'v' } }),
    ).to.throw(RangeError, /at most 10/);
  });
});
