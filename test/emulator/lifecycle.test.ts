import { expect } from 'chai';
import { createIdentityService, SandboxOnlyError, type PaxosGatewayOptions } from '../../src/index.js';
import {
  EVENT_SCOPES,
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosIdentityGateway,
  PaxosMemberGateway,
  PaxosTransport,
} from '../../src/gateways.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson, anInstitution, uniqueSsn } from '../support/builders.js';
import { call, llcBody, seedBody, tokenFor } from './support.js';
import { paxosOptionsFor } from '../support/paxos.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n');

describe('emulator: institution members, documents and events', () => {
  let emulator: PaxosEmulator;
  let token: string;
  let options: PaxosGatewayOptions;

  before(async () => {
    emulator = await startPaxosEmulator({ maxUploadBytes: 1024 });
    token = await tokenFor(emulator, 'identity:read_identity identity:write_identity events:read_event');
    options = paxosOptionsFor(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  const person = async (): Promise<string> => {
    const response = await call(emulator, 'POST', '/identity/identities', {
      token,
      body: seedBody({ ssn: uniqueSsn(), refId: crypto.randomUUID() }),
    });
    expect(response.status).to.equal(200);
    return response.body.id as string;
  };

  const requestUpload = (id: string, body: unknown) =>
    call(emulator, 'PUT', `/identity/identities/${id}/documents`, { token, body });

  describe('POST /v2/identity/institution-members', () => {
    it('refuses a member id sent by the client, an empty list and a missing institution id, with wire paths', async () => {
      const response = await call(emulator, 'POST', '/identity/institution-members', {
        token,
        body: { members: [{ id: 'x', identity_id: 'y', roles: ['AUTHORIZED_USER'] }] },
      });
      expect(response.status).to.equal(400);
      const paths = (response.body.meta.violations as { path: string }[]).map((v) => v.path);
      expect(paths).to.include.members(['institution_id', 'members[0].id']);
      const empty = await call(emulator, 'POST', '/identity/institution-members', {
        token,
        body: { institution_id: 'abc', members: [] },
      });
      expect(empty.status).to.equal(400);
    });

    it('answers 404 for an unknown institution and for an unknown member link', async () => {
      const id = await person();
      const unknown = await call(emulator, 'POST', '/identity/institution-members', {
        token,
        body: { institution_id: 'no-such-org', members: [{ identity_id: id, roles: ['AUTHORIZED_USER'] }] },
      });
      expect(unknown.status).to.equal(404);
      const gone = await call(emulator, 'DELETE', '/identity/institution-members/no-such-link', { token });
      expect(gone.status).to.equal(404);
    });
  });

  describe('documents', () => {
    it("answers Paxos's 400 for a name over 260 characters and a 409 with meta.existing.name for a repeated name", async () => {
      const id = await person();
      const long = await requestUpload(id, { name: 'a'.repeat(261), document_types: ['CURP'] });
      expect(long.status).to.equal(400);
      expect(long.body.detail).to.equal('must provide a file name, up to 260 characters');
      expect((await requestUpload(id, { name: 'a'.repeat(260), document_types: ['CURP'] })).status).to.equal(200);
      const again = await requestUpload(id, { name: 'a'.repeat(260), document_types: ['CURP'] });
      expect(again.status).to.equal(409);
      expect(again.body.meta).to.deep.equal({ existing: { name: 'a'.repeat(260) } });
      expect((await requestUpload('no-such-identity', { name: 'x.pdf' })).status).to.equal(404);
    });

    it('takes the PUT of a PDF at the upload URL without a bearer token; pending types clear once uploaded', async () => {
      const id = await person();
      emulator.requireDocuments(id, ['PROOF_OF_RESIDENCY']);
      const documents = new PaxosDocumentGateway(new PaxosTransport(options));
      expect((await documents.list(id, { includePending: true })).pendingDocuments).to.deep.equal([
        'PROOF_OF_RESIDENCY',
      ]);
      const upload = await documents.requestUpload(id, { name: 'bill.pdf', documentTypes: ['PROOF_OF_RESIDENCY'] });
      expect(upload.uploadUrl.startsWith(`http://127.0.0.1:${emulator.port}/uploads/`)).to.equal(true);
      const put = await fetch(upload.uploadUrl, {
        method: 'PUT',
        body: PDF,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(put.status).to.equal(200);
      const listed = await documents.list(id, { includePending: true });
      expect(listed.pendingDocuments).to.deep.equal([]);
      expect(listed.documents.map((d) => d.fileId)).to.deep.equal([upload.fileId]);
    });

    it('refuses at the upload URL: a text file (400), a file at the size limit (413), a forged token (403)', async () => {
      const id = await person();
      const response = await requestUpload(id, { name: 'scan.png', document_types: ['IDENTITY_VERIFICATION'] });
      const url = response.body.upload_url as string;
      expect(
        (await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } })).status,
      ).to.equal(400);
      expect(
        (
          await fetch(url, {
            method: 'PUT',
            body: Buffer.alloc(1024, 0x25),
            headers: { 'content-type': 'application/pdf' },
          })
        ).status,
      ).to.equal(413);
      expect(
        (await fetch(url, { method: 'PUT', body: Buffer.alloc(2048), headers: { 'content-type': 'application/pdf' } }))
          .status,
      ).to.equal(413);
      expect((await fetch(url.replace(/token=[^&]+/, 'token=forged'), { method: 'PUT', body: PDF })).status).to.equal(
        403,
      );
      expect(
        (await fetch(url, { method: 'PUT', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) }))
          .status,
      ).to.equal(200);
    });
  });

  describe('GET /v2/events', () => {
    it('needs events:read_event, checks limit, and ends with an empty next_page_cursor', async () => {
      const identityOnly = await tokenFor(emulator);
      expect((await call(emulator, 'GET', '/events', { token: identityOnly })).status).to.equal(403);
      const tooMany = await call(emulator, 'GET', '/events?limit=101', { token });
      expect(tooMany.status).to.equal(400);
      expect(tooMany.body.detail).to.equal('limit must be between 1 and 100');
      const last = await call(emulator, 'GET', '/events?type=identity.nothing_like_this', { token });
      expect(last.body).to.deep.equal({ events: [], next_page_cursor: '' });
      expect((await call(emulator, 'GET', '/events?page_cursor=garbage', { token })).status).to.equal(400);
      expect((await call(emulator, 'GET', '/events/not%20an%20id', { token })).status).to.equal(400);
    });

    it("writes Paxos's event shape and the adapter reads event types it does not know", async () => {
      const id = await person();
      const required = emulator.requireDocuments(id, ['PROOF_OF_FUNDS']);
      const future = emulator.recordEvent('identity.brand_new_kind', { identityId: id });
      const wire = await call(emulator, 'GET', `/events/${required.id}`, { token });
      expect(wire.body).to.include({
        id: required.id,
        type: 'identity.documents_required',
        object_type: 'identity_documents_required',
        undelivered_webhooks: 0,
      });
      expect(wire.body.object).to.deep.equal({
        id: required.id,
        identity_id: id,
        required_documents: ['PROOF_OF_FUNDS'],
      });
      const events = new PaxosEventGateway(new PaxosTransport(options, {}, EVENT_SCOPES));
      const got = await events.get(future.id);
      expect(got.type).to.equal('identity.brand_new_kind');
      expect(got.object.identityId).to.equal(id);
      const page = await events.listPage({
        type: 'identity.documents_required',
        createdAt: { gte: required.createdAt },
      });
      expect(page.items.map((e) => e.object.requiredDocuments)).to.deep.include(['PROOF_OF_FUNDS']);
      expect(page.nextPageCursor).to.equal(undefined);
    });
  });

  it('create and add agree: a member must be a PERSON identity of the same API user (400 otherwise)', async () => {
    const other = { clientId: 'other-client', clientSecret: 'other-client-secret-0123456789' };
    const two = await startPaxosEmulator({
      credentials: [{ clientId: 'main-client', clientSecret: 'main-client-secret-0123456789' }, other],
    });
    try {
      const as = (c: { clientId: string; clientSecret: string }) =>
        ({
          environment: 'sandbox',
          baseUrl: two.baseUrl,
          tokenUrl: two.tokenUrl,
          clientId: c.clientId,
          clientSecret: c.clientSecret,
        }) as const;
      const mine = await tokenFor(two, undefined, {
        clientId: 'main-client',
        clientSecret: 'main-client-secret-0123456789',
      });
      const theirs = await tokenFor(two, undefined, other);
      const create = (t: string, body: unknown) => call(two, 'POST', '/identity/identities', { token: t, body });
      const foreign = (await create(theirs, seedBody({ ssn: uniqueSsn(), refId: crypto.randomUUID() }))).body
        .id as string;
      const own = (await create(mine, seedBody({ ssn: uniqueSsn(), refId: crypto.randomUUID() }))).body.id as string;
      const org = (b: string[]) =>
        llcBody(b.map((identity_id) => ({ identity_id, roles: ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'] })));
      const refused = await create(mine, org([foreign]));
      expect(refused.status).to.equal(400);
      expect(JSON.stringify(refused.body.meta.violations)).to.include('institution_members[0].identity_id');
      const created = await create(mine, org([own]));
      expect(created.status).to.equal(200);
      const orgId = created.body.id as string;
      for (const candidate of [foreign, orgId]) {
        const add = await call(two, 'POST', '/identity/institution-members', {
          token: mine,
          body: { institution_id: orgId, members: [{ identity_id: candidate, roles: ['AUTHORIZED_USER'] }] },
        });
        expect(add.status, candidate).to.equal(400);
        expect(JSON.stringify(add.body.meta.violations)).to.include('members[0].identity_id');
      }
      const members = new PaxosMemberGateway(
        new PaxosTransport(as({ clientId: 'main-client', clientSecret: 'main-client-secret-0123456789' })),
      );
      const error = await members
        .addMembers(orgId, [{ identityId: foreign, roles: ['AUTHORIZED_USER'] }])
        .catch((e: unknown) => e);
      expect((error as { code?: string }).code).to.equal('paxos_bad_request');
    } finally {
      await two.close();
    }
  });

  it('through createIdentityService: an institution with two members reaches APPROVED and the events say so, on one token for identities, members and documents', async () => {
    const service = createIdentityService({ adapter: 'paxos', paxos: { ...options, rateLimit: false } });
    emulator.clearRequestLog();
    const a = await service.createIdentity(aPerson().build());
    const b = await service.createIdentity(aPerson().build());
    const org = await service.createIdentity(anInstitution([a.id]));
    const { members } = await service.addInstitutionMembers(org.id, [{ identityId: b.id, roles: ['AUTHORIZED_USER'] }]);
    expect(members.map((m) => m.identityId)).to.deep.equal([b.id]);
    await service.requestDocumentUpload(org.id, { name: 'articles.pdf', documentTypes: ['ORGANIZATIONAL_DOCUMENTS'] });
    const tokens = () => emulator.requests.filter((r) => r.path === '/oauth2/token').length;
    expect(tokens(), 'identities, members and documents share a token').to.equal(1);
    await service.setSandboxStatus(org.id, { sanctionsVerification: 'APPROVED', documentVerification: 'APPROVED' });
    for (const person of [a, b])
      await service.setSandboxStatus(person.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const approved = await service.waitForStatus(org.id, ['APPROVED', 'DENIED'], {
      timeoutMs: 5_000,
      pollIntervalMs: 100,
    });
    expect(approved.summaryStatus).to.equal('APPROVED');
    const about = new Set<string>();
    for await (const event of service.listEvents({
      type: 'identity.approved',
      createdAt: { gte: a.createdAt },
      limit: 1,
    }))
      about.add(event.object.identityId!);
    expect([a.id, b.id, org.id].every((id) => about.has(id))).to.equal(true);
    expect(tokens(), 'the event connection asks for its own scope once').to.equal(2);
  });

  it('the Paxos adapter refuses setSandboxStatus for production without sending anything', async () => {
    const id = await person();
    emulator.clearRequestLog();
    const production = new PaxosIdentityGateway({ ...options, environment: 'production' });
    const error = await production.setSandboxStatus(id, { idVerification: 'APPROVED' }).then(
      () => expect.fail('expected a refusal'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(SandboxOnlyError);
    expect((error as SandboxOnlyError).code).to.equal('sandbox_only');
    expect(emulator.requests).to.deep.equal([]);
  });
});
