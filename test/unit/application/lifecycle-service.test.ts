/* eslint-disable @typescript-eslint/no-deprecated -- these cases keep the deprecated SeenStore path working */
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  createIdentityService,
  createWebhookHandler,
  EventNotFoundError,
  IdentityValidationError,
  WebhookPayloadError,
  type PaxosEvent,
} from '../../../src/index.js';
import { InMemorySeenStore, InMemoryWebhookDeliveryRecord } from '../../../src/gateways.js';
import { IdentityLifecycle, WebhookDeliveries } from '../../../src/container.js';
import {
  InMemoryDocumentGateway,
  InMemoryEventGateway,
  InMemoryIdentityGateway,
  InMemoryMemberGateway,
  PaxosSimulator,
} from '../../../src/testing.js';
import { aPerson, anInstitution } from '../../support/builders.js';
import { identityServiceOver } from '../../support/services.js';

chai.use(chaiAsPromised);
const { expect } = chai;

const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n');

/** A service over in-memory gateways sharing one simulator, with the gateways at hand for sandbox controls. */
function setUp() {
  const simulator = new PaxosSimulator();
  const identities = new InMemoryIdentityGateway({ simulator });
  const documents = new InMemoryDocumentGateway({ simulator });
  const events = new InMemoryEventGateway({ simulator });
  const service = identityServiceOver(identities, {
    lifecycle: new IdentityLifecycle(identities, {
      members: new InMemoryMemberGateway({ simulator }),
      documents,
      events,
    }),
    webhooks: new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord(), {
      fromSeenStore: (seenStore) => new InMemoryWebhookDeliveryRecord({ seenStore }),
    }),
  });
  return { service, documents, events };
}

const approve = { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' } as const;

function notification(event: PaxosEvent, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    source: 'com.paxos',
    time: '2026-01-01T00:00:00Z',
    object: 'event',
    is_test: false,
    ...changes,
  };
}

