import { expect } from 'chai';
import { request } from 'node:http';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { call, seedBody, tokenFor, identityCalls } from './support.js';

describe('emulator: fault injection', () => {
  let emulator: PaxosEmulator;
  let token: string;

  beforeEach(async () => {
    emulator = await startPaxosEmulator();
    token = await tokenFor(emulator);
    emulator.clearRequestLog();
  });

  afterEach(async () => {
    await emulator.close();
  });

  const { create } = identityCalls(() => ({ emulator, token }));

  it('fails the next N matching requests with a status and Retry-After, without processing them', async () => {
    const fault = emulator.faults.inject({ kind: 'status', status: 503, retryAfter: 2 }, { times: 2 });
    const body = seedBody();
    const first = await create(body);
    const second = await create(body);
    expect(first.status).to.equal(503);
    expect(first.headers.get('retry-after')).to.equal('2');
    expect(first.body).to.deep.equal({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Service Unavailable',
    });
    expect(second.status).to.equal(503);
    expect(fault.remaining).to.equal(0);
    expect(fault.hits).to.equal(2);
    const third = await create(body);
    expect(third.status, 'nothing was created by the failed attempts').to.equal(200);
  });

  it("sends Paxos's own bodies for 429 and 500, and no Retry-After unless asked", async () => {
    emulator.faults.inject({ kind: 'status', status: 429 });
    emulator.faults.inject({ kind: 'status', status: 500 });
    const throttled = await create(seedBody());
    expect(throttled.body).to.deep.equal({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too many requests',
    });
    expect(throttled.headers.get('retry-after')).to.equal(null);
    const broken = await create(seedBody());
    expect(broken.body).to.deep.equal({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
  });

  it('matches by method and path template, and leaves the token route alone by default', async () => {
    emulator.faults.inject(
      { kind: 'status', status: 502 },
      { match: { method: 'GET', path: '/v2/identity/identities/{id}' } },
    );
    const created = await create(seedBody());
    expect(created.status).to.equal(200);
    await tokenFor(emulator);
    const got = await call(emulator, 'GET', `/identity/identities/${created.body.id}`, { token });
    expect(got.status).to.equal(502);
    expect(emulator.faults.pending).to.have.length(0);
  });

  it('breaks the token route when it is targeted', async () => {
    emulator.faults.inject({ kind: 'status', status: 503 }, { match: { path: '/oauth2/token' } });
    let failure: unknown;
    try {
      await tokenFor(emulator);
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.include('503');
  });

  it('drops the connection before processing: nothing is created', async () => {
    emulator.faults.inject({ kind: 'drop', when: 'before-processing' });
    const body = seedBody();
    let failure: unknown;
    try {
      await create(body);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(TypeError);
    const retry = await create(body);
    expect(retry.status).to.equal(200);
    expect(emulator.requests[0]).to.deep.equal({
      method: 'POST',
      path: '/v2/identity/identities',
      route: '/v2/identity/identities',
      fault: 'drop',
    });
  });

  it('drops the connection after processing: the identity exists and a retry meets it as a 409 (the lost response)', async () => {
    emulator.faults.inject({ kind: 'drop', when: 'after-processing' }, { match: { method: 'POST' } });
    const body = seedBody();
    let failure: unknown;
    try {
      await create(body);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(TypeError);
    const retry = await create(body);
    expect(retry.status).to.equal(409);
    expect(retry.body.detail).to.equal('duplicate ref_id provided');
    const existing = await call(emulator, 'GET', `/identity/identities/${retry.body.meta.existing.id}`, { token });
    expect(existing.body.ref_id).to.equal(body.ref_id);
  });

  it('stalls the body after the headers until the client gives up', async () => {
    emulator.faults.inject({ kind: 'stall-body' });
    const controller = new AbortController();
    const response = await fetch(`${emulator.baseUrl}/identity/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(seedBody()),
      signal: controller.signal,
    });
    expect(response.status, 'the headers arrive').to.equal(200);
    const reading = response.text();
    controller.abort();
    let failure: unknown;
    try {
      await reading;
    } catch (error) {
      failure = error;
    }
    expect((failure as Error).name).to.equal('AbortError');
    expect(emulator.requests.at(-1)).to.include({ status: 200, fault: 'stall-body' });
  });

  it('closes even while a stalled response is open', async () => {
    emulator.faults.inject({ kind: 'stall-body' });
    const response = await fetch(`${emulator.baseUrl}/identity/identities/x`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const reading = response.text().then(
      () => 'ended',
      () => 'failed',
    );
    await emulator.close();
    expect(await reading).to.equal('failed');
  });

  it('truncates the JSON body: the response ends cleanly but does not parse', async () => {
    emulator.faults.inject({ kind: 'truncate-body' });
    const response = await fetch(`${emulator.baseUrl}/identity/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(seedBody()),
    });
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text.length).to.be.greaterThan(0);
    expect(() => JSON.parse(text)).to.throw(SyntaxError);
  });

  it('delays a request and then answers it normally', async () => {
    emulator.faults.inject({ kind: 'delay', ms: 20 });
    const response = await create(seedBody());
    expect(response.status).to.equal(200);
    expect(emulator.requests.at(-1)).to.include({ status: 200, fault: 'delay' });
  });

  it('closes without waiting for a long delay', async () => {
    emulator.faults.inject({ kind: 'delay', ms: 60_000 });
    const pending = new Promise<string>((resolve) => {
      const req = request(
        `${emulator.baseUrl}/identity/identities/x`,
        { headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.on('end', () => {
            resolve('answered');
          });
        },
      );
      req.on('error', () => {
        resolve('dropped');
      });
      req.end();
    });
    // The delay has started once the emulator has logged the request.
    while (emulator.requests.length === 0) await new Promise((r) => setImmediate(r));
    await emulator.close();
    expect(await pending).to.equal('dropped');
  });

  it('can be cancelled or cleared before it is used', async () => {
    const fault = emulator.faults.inject({ kind: 'status', status: 500 }, { times: 5 });
    fault.cancel();
    emulator.faults.inject({ kind: 'status', status: 500 });
    emulator.faults.clear();
    expect(emulator.faults.pending).to.have.length(0);
    expect((await create(seedBody())).status).to.equal(200);
  });

  it('refuses faults that cannot happen', () => {
    expect(() => emulator.faults.inject({ kind: 'status', status: 42 })).to.throw(RangeError);
    expect(() => emulator.faults.inject({ kind: 'delay', ms: -1 })).to.throw(RangeError);
    expect(() => emulator.faults.inject({ kind: 'stall-body' }, { times: 0 })).to.throw(RangeError);
  });
});
