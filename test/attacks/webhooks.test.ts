import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPaxosEmulator, type PaxosEmulator, type PaxosEmulatorOptions } from '../../src/testing.js';
import { createIdentityService, type IdentityService } from '../../src/index.js';
import { aPerson, uniqueSsn } from '../support/builders.js';

/** A hostile endpoint on 127.0.0.1:0: counts requests and keeps the sockets it never answers, to close them. */
class Hostile {
  readonly bodies: string[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  closedByPeer = 0;
  readonly #server: Server;
  port = 0;

  constructor(behaviour: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.bodies.push(Buffer.concat(chunks).toString('utf8'));
        this.headers.push(req.headers);
        res.on('close', () => {
          if (!res.writableFinished) this.closedByPeer++;
        });
        behaviour(req, res);
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${String(this.port)}${path}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }
}

/** Creates a person and reads it back, which makes the emulator approve it and record `identity.approved`. */
async function approvedEvent(service: IdentityService): Promise<void> {
  const identity = await service.createIdentity(aPerson().build());
  await service.getIdentity(identity.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KEY = 'k3y-Th4t-Must-Never-Travel';

describe('attacks: emulator webhook delivery to hostile endpoints', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function hostile(behaviour: (req: IncomingMessage, res: ServerResponse) => void): Promise<Hostile> {
    const h = await new Hostile(behaviour).listen();
    cleanups.push(() => h.close());
    return h;
  }

  async function emulatorWith(
    options: PaxosEmulatorOptions,
  ): Promise<{ emulator: PaxosEmulator; service: IdentityService }> {
    const emulator = await startPaxosEmulator(options);
    cleanups.push(() => emulator.close());
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: {
        environment: 'sandbox',
        baseUrl: emulator.baseUrl,
        tokenUrl: emulator.tokenUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
      },
    });
    return { emulator, service };
  }

  it('an endpoint that never answers: attempts time out, are retried, and close() ends them at once', async () => {
    const hang = await hostile(() => undefined);
    const { emulator, service } = await emulatorWith({
      webhooks: [{ url: hang.url(), auth: { type: 'api_key', header: 'X-Api-Key', value: KEY } }],
      webhookDelivery: { timeoutMs: 100, retrySchedule: { firstDelayMs: 50 } },
    });
    await approvedEvent(service);
    await sleep(600);
    expect(emulator.webhooks.attempts.some((a) => a.error === 'timeout')).to.equal(true);
    expect(hang.bodies.length).to.be.greaterThan(1);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).to.be.lessThan(1000);
    const after = hang.bodies.length;
    await sleep(300);
    expect(hang.bodies.length, 'a POST after close()').to.equal(after);
  });

  it('close() with deliveries in flight to a slow endpoint aborts them: settled() resolves and no timer fires later', async () => {
    const slow = await hostile((_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(204).end();
      }, 5000);
    });
    const { emulator, service } = await emulatorWith({
      webhooks: [{ url: slow.url(), auth: { type: 'api_key', header: 'X-Api-Key', value: KEY }, ratePerSecond: 100 }],
    });
    for (let i = 0; i < 5; i++) await approvedEvent(service);
    await sleep(200);
    expect(slow.bodies.length).to.be.greaterThan(0);
    const settled = emulator.webhooks.settled();
    const started = performance.now();
    await emulator.close();
    await settled;
    expect(performance.now() - started).to.be.lessThan(1000);
    await sleep(100);
    expect(slow.closedByPeer).to.equal(slow.bodies.length);
  });

  it('a 307 redirect is not followed: the target never sees the key, the event stays undelivered', async () => {
    const target = await hostile((_req, res) => res.writeHead(204).end());
    const redirector = await hostile((_req, res) => res.writeHead(307, { location: target.url('/steal') }).end());
    const { emulator, service } = await emulatorWith({
      webhooks: [{ url: redirector.url(), auth: { type: 'api_key', header: 'X-Api-Key', value: KEY } }],
      webhookDelivery: { timeScale: 1 / 100_000 },
    });
    await approvedEvent(service);
    await sleep(300);
    expect(redirector.bodies.length).to.be.greaterThan(0);
    expect(target.bodies).to.have.length(0);
    const undelivered = emulator.webhooks.undelivered();
    expect(undelivered.length).to.be.greaterThan(0);
    expect(undelivered[0]!.lastStatus).to.equal(307);
  });

  it('a 200 whose body never ends does not pin the emulator: close() still returns at once', async () => {
    const endless = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => {
        if (res.destroyed) clearInterval(timer);
        else res.write('x'.repeat(64 * 1024));
      }, 1);
      res.on('close', () => {
        clearInterval(timer);
      });
    });
    const { emulator, service } = await emulatorWith({
      webhooks: [{ url: endless.url(), auth: { type: 'api_key', header: 'X-Api-Key', value: KEY } }],
      webhookDelivery: { timeoutMs: 300 },
    });
    await approvedEvent(service);
    await sleep(500);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).to.be.lessThan(1000);
  });

  it('an OAuth2 token endpoint that hangs is a token failure, and close() ends it', async () => {
    const tokenHang = await hostile(() => undefined);
    const hook = await hostile((_req, res) => res.writeHead(204).end());
    const { emulator, service } = await emulatorWith({
      webhooks: [
        {
          url: hook.url(),
          auth: { type: 'oauth2', clientUrl: tokenHang.url('/token'), clientId: 'c', clientSecret: 'shh-secret' },
        },
      ],
      webhookDelivery: { timeoutMs: 100 },
    });
    await approvedEvent(service);
    await sleep(400);
    expect(hook.bodies).to.have.length(0);
    expect(emulator.webhooks.attempts.some((a) => a.error === 'token' || a.error === 'timeout')).to.equal(true);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).to.be.lessThan(1000);
  });

  it('the notification carries no personal data, and list()/attempts never show the key', async () => {
    const ok = await hostile((_req, res) => res.writeHead(204).end());
    const { emulator, service } = await emulatorWith({
      webhooks: [{ url: ok.url(), auth: { type: 'api_key', header: 'X-Api-Key', value: KEY } }],
    });
    const ssn = uniqueSsn();
    const identity = await service.createIdentity(aPerson().with({ cipId: ssn, dateOfBirth: '1971-07-09' }).build());
    await service.waitForStatus(identity.id, ['APPROVED'], { timeoutMs: 5000, pollIntervalMs: 100 });
    await emulator.webhooks.settled();
    expect(ok.bodies.length).to.be.greaterThan(0);
    const all = ok.bodies.join('\n');
    expect(all).not.to.include(ssn).and.not.include('1971-07-09').and.not.include('John');
    const shown = JSON.stringify([
      emulator.webhooks.list(),
      emulator.webhooks.attempts,
      emulator.webhooks.undelivered(),
    ]);
    expect(shown).not.to.include(KEY);
  });
});