describe('IdentityService: institutions, documents, events and webhooks', () => {
  describe('institution members', () => {
    it('an institution with two members reaches APPROVED once its checks and both members are approved', async () => {
      const service = createIdentityService({ adapter: 'in-memory' });
      const a = await service.createIdentity(aPerson().build());
      const b = await service.createIdentity(aPerson().build());
      const org = await service.createIdentity(anInstitution([a.id, b.id]));
      await service.setSandboxStatus(org.id, { sanctionsVerification: 'APPROVED', documentVerification: 'APPROVED' });
      await service.setSandboxStatus(a.id, approve);
      expect((await service.getIdentity(org.id)).summaryStatus).to.equal('PENDING');
      await service.setSandboxStatus(b.id, approve);
      expect((await service.getIdentity(org.id)).summaryStatus).to.equal('APPROVED');
    });

    it('refuses a role the institution type does not allow before anything is sent, naming the path', async () => {
      const service = createIdentityService({ adapter: 'in-memory' });
      const a = await service.createIdentity(aPerson().build());
      const b = await service.createIdentity(aPerson().build());
      const org = await service.createIdentity({
        ...anInstitution([a.id], { institutionType: 'TRUST', institutionSubType: 'INVESTMENT' }),
        institutionMembers: [{ identityId: a.id, roles: ['TRUSTEE'] }],
      });
      const error = await expect(
        service.addInstitutionMembers(org.id, [{ identityId: b.id, roles: ['BENEFICIAL_OWNER'] }]),
      ).to.be.rejectedWith(IdentityValidationError);
      expect(error.violations.map((v: { path: string }) => v.path)).to.deep.equal(['members[0].roles[0]']);
      const got = await service.getIdentity(org.id, { includeInstitutionMembers: true });
      expect(got.institutionMembers?.map((m) => m.identityId)).to.deep.equal([a.id]);
    });

    it('refuses a person who is already a member, an empty list, and a PERSON as the institution', async () => {
      const service = createIdentityService({ adapter: 'in-memory' });
      const a = await service.createIdentity(aPerson().build());
      const org = await service.createIdentity(anInstitution([a.id]));
      await expect(
        service.addInstitutionMembers(org.id, [{ identityId: a.id, roles: ['AUTHORIZED_USER'] }]),
      ).to.be.rejectedWith(IdentityValidationError, /already a member/);
      await expect(service.addInstitutionMembers(org.id, [])).to.be.rejectedWith(
        IdentityValidationError,
        /at least 1 item/,
      );
      await expect(
        service.addInstitutionMembers(a.id, [{ identityId: a.id, roles: ['AUTHORIZED_USER'] }]),
      ).to.be.rejectedWith(IdentityValidationError, /INSTITUTION/);
    });
  });

  describe('documents', () => {
    it('lists a requested type as pending until a PDF is uploaded for it, and emits identity.documents_required', async () => {
      const { service, documents } = setUp();
      const person = await service.createIdentity(aPerson().build());
      const required = await documents.requireDocuments(person.id, ['PROOF_OF_RESIDENCY']);
      expect(required.type).to.equal('identity.documents_required');
      expect(required.object.requiredDocuments).to.deep.equal(['PROOF_OF_RESIDENCY']);
      expect((await service.getEvent(required.id)).object.identityId).to.equal(person.id);
      expect((await service.listDocuments(person.id, { includePending: true })).pendingDocuments).to.deep.equal([
        'PROOF_OF_RESIDENCY',
      ]);

      const upload = await service.requestDocumentUpload(person.id, {
        name: 'bill.pdf',
        documentTypes: ['PROOF_OF_RESIDENCY'],
      });
      expect(upload.uploadUrl).to.match(/^memory:\/\/documents\//);
      expect(
        (await service.listDocuments(person.id, { includePending: true })).pendingDocuments,
        'not yet uploaded',
      ).to.have.length(1);
      await documents.upload(upload.uploadUrl, PDF);
      const listed = await service.listDocuments(person.id, { includePending: true });
      expect(listed.pendingDocuments).to.deep.equal([]);
      expect(listed.documents.map((d) => d.name)).to.deep.equal(['bill.pdf']);
      expect((await service.listDocuments(person.id)).pendingDocuments, 'pending only when asked').to.deep.equal([]);
    });

    it('the fake refuses bytes that are not PDF/JPG/PNG and URLs it did not hand out', async () => {
      const { service, documents } = setUp();
      const person = await service.createIdentity(aPerson().build());
      const upload = await service.requestDocumentUpload(person.id, {
        name: 'notes.txt',
        documentTypes: ['OTHER_DOCUMENTS'],
      });
      await expect(
        documents.upload(upload.uploadUrl, new TextEncoder().encode('plain text'), 'text/plain'),
      ).to.be.rejectedWith(IdentityValidationError, /PDF, JPG or PNG/);
      await expect(documents.upload(upload.uploadUrl.replace(/token=.*/, 'token=forged'), PDF)).to.be.rejectedWith(
        IdentityValidationError,
      );
      await documents.upload(upload.uploadUrl, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    });

    it('checks the request in the domain: a name over 260 characters, a path, an unknown type', async () => {
      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await expect(
        service.requestDocumentUpload(person.id, { name: `${'a'.repeat(257)}.pdf`, documentTypes: ['CURP'] }),
      ).to.be.rejectedWith(IdentityValidationError, /at most 260/);
      await expect(
        service.requestDocumentUpload(person.id, { name: '../etc/passwd', documentTypes: ['CURP'] }),
      ).to.be.rejectedWith(IdentityValidationError, /file name/);
      await expect(
        service.requestDocumentUpload(person.id, { name: 'a.pdf', documentTypes: ['SELFIE' as never] }),
      ).to.be.rejectedWith(IdentityValidationError, /documentTypes\[0\]/);
    });
  });

  describe('events', () => {
    it('listEvents follows the cursor through pages of one, oldest first, and DESC reverses them', async () => {
      const { service } = setUp();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const person = await service.createIdentity(aPerson().build());
        await service.setSandboxStatus(person.id, approve);
        ids.push(person.id);
      }
      const seen: string[] = [];
      for await (const event of service.listEvents({ type: 'identity.approved', limit: 1 }))
        seen.push(event.object.identityId!);
      expect(seen).to.deep.equal(ids);
      const first = await service.listEventsPage({ type: 'identity.approved', limit: 2, order: 'DESC' });
      expect(first.items.map((e) => e.object.identityId)).to.deep.equal([ids[2], ids[1]]);
      const second = await service.listEventsPage({
        type: 'identity.approved',
        limit: 2,
        order: 'DESC',
        pageCursor: first.nextPageCursor!,
      });
      expect(second.items.map((e) => e.object.identityId)).to.deep.equal([ids[0]]);
      expect(second.nextPageCursor).to.equal(undefined);
    });

    it('emits identity.denied and identity.disabled on those moves, and nothing for a move back to PENDING', async () => {
      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(person.id, approve);
      await service.setSandboxStatus(person.id, { userDisabled: true });
      await service.setSandboxStatus(person.id, { userDisabled: false, sanctionsVerification: 'PENDING' });
      await service.setSandboxStatus(person.id, { sanctionsVerification: 'DENIED' });
      const types: string[] = [];
      for await (const event of service.listEvents()) if (event.object.identityId === person.id) types.push(event.type);
      expect(types).to.deep.equal(['identity.approved', 'identity.disabled', 'identity.denied']);
    });

    it('passes unknown event types through, and refuses a bad filter before asking', async () => {
      const { service, events } = setUp();
      const recorded = await events.recordEvent('identity.kyc_refresh.started', {
        identityId: 'abc',
        nextKycRefreshDate: '2027-01-01',
      });
      const future = await events.recordEvent('identity.something_new', { identityId: 'abc' });
      expect((await service.getEvent(recorded.id)).object.nextKycRefreshDate).to.equal('2027-01-01');
      expect((await service.getEvent(future.id)).type).to.equal('identity.something_new');
      await expect(service.listEventsPage({ limit: 101 })).to.be.rejectedWith(IdentityValidationError, /limit/);
      await expect(service.listEventsPage({ createdAt: { gte: 'yesterday' } })).to.be.rejectedWith(
        IdentityValidationError,
        /createdAt\.gte/,
      );
      await expect(service.getEvent('no/such')).to.be.rejectedWith(IdentityValidationError);
      await expect(service.getEvent('unknown-event')).to.be.rejectedWith(EventNotFoundError);
    });
  });

  describe('webhooks', () => {
    it('fetches the event by id and hands the fetched event, not the body, to the handler; a redelivery is a duplicate', async () => {
      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(person.id, approve);
      const [event] = (await service.listEventsPage({ type: 'identity.approved' })).items;
      const handled: PaxosEvent[] = [];
      // The body lies about the type: only its id is used.
      const body = JSON.stringify(notification(event!, { type: 'identity.denied' }));
      const outcome = await service.handleWebhook(body, (e) => {
        handled.push(e);
      });
      expect(outcome.status).to.equal('handled');
      expect(handled.map((e) => e.type)).to.deep.equal(['identity.approved']);
      expect(
        await service.handleWebhook(new TextEncoder().encode(body), () => expect.fail('handled twice')),
      ).to.deep.equal({ status: 'duplicate', eventId: event!.id });
    });

    it('does not mark an event seen when the handler fails, so the redelivery is handled', async () => {
      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(person.id, approve);
      const [event] = (await service.listEventsPage()).items;
      await expect(
        service.handleWebhook(notification(event!), () => Promise.reject(new Error('database down'))),
      ).to.be.rejectedWith('database down');
      let calls = 0;
      const onWebhook = createWebhookHandler(service, { onEvent: () => void (calls += 1) });
      expect((await onWebhook(notification(event!))).status).to.equal('handled');
      expect(calls).to.equal(1);
    });

    it('skips a concurrent redelivery while the first is being handled', async () => {
      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(person.id, approve);
      const [event] = (await service.listEventsPage()).items;
      let release!: () => void;
      const first = service.handleWebhook(
        notification(event!),
        () => new Promise<void>((resolve) => (release = resolve)),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(await service.handleWebhook(notification(event!), () => expect.fail('handled twice'))).to.deep.equal({
        status: 'duplicate',
        eventId: event!.id,
      });
      release();
      expect((await first).status).to.equal('handled');
    });

    it('refuses a malformed body with the field named, and a forged id with event_not_found', async () => {
      const { service } = setUp();
      const never = () => expect.fail('no handler call');
      const valid = {
        id: 'a1b2',
        type: 'identity.approved',
        source: 'com.paxos',
        time: '2026-01-01T00:00:00Z',
        object: 'event',
        is_test: false,
      };
      for (const [body, field] of [
        ['{not json', 'body'],
        [[], 'body'],
        [{ ...valid, id: undefined }, 'id'],
        [{ ...valid, id: '../../v2/identity' }, 'id'],
        [{ ...valid, type: 'Identity Approved' }, 'type'],
        [{ ...valid, time: 'today' }, 'time'],
        [{ ...valid, is_test: 'no' }, 'is_test'],
      ] as const) {
        const error = await expect(service.handleWebhook(body, never)).to.be.rejectedWith(WebhookPayloadError);
        expect(error.field, JSON.stringify(body)).to.equal(field);
      }
      await expect(service.handleWebhook(valid, never)).to.be.rejectedWith(EventNotFoundError);
    });

    it('uses the seen-store given per handler, and the in-memory store forgets the oldest id beyond its size', async () => {
      const store = new InMemorySeenStore({ maxSize: 2 });
      store.add('a');
      store.add('b');
      store.add('c');
      expect([store.has('a'), store.has('b'), store.has('c'), store.size]).to.deep.equal([false, true, true, 2]);
      expect(() => new InMemorySeenStore({ maxSize: 0 })).to.throw(RangeError);

      const { service } = setUp();
      const person = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(person.id, approve);
      const [event] = (await service.listEventsPage()).items;
      const shared = new InMemorySeenStore();
      shared.add(event!.id);
      const onWebhook = createWebhookHandler(service, {
        onEvent: () => expect.fail('seen already'),
        seenStore: shared,
      });
      expect((await onWebhook(notification(event!))).status).to.equal('duplicate');
    });
  });
});
