import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityService, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson, seedCommand, uniqueSsn } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { consoleCall, type ConsoleAnswer } from './http.js';

/** A request to the console as a browser on the same origin sends it (or, with `headers`, as something else would). */
function call(
  emulator: PaxosEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ConsoleAnswer> {
  return consoleCall(emulator.consoleUrl ?? `http://127.0.0.1:${emulator.port}/`, method, path, body, headers);
}

describe('the emulator console routes', () => {
  let emulator: PaxosEmulator;
  let service: IdentityService;
  let receiver: Server;
  let delivered: string[];

  beforeEach(async () => {
    const apiKey = randomBytes(8).toString('hex');
    delivered = [];
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.headers['x-api-key'] === apiKey) delivered.push((JSON.parse(text) as { id: string }).id);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    emulator = await startPaxosEmulator({
      console: true,
      approval: 'manual',
      webhooks: [{ name: 'backend', url, auth: { type: 'api_key', header: 'x-api-key', value: apiKey } }],
    });
    service = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator) });
  });

  afterEach(async () => {
    await emulator.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('is off unless asked for: `/` is the API’s 404 and there is no console URL', async () => {
    const plain = await startPaxosEmulator();
    try {
      expect(plain.consoleUrl).to.equal(undefined);
      const answer = await call(plain, 'GET', '/');
      expect(answer.status).to.equal(404);
      expect(answer.body).to.include({ status: 404 });
      expect((await call(plain, 'GET', '/console/api/identities')).status).to.equal(404);
    } finally {
      await plain.close();
    }
  });

  it('serves the page with a self-only Content-Security-Policy, and its script and stylesheet', async () => {
    expect(emulator.consoleUrl).to.equal(`http://127.0.0.1:${emulator.port}/`);
    const page = await call(emulator, 'GET', '/');
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.headers['content-security-policy']).to.include("script-src 'self'");
    expect(page.headers['content-security-policy']).to.include("default-src 'none'");
    expect(page.text).to.include('<script type="module" src="/console/app.js">');
    expect(page.text).not.to.match(/https?:\/\/(?!127\.0\.0\.1)/);
    expect((await call(emulator, 'GET', '/console/app.js')).headers['content-type']).to.match(/^text\/javascript/);
    expect((await call(emulator, 'GET', '/console/app.css')).headers['content-type']).to.match(/^text\/css/);
  });

  it('refuses another Host (DNS rebinding), another Origin, and a body that is not JSON', async () => {
    expect((await call(emulator, 'GET', '/', undefined, { host: 'attacker.example:80' })).status).to.equal(421);
    const identity = await service.createIdentity(seedCommand());
    const approve = `/console/api/identities/${identity.id}/approve`;
    const foreign = await call(emulator, 'POST', approve, {}, { origin: 'http://attacker.example' });
    expect(foreign).to.deep.include({ status: 403, body: { error: 'cross-origin request' } });
    const form = await call(emulator, 'POST', approve, undefined, { 'content-type': 'text/plain' });
    expect(form.status).to.equal(415);
    expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('PENDING');
  });

  it('lists identities, events and requests without the SSN or date of birth, and reveals one field on request', async () => {
    const ssn = uniqueSsn();
    const command = seedCommand();
    const identity = await service.createIdentity({ ...command, person: { ...command.person!, cipId: ssn } });
    await call(emulator, 'POST', `/console/api/identities/${identity.id}/approve`, {});
    const reads = await Promise.all(
      ['identities', `identities/${identity.id}`, 'events', 'requests', 'webhooks'].map((p) =>
        call(emulator, 'GET', `/console/api/${p}`),
      ),
    );
    for (const read of reads) {
      expect(read.status).to.equal(200);
      expect(read.text).not.to.include(ssn);
      expect(read.text).not.to.include('1980-01-01');
    }
    const detail = reads[1]?.body as { personal: string[]; details: { person_details: Record<string, unknown> } };
    expect(detail.personal).to.include.members(['person_details.cip_id', 'person_details.date_of_birth']);
    expect(detail.details.person_details['cip_id']).to.equal('•••••');
    expect(detail.details.person_details['cip_id_type']).to.equal('SSN');

    const reveal = `/console/api/identities/${identity.id}/reveal`;
    const revealed = await call(emulator, 'POST', reveal, { field: 'person_details.cip_id' });
    expect(revealed.body).to.deep.equal({ field: 'person_details.cip_id', value: ssn });
    const notPersonal = await call(emulator, 'POST', reveal, { field: 'person_details.cip_id_type' });
    expect(notPersonal.status).to.equal(400);
    expect(notPersonal.body['error']).to.match(/^field: /);
    const missing = await call(emulator, 'POST', reveal, {});
    expect(missing.body).to.deep.equal({ error: 'field: is required' });
    const unknown = await call(emulator, 'POST', '/console/api/identities/nope/reveal', { field: 'x' });
    expect(unknown.status).to.equal(404);
  });

  it('steers an identity with the API’s own code: deny, disable and enable, documents, controls, KYC refresh', async () => {
    const identity = await service.createIdentity(seedCommand());
    const act = (action: string, body: Record<string, unknown> = {}) =>
      call(emulator, 'POST', `/console/api/identities/${identity.id}/${action}`, body);

    expect((await act('require-documents', { documentTypes: ['PROOF_OF_RESIDENCY'] })).status).to.equal(200);
    const docs = await service.listDocuments(identity.id, { includePending: true });
    expect(docs.pendingDocuments).to.deep.equal(['PROOF_OF_RESIDENCY']);
    const badDocs = await act('require-documents', { documentTypes: ['SELFIE'] });
    expect(badDocs).to.deep.include({ status: 400, body: { error: 'documentTypes: SELFIE is not a document type' } });

    const other = await service.createIdentity(aPerson().build());
    const actOther = (action: string, body: Record<string, unknown> = {}) =>
      call(emulator, 'POST', `/console/api/identities/${other.id}/${action}`, body);
    expect((await actOther('approve')).body['identity']).to.include({ summaryStatus: 'APPROVED' });
    await actOther('disable');
    expect((await service.getIdentity(other.id)).summaryStatus).to.equal('DISABLED');
    await actOther('enable');
    expect((await service.getIdentity(other.id)).summaryStatus).to.equal('APPROVED');

    expect((await actOther('add-control', { type: 'SELL_ONLY', reasonCode: 'END_USER_REQUEST' })).status).to.equal(200);
    const controls = await service.listControlsPage({ identityId: other.id });
    expect(controls.items.map((c) => [c.type, c.setBy])).to.deep.equal([['SELL_ONLY', 'SET_BY_CLIENT']]);
    expect((await service.getIdentity(other.id)).summaryStatus).to.equal('DISABLED');
    const badControl = await actOther('add-control', { type: 'SELL_ONLY', reasonCode: 'BORED' });
    expect(badControl.status).to.equal(400);
    expect(badControl.body['error']).to.match(/^reasonCode: must be one of OTHER, /);
    await actOther('remove-control', { controlId: controls.items[0]?.id });
    expect((await service.getIdentity(other.id)).summaryStatus).to.equal('APPROVED');

    expect((await actOther('kyc-refresh')).status).to.equal(200);
    const again = await actOther('kyc-refresh');
    expect(again).to.deep.include({
      status: 400,
      body: { error: 'identity_id: the identity is not eligible for a KYC refresh' },
    });

    await act('deny');
    expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('DENIED');
    const events = (await call(emulator, 'GET', '/console/api/events')).body['events'] as { type: string }[];
    expect(events[0]?.type, 'newest first').to.equal('identity.denied');
    expect(events.map((e) => e.type)).to.include.members(['identity.kyc_refresh.started', 'identity.approved']);
    expect((await act('teleport')).status).to.equal(404);
  });

  it('arms faults that hit the API, not the console, and validates them by field', async () => {
    const identity = await service.createIdentity(seedCommand());
    const armed = await call(emulator, 'POST', '/console/api/faults', { kind: 'status', status: 500, times: 2 });
    expect(armed.body['faults']).to.deep.equal([{ fault: { kind: 'status', status: 500 }, remaining: 2, hits: 0 }]);
    expect((await call(emulator, 'GET', '/console/api/identities')).status, 'the console is not hit').to.equal(200);
    expect(emulator.faults.pending[0]?.remaining).to.equal(2);
    const before = emulator.requests.length;
    // The adapter retries a 500: both armed hits are used, the third attempt succeeds.
    expect((await service.getIdentity(identity.id)).id).to.equal(identity.id);
    expect(emulator.requests.slice(before).map((r) => r.fault)).to.deep.equal(['status', 'status', undefined]);
    const logged = (await call(emulator, 'GET', '/console/api/requests')).body['requests'] as { durationMs?: number }[];
    expect(logged).to.have.length(emulator.requests.length);
    expect(logged.every((r) => typeof r.durationMs === 'number' && r.durationMs >= 0)).to.equal(true);
    expect(emulator.requests.some((r) => r.path.startsWith('/console/'))).to.equal(false);

    const bad = await call(emulator, 'POST', '/console/api/faults', { kind: 'status', status: 99 });
    expect(bad.body).to.deep.equal({ error: 'status: must be an integer from 100 to 599' });
    const kind = await call(emulator, 'POST', '/console/api/faults', { kind: 'explode' });
    expect(kind.body['error']).to.match(/^kind: must be one of status, drop/);
    await call(emulator, 'POST', '/console/api/faults', { kind: 'delay', ms: 5 });
    expect((await call(emulator, 'DELETE', '/console/api/faults')).body).to.deep.equal({ faults: [] });
    expect(emulator.faults.pending).to.deep.equal([]);
  });

  it('redelivers a webhook notification, and tells the live feed what changed', async () => {
    const chunks: string[] = [];
    const stream = httpRequest(new URL('/console/api/stream', emulator.consoleUrl), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => chunks.push(chunk));
    });
    stream.on('error', () => undefined);
    stream.end();
    try {
      await new Promise<void>((resolve) =>
        stream.once('response', () => {
          resolve();
        }),
      );
      const identity = await service.createIdentity(seedCommand());
      await call(emulator, 'POST', `/console/api/identities/${identity.id}/approve`, {});
      await emulator.webhooks.settled();
      const eventId = emulator.webhooks.attempts[0]?.eventId;
      expect(delivered).to.deep.equal([eventId]);

      const answer = await call(emulator, 'POST', '/console/api/webhooks/redeliver', { webhook: 'backend', eventId });
      expect(answer.body).to.deep.equal({ ok: true });
      await emulator.webhooks.settled();
      expect(delivered).to.deep.equal([eventId, eventId]);
      expect(emulator.webhooks.attempts.map((a) => a.delivered)).to.deep.equal([true, true]);
      const unknown = await call(emulator, 'POST', '/console/api/webhooks/redeliver', { webhook: 'nope', eventId });
      expect(unknown.body).to.deep.equal({ error: 'no webhook named "nope"' });

      const topics = chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .flatMap((line) => (JSON.parse(line.slice(6)) as { topics: string[] }).topics);
      expect(new Set(topics)).to.include.keys('requests', 'events', 'webhooks', 'identities');
    } finally {
      stream.destroy();
    }
  });
});
