import { expect } from 'chai';
import { connect } from 'node:net';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { createIdentityService, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { anInstitution, aPerson, seedCommand, uniqueSsn } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { fillPeople, startConsoleHarness } from './harness.js';
import { consoleCall } from './http.js';

/** Sends `head` as written, byte for byte, and resolves with whatever came back once the server closes. */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (out += chunk));
    socket.on('close', () => {
      resolve(out);
    });
    socket.on('error', () => {
      resolve(out);
    });
  });
}

/** Opens the live feed; resolves once its headers arrived. */
function openStream(base: string): Promise<{ req: ClientRequest; res: IncomingMessage; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = httpRequest(new URL('/console/api/stream', base), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      resolve({ req, res, text: () => text });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the emulator console under attack', () => {
  let emulator: PaxosEmulator;
  let service: IdentityService;
  let base: string;

  beforeEach(async () => {
    emulator = await startPaxosEmulator({ console: true, approval: 'manual' });
    service = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator) });
    base = emulator.consoleUrl ?? '';
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('refuses every Host but its own loopback names on its port (DNS rebinding), for reads and actions', async () => {
    const identity = await service.createIdentity(seedCommand());
    const port = emulator.port;
    const foreign = [
      'evil.com',
      `evil.com:${port}`,
      `localhost.evil.com:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost:${port}.evil.com`,
      `127.0.0.1:${port}@evil.com`,
    ];
    for (const host of foreign) {
      for (const path of ['/', '/console/api/identities', '/console/api/stream']) {
        const answer = await consoleCall(base, 'GET', path, undefined, { host });
        expect(answer.status, `GET ${path} Host ${host}`).to.equal(421);
        expect(answer.text, host).not.to.include(identity.id);
      }
      const approve = await consoleCall(base, 'POST', `/console/api/identities/${identity.id}/approve`, {}, { host });
      expect(approve.status, `POST Host ${host}`).to.equal(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect((await consoleCall(base, 'GET', '/console/api/identities', undefined, { host })).status, host).to.equal(
        200,
      );
    const hostless = await raw(port, 'GET /console/api/identities HTTP/1.0\r\n\r\n');
    expect(hostless).to.match(/^HTTP\/1\.1 421 /);
    expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('PENDING');
  });

  it('takes no action from another origin: a form post, a beacon, a no-cors JSON fetch, Origin null, a preflight', async () => {
    const identity = await service.createIdentity(seedCommand());
    const approve = `/console/api/identities/${identity.id}/approve`;
    const attempts: [string, string | object, Record<string, string>, number][] = [
      ['form text/plain', '{"x":"=1"}', { 'content-type': 'text/plain', origin: 'http://evil.example' }, 403],
      ['form urlencoded', 'a=1', { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' }, 403],
      ['beacon', '{}', { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://127.0.0.1:1' }, 403],
      ['json from a sandboxed frame', {}, { origin: 'null' }, 403],
      ['json from another port', {}, { origin: `http://localhost:${emulator.port + 1}` }, 403],
      ['json with a foreign origin', {}, { origin: 'http://evil.example' }, 403],
      ['text/plain without an origin', '{}', { 'content-type': 'text/plain' }, 415],
      ['multipart', '--x--', { 'content-type': 'multipart/form-data; boundary=x' }, 415],
    ];
    for (const [name, body, headers, status] of attempts) {
      const answer = await consoleCall(base, 'POST', approve, body, headers);
      expect(answer.status, name).to.equal(status);
    }
    const preflight = await consoleCall(base, 'OPTIONS', approve, undefined, {
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).to.be.at.least(400);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).to.deep.equal([]);
    const del = await consoleCall(base, 'DELETE', '/console/api/faults', undefined, { origin: 'http://evil.example' });
    expect(del.status).to.equal(403);
    expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('PENDING');
  });

  it('grants no other origin a read of its JSON or its live feed (no CORS header)', async () => {
    const origin = { origin: 'http://evil.example' };
    for (const path of ['/console/api/identities', '/console/api/events', '/']) {
      const answer = await consoleCall(base, 'GET', path, undefined, origin);
      expect(
        Object.keys(answer.headers).filter((h) => h.startsWith('access-control-')),
        path,
      ).to.deep.equal([]);
    }
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(new URL('/console/api/stream', base), { headers: origin }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(Object.keys(stream.headers).filter((h) => h.startsWith('access-control-'))).to.deep.equal([]);
    stream.destroy();
  });

  it('reveals only a personal field of the identity: not another path, a traversal or a prototype key', async () => {
    const ssn = uniqueSsn();
    const command = seedCommand();
    const identity = await service.createIdentity({ ...command, person: { ...command.person!, cipId: ssn } });
    const reveal = `/console/api/identities/${identity.id}/reveal`;
    const fields: unknown[] = [
      '__proto__',
      'constructor',
      'toString',
      'person_details.__proto__',
      'person_details.constructor',
      '__proto__.person_details.cip_id',
      'person_details.cip_id_type',
      'person_details..cip_id',
      '../person_details/cip_id',
      'person_details/cip_id',
      'person_details.cip_id.length',
      'tax_details',
      'tax_details.1.tax_payer_id',
      'metadata.custom_property1',
      'id',
    ];
    for (const field of fields) {
      const answer = await consoleCall(base, 'POST', reveal, { field });
      expect(answer.status, String(field)).to.equal(400);
      expect(answer.body['error'], String(field)).to.match(/^field: /);
      expect(answer.text).not.to.include(ssn);
    }
    for (const field of [['person_details.cip_id'], { 0: 'person_details.cip_id' }, 7]) {
      const answer = await consoleCall(base, 'POST', reveal, { field });
      expect(answer.body, JSON.stringify(field)).to.deep.equal({ error: 'field: is required' });
    }
    const viaProto = await consoleCall(base, 'POST', reveal, '{"__proto__":{"field":"person_details.cip_id"}}', {
      'content-type': 'application/json',
    });
    expect(viaProto.body).to.deep.equal({ error: 'field: is required' });
    const revealed = await consoleCall(base, 'POST', reveal, { field: 'tax_details.0.tax_payer_id' });
    expect(revealed.status).to.equal(200);
  });

  it('keeps a member’s SSN out of its institution’s page, and masks tax ids in nested members', async () => {
    const ssn = uniqueSsn();
    const person = await service.createIdentity(aPerson().with({ cipId: ssn }).build());
    const institution = await service.createIdentity(anInstitution([person.id]));
    const detail = await consoleCall(base, 'GET', `/console/api/identities/${institution.id}`);
    expect(detail.status).to.equal(200);
    expect(detail.text).not.to.include(ssn);
    expect(detail.text).not.to.include(ssn.replace(/-/g, ''));
    const personal = detail.body['personal'] as string[];
    expect(personal).to.include('institution_details.cip_id');
    const members = detail.body['members'] as { identityId: string }[];
    expect(members.map((m) => m.identityId)).to.deep.equal([person.id]);
  });

  it('survives a request target that is not a URL, and answers the next request', async () => {
    const port = emulator.port;
    const answer = await raw(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 [45]\d\d /);
    expect((await consoleCall(base, 'GET', '/console/api/identities')).status).to.equal(200);
  });

  it('answers a malformed percent-encoded identity id with a 400 naming it, not a 500', async () => {
    const read = await consoleCall(base, 'GET', '/console/api/identities/%E0%A4%A');
    expect(read).to.deep.include({ status: 400, body: { error: 'identity id: is not valid percent-encoding' } });
    const act = await consoleCall(base, 'POST', '/console/api/identities/%E0%A4%A/approve', {});
    expect(act).to.deep.include({ status: 400, body: { error: 'identity id: is not valid percent-encoding' } });
  });

  it('answers actions on unknown ids with a clear error', async () => {
    const identity = await service.createIdentity(seedCommand());
    const unknown = 'd7a6c2e4-0000-4000-8000-000000000000';
    expect(await consoleCall(base, 'POST', `/console/api/identities/${unknown}/approve`, {})).to.deep.include({
      status: 404,
      body: { error: 'identity not found' },
    });
    expect(await consoleCall(base, 'GET', `/console/api/identities/${unknown}`)).to.deep.include({
      status: 404,
      body: { error: 'identity not found' },
    });
    const control = await consoleCall(base, 'POST', `/console/api/identities/${identity.id}/remove-control`, {
      controlId: unknown,
    });
    expect(control).to.deep.include({ status: 404, body: { error: 'control not found' } });
    const client = await consoleCall(base, 'POST', `/console/api/identities/${identity.id}/approve`, {
      clientId: 'other',
    });
    expect(client).to.deep.include({ status: 400, body: { error: 'clientId: not a client of this emulator' } });
    const redeliver = await consoleCall(base, 'POST', '/console/api/webhooks/redeliver', {
      webhook: 'x',
      eventId: unknown,
    });
    expect(redeliver).to.deep.include({ status: 400, body: { error: 'no webhook named "x"' } });
  });

  it('refuses a body over 16 KiB with a 413 the client reads', async () => {
    const identity = await service.createIdentity(seedCommand());
    const answer = await consoleCall(base, 'POST', `/console/api/identities/${identity.id}/add-control`, {
      type: 'SELL_ONLY',
      reasonCode: 'OTHER',
      reason: 'x'.repeat(64 * 1024),
    });
    expect(answer).to.deep.include({ status: 413, body: { error: 'request body larger than 16384 bytes' } });
  });

  it('shows a webhook URL without the credentials or query values it carries', async () => {
    const secret = `s3cr3t-${uniqueSsn()}`;
    emulator.webhooks.add({
      name: 'hooks',
      url: `http://user:${secret}@127.0.0.1:9/in?token=${secret}&v=2`,
      auth: { type: 'api_key', header: 'x-api-key', value: 'key' },
    });
    const answer = await consoleCall(base, 'GET', '/console/api/webhooks');
    expect(answer.status).to.equal(200);
    expect(answer.text).not.to.include(secret);
    const [hook] = answer.body['webhooks'] as { url: string }[];
    expect(hook?.url).to.equal('http://[redacted]@127.0.0.1:9/in?token=[redacted]&v=[redacted]');
  });

  it('close() resolves with three live feeds open, and ends them', async () => {
    const streams = await Promise.all([openStream(base), openStream(base), openStream(base)]);
    const ended = streams.map(({ res }) => new Promise<void>((resolve) => res.once('close', resolve)));
    await emulator.close();
    await Promise.all(ended);
    for (const { text } of streams) expect(text()).to.include(': connected');
  });

  it('forgets every live feed a client closed: 200 opened and closed leave none open', async () => {
    const harness = await startConsoleHarness();
    try {
      expect(harness.console.openStreams).to.equal(0);
      for (let round = 0; round < 4; round++) {
        const streams = await Promise.all(Array.from({ length: 50 }, () => openStream(harness.url)));
        expect(harness.console.openStreams).to.equal(50);
        const closed = streams.map(({ res }) => new Promise<void>((resolve) => res.once('close', resolve)));
        for (const { req, res } of streams) {
          res.destroy();
          req.destroy();
        }
        await Promise.all(closed);
      }
      // The server sees each close on its own turn of the event loop: a change after them reaches no one.
      for (let i = 0; i < 20 && harness.console.openStreams > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(harness.console.openStreams).to.equal(0);
    } finally {
      await harness.close();
    }
  });

  it('lists 10,000 identities as the newest 200 with the total, and searches all of them', async () => {
    const harness = await startConsoleHarness();
    try {
      fillPeople(harness, 10_000);
      const list = await consoleCall(harness.url, 'GET', '/console/api/identities');
      expect(list.status).to.equal(200);
      const rows = list.body['identities'] as { refId: string }[];
      expect(rows).to.have.length(200);
      expect(list.body['total']).to.equal(10_000);
      expect(rows[0]?.refId).to.equal('ref-9999');
      const oldest = await consoleCall(harness.url, 'GET', '/console/api/identities?q=ref-0');
      expect((oldest.body['identities'] as { refId: string }[]).map((r) => r.refId)).to.deep.equal(['ref-0']);
      expect(oldest.body['total']).to.equal(1);
      const events = await consoleCall(harness.url, 'GET', '/console/api/events');
      expect((events.body['events'] as unknown[]).length).to.be.at.most(200);
    } finally {
      await harness.close();
    }
  });
});
