import { expect } from 'chai';
import { TOKENS } from '../../src/container.js';
import { IdentityValidationError } from '../../src/index.js';
import { createTestKit, TestClock, type TestKit } from '../../src/testing.js';
import { seedCommand } from '../support/builders.js';
import { PDF, rejectionOf } from './support.js';

describe('createTestKit: the service and every control of the in-memory fake', () => {
  let kit: TestKit;

  beforeEach(() => {
    kit = createTestKit({ now: '2026-03-01T12:00:00Z' });
  });
  afterEach(() => {
    kit.dispose();
  });

  it('drives the identities the service created: approve and deny move them, with their events', async () => {
    const approved = await kit.service.createIdentity(seedCommand());
    expect(approved.summaryStatus).to.equal('PENDING');
    expect((await kit.approve(approved.id)).summaryStatus).to.equal('APPROVED');
    expect((await kit.service.getIdentity(approved.id)).summaryStatus).to.equal('APPROVED');

    const denied = await kit.service.createIdentity({
      ...seedCommand(),
      refId: 'denied-one',
      person: { ...seedCommand().person!, cipId: '222-22-2345' },
    });
    expect((await kit.deny(denied.id)).summaryStatus).to.equal('DENIED');
    const events: string[] = [];
    for await (const event of kit.service.listEvents()) events.push(`${event.type} ${event.object.identityId ?? ''}`);
    expect(events).to.have.members([`identity.approved ${approved.id}`, `identity.denied ${denied.id}`]);
    expect((await kit.identities.get(denied.id)).summaryStatus).to.equal('DENIED');
  });

  it('uploads documents the service asked a slot for, through kit.fetch or kit.upload, clearing what Paxos asked', async () => {
    const identity = await kit.service.createIdentity(seedCommand());
    await kit.requireDocuments(identity.id, ['PROOF_OF_FUNDS']);
    expect((await kit.approve(identity.id)).summaryStatus, 'held by the pending document').to.equal('PENDING');
    const { uploadUrl } = await kit.service.requestDocumentUpload(identity.id, {
      name: 'funds.pdf',
      documentTypes: ['PROOF_OF_FUNDS'],
    });
    expect(uploadUrl).to.match(/^memory:\/\/documents\//);
    const put = await kit.fetch(uploadUrl, {
      method: 'PUT',
      body: PDF,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(put.status).to.equal(200);
    const listed = await kit.service.listDocuments(identity.id, { includePending: true });
    expect(listed.documents.map((d) => d.name)).to.deep.equal(['funds.pdf']);
    expect(listed.pendingDocuments).to.deep.equal([]);
    expect((await kit.service.getIdentity(identity.id)).summaryStatus).to.equal('APPROVED');

    const second = await kit.service.requestDocumentUpload(identity.id, {
      name: 'more.pdf',
      documentTypes: ['PROOF_OF_FUNDS'],
    });
    await kit.upload(second.uploadUrl, PDF, 'application/pdf');
    expect((await kit.documents.list(identity.id)).documents).to.have.length(2);
  });

  it("answers kit.fetch's refused uploads as an object store would, and leaves other URLs to the global fetch", async () => {
    const identity = await kit.service.createIdentity(seedCommand());
    const { uploadUrl } = await kit.service.requestDocumentUpload(identity.id, {
      name: 'a.txt',
      documentTypes: ['PROOF_OF_FUNDS'],
    });
    const text = await kit.fetch(uploadUrl, {
      method: 'PUT',
      body: 'plain',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).to.equal(400);
    expect(await text.text()).to.include('file: must be a PDF, JPG or PNG file');
    const forged = await kit.fetch('memory://documents/not-a-file?token=x', { method: 'PUT', body: PDF });
    expect(forged.status).to.equal(403);
    expect((await kit.fetch(uploadUrl)).status).to.equal(405);
    const error = await rejectionOf(kit.fetch('unknown-scheme://example/'));
    expect(error, 'handed to the global fetch, which knows no such scheme').to.be.instanceOf(TypeError);
    const refused = await rejectionOf(kit.upload('memory://documents/nope?token=x', PDF));
    expect(refused).to.be.instanceOf(IdentityValidationError);
    expect((refused as IdentityValidationError).violations.map((v) => v.path)).to.deep.equal(['file']);
  });

  it("makes the global fetch PUT to the fake's upload URLs while intercepting, and puts it back on dispose", async () => {
    const identity = await kit.service.createIdentity(seedCommand());
    const { uploadUrl } = await kit.service.requestDocumentUpload(identity.id, {
      name: 'a.pdf',
      documentTypes: ['PROOF_OF_FUNDS'],
    });
    const before = globalThis.fetch;
    expect(await rejectionOf(fetch(uploadUrl, { method: 'PUT', body: PDF }))).to.be.instanceOf(TypeError);
    kit.interceptFetch();
    const put = await fetch(uploadUrl, { method: 'PUT', body: PDF, headers: { 'content-type': 'application/pdf' } });
    expect(put.status).to.equal(200);
    kit.dispose();
    expect(globalThis.fetch).to.equal(before);
    expect((await kit.service.listDocuments(identity.id)).documents.map((d) => d.name)).to.deep.equal(['a.pdf']);
  });

  it('runs the fake on its clock: timestamps from it, and a KYC refresh that expires when the clock passes its window', async () => {
    const identity = await kit.service.createIdentity(seedCommand());
    expect(identity.createdAt).to.match(/^2026-03-01T12:00:00/);
    await kit.approve(identity.id);
    await kit.gateways.KycRefreshGateway.forceStart(identity.id, 1);
    kit.clock.advance(60 * 60 * 1000);
    expect((await kit.service.getIdentity(identity.id)).summaryStatus, 'within the window').to.equal('APPROVED');
    kit.clock.advance(24 * 60 * 60 * 1000);
    const expired = await kit.service.getIdentity(identity.id);
    expect(expired.summaryStatus).to.equal('DISABLED');
    expect(expired.updatedAt).to.match(/^2026-03-02T13:00:00/);
  });

  it("the README's walk-through: sandbox status changes, a recorded event, and the time they happen at", async () => {
    const identity = await kit.service.createIdentity(seedCommand());
    await kit.approve(identity.id);
    kit.clock.advance(24 * 60 * 60 * 1000);
    const disabled = await kit.setSandboxStatus(identity.id, { userDisabled: true });
    expect(disabled).to.include({ summaryStatus: 'DISABLED', userDisabled: true });
    expect(disabled.updatedAt).to.match(/^2026-03-02T12:00:00/);
    const recorded = await kit.events.recordEvent('identity.kyc_refresh.started', { identityId: identity.id });
    const listed = [];
    for await (const event of kit.service.listEvents({ type: 'identity.kyc_refresh.started' })) listed.push(event.id);
    expect(listed).to.deep.equal([recorded.id]);
  });

  it('has a fake for every gateway token, so a container can rebind them all', () => {
    const gatewayTokens = Object.keys(TOKENS).filter((name) => name.endsWith('Gateway'));
    expect(Object.keys(kit.gateways)).to.have.members(gatewayTokens);
    expect(kit.gateways.IdentityGateway).to.equal(kit.identities);
    expect(kit.gateways.DocumentGateway).to.equal(kit.documents);
  });
});

describe('TestClock', () => {
  it('shows its start until moved, advances and is set', () => {
    const clock = new TestClock('2026-01-01T00:00:00Z');
    expect(clock.now().toISOString()).to.equal('2026-01-01T00:00:00.000Z');
    clock.advance(1500);
    expect(clock.now().toISOString()).to.equal('2026-01-01T00:00:01.500Z');
    clock.set(new Date('2025-06-01T00:00:00Z'));
    expect(clock.now().toISOString()).to.equal('2025-06-01T00:00:00.000Z');
  });

  it('refuses a date that is not one, and a move backwards or by a non-number, naming the argument', () => {
    expect(() => new TestClock('yesterday')).to.throw(RangeError, 'start must be a Date or an ISO 8601 date-time');
    const clock = new TestClock();
    expect(() => {
      clock.set('nope');
    }).to.throw(RangeError, /^to must be/);
    expect(() => {
      clock.advance(-1);
    }).to.throw(RangeError, /^ms must be/);
    expect(() => {
      clock.advance(Number.NaN);
    }).to.throw(RangeError, /^ms must be/);
  });
});
