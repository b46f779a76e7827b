import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { call, ManualClock, tokenFor } from './support.js';

const TOO_MANY = { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Too many requests' };

describe('emulator: rate limits', () => {
  let emulator: PaxosEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('is off by default', async () => {
    emulator = await startPaxosEmulator();
    const token = await tokenFor(emulator);
    await tokenFor(emulator);
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => call(emulator!, 'GET', '/identity/identities/x', { token })),
    );
    expect(statuses.map((r) => r.status)).to.deep.equal(Array(30).fill(404));
  });

  it('throttles an IP that goes over the identity budget: every request gets 429 until the throttle ends', async () => {
    const clock = new ManualClock();
    emulator = await startPaxosEmulator({
      clock,
      rateLimit: { identityPerSecond: 2, tokenPerSecond: 1, windowMs: 1000, throttleMs: 10_000 },
    });
    const token = await tokenFor(emulator);
    const get = () => call(emulator!, 'GET', '/identity/identities/x', { token });
    expect((await get()).status).to.equal(404);
    expect((await get()).status).to.equal(404);
    const over = await get();
    expect(over.status).to.equal(429);
    expect(over.body).to.deep.equal(TOO_MANY);
    expect(over.headers.get('retry-after')).to.equal(null);
    clock.advance(5000);
    expect((await get()).status, 'still throttled after the window').to.equal(429);
    const tokenResponse = await fetch(emulator.tokenUrl, { method: 'POST' });
    expect(tokenResponse.status, 'the whole IP is throttled').to.equal(429);
    clock.advance(5000);
    expect((await get()).status).to.equal(404);
  });

  it('averages over the window: requests spread out stay within the budget', async () => {
    const clock = new ManualClock();
    emulator = await startPaxosEmulator({ clock, rateLimit: { identityPerSecond: 2, windowMs: 1000 } });
    const token = await tokenFor(emulator);
    for (let i = 0; i < 6; i++) {
      expect((await call(emulator, 'GET', '/identity/identities/x', { token })).status).to.equal(404);
      clock.advance(500);
    }
  });

  it("'paxos' allows 1 token request per second over five minutes: the 301st in a burst is refused", async () => {
    const clock = new ManualClock();
    emulator = await startPaxosEmulator({ clock, rateLimit: 'paxos' });
    const form = () =>
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator!.clientId,
        client_secret: emulator!.clientSecret,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 301; i++)
      statuses.push((await fetch(emulator.tokenUrl, { method: 'POST', body: form() })).status);
    expect(statuses.slice(0, 300).every((s) => s === 200)).to.equal(true);
    expect(statuses[300]).to.equal(429);
    clock.advance(5 * 60_000);
    expect((await fetch(emulator.tokenUrl, { method: 'POST', body: form() })).status).to.equal(200);
  });

  it('announces Retry-After when configured', async () => {
    const clock = new ManualClock();
    emulator = await startPaxosEmulator({
      clock,
      rateLimit: { tokenPerSecond: 1, windowMs: 1000, retryAfterSeconds: 300 },
    });
    await tokenFor(emulator);
    const refused = await fetch(emulator.tokenUrl, { method: 'POST' });
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('300');
    await refused.body?.cancel();
  });
});
