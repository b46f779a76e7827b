import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { waitForStatus } from '../../application/wait-for-status.js';
import { NewIdentity, type CreateIdentityCommand, type Identity, type PaxosEvent } from '../../domain/index.js';
import type { DocumentGateway, EventGateway, IdentityGateway, InstitutionMemberGateway } from '../../ports/index.js';
import { contractPerson as person, rejectsWith } from './fixtures.js';
import { runnerGlobal } from './mocha-globals.js';

/** The gateways one backend offers, sharing its state: what {@link describeIdentityLifecycleContract} runs against. */
export interface LifecycleGateways {
  readonly identities: IdentityGateway;
  readonly members: InstitutionMemberGateway;
  readonly documents: DocumentGateway;
  readonly events: EventGateway;
}

/** Options of {@link describeIdentityLifecycleContract}. */
export interface LifecycleContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
  /** Run the cases that need `setSandboxStatus` (approvals, events, waitForStatus). Default true. */
  readonly sandboxStatus?: boolean;
  /** How often to look again for an event that may be emitted asynchronously (Paxos's sandbox). Default 10. */
  readonly eventAttempts?: number;
  /**
   * Sandbox controls of a fake or an emulator that make Paxos ask for EDD documents (§8.6) and put a file's bytes at
   * its upload URL. With them, the EDD case runs; Paxos's sandbox has no such control.
   */
  readonly enhancedDueDiligence?: EnhancedDueDiligenceControls;
}

/** See {@link LifecycleContractOptions.enhancedDueDiligence}. */
export interface EnhancedDueDiligenceControls {
  /** Paxos asks `identityId` for documents of these types (and emits `identity.documents_required`). */
  requireDocuments(identityId: string, documentTypes: readonly string[]): unknown;
  /** PUTs `bytes` to an upload URL a `requestUpload` returned. */
  upload(uploadUrl: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

/** The first bytes of a PDF: enough for the object store's type check. */
const PDF_BYTES = new TextEncoder().encode('%PDF-1.4\n%contract\n');

function institution(memberIds: readonly string[]): NewIdentity {
  const ein = String(randomInt(100_000_000, 1_000_000_000));
  const command: CreateIdentityCommand = {
    refId: randomUUID(),
    institution: {
      name: 'Contract Holdings LLC',
      businessAddress: {
        country: 'USA',
        address1: '2 Example Ave',
        city: 'New York',
        province: 'NY',
        zipCode: '10002',
      },
      incorporationAddress: {
        country: 'USA',
        address1: '2 Example Ave',
        city: 'Dover',
        province: 'DE',
        zipCode: '19901',
      },
      institutionType: 'LLC',
      institutionSubType: 'INVESTMENT',
      cipId: `${ein.slice(0, 2)}-${ein.slice(2)}`,
      cipIdType: 'EIN',
      cipIdCountry: 'USA',
      govtRegistrationDate: '2021-04-14T00:00:00Z',
      regulationStatus: 'NON_REGULATED',
      tradingType: 'PRIVATE',
      businessDescription: 'Holding company',
    },
    institutionMembers: memberIds.map((identityId, i) => ({
      identityId,
      roles: i === 0 ? ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'] : ['AUTHORIZED_USER'],
    })),
  };
  return NewIdentity.create(command);
}

const approve = { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' } as const;
const approveInstitution = { sanctionsVerification: 'APPROVED', documentVerification: 'APPROVED' } as const;

/** The `identity_summary_status_change` events about `identityId` since `since`, oldest first, one listing. */
async function statusEventsOf(events: EventGateway, identityId: string, since: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await events.listPage({
      createdAt: { gte: since },
      ...(cursor !== undefined && { pageCursor: cursor }),
    });
    for (const e of page.items) {
      if (e.object.identityId === identityId && e.object.newSummaryStatus !== undefined)
        seen.push(`${String(e.object.oldSummaryStatus)}→${String(e.object.newSummaryStatus)}`);
    }
    cursor = page.nextPageCursor;
  } while (cursor !== undefined);
  return seen;
}

/**
 * Registers the contract of institution members, documents, events and status tracking: member links with ids, an
 * institution APPROVED only while all its members are, document upload slots and listings, `identity.approved`
 * events on a status change, `getEvent`, listing by type, and `waitForStatus`. Cases use fresh identities and never
 * count global state, so they run against Paxos's sandbox too. `makeGateways` is called once, lazily.
 *
 * @example
 * ```ts
 * const simulator = new PaxosSimulator();
 * describeIdentityLifecycleContract('in-memory', () => ({
 *   identities: new InMemoryIdentityGateway({ simulator }),
 *   members: new InMemoryMemberGateway({ simulator }),
 *   documents: new InMemoryDocumentGateway({ simulator }),
 *   events: new InMemoryEventGateway({ simulator }),
 * }));
 * ```
 */
export function describeIdentityLifecycleContract(
  name: string,
  makeGateways: () => LifecycleGateways | Promise<LifecycleGateways>,
  options: LifecycleContractOptions = {},
): void {
  const describe = options.describe ?? runnerGlobal('describeIdentityLifecycleContract', 'describe');
  const it = options.it ?? runnerGlobal('describeIdentityLifecycleContract', 'it');
  const attempts = options.eventAttempts ?? 10;
  let made: Promise<LifecycleGateways> | undefined;
  const gateways = (): Promise<LifecycleGateways> => (made ??= Promise.resolve().then(makeGateways));

  /** Finds the event of `type` about `identityId` created since `since`, looking again while the backend catches up. */
  async function findEvent(
    events: EventGateway,
    type: string,
    identityId: string,
    since: string,
  ): Promise<PaxosEvent | undefined> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      let cursor: string | undefined;
      do {
        const page = await events.listPage({
          type,
          createdAt: { gte: since },
          ...(cursor !== undefined && { pageCursor: cursor }),
        });
        const hit = page.items.find((e) => e.object.identityId === identityId);
        if (hit !== undefined) return hit;
        cursor = page.nextPageCursor;
      } while (cursor !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return undefined;
  }

  describe(`Identity lifecycle contract: ${name}`, () => {
    it('adds members to an institution: each link gets an id and the institution lists them all', async () => {
      const g = await gateways();
      const first = await g.identities.create(person());
      const second = await g.identities.create(person());
      const org = await g.identities.create(institution([first.id]));
      const added = await g.members.addMembers(org.id, [{ identityId: second.id, roles: ['AUTHORIZED_USER'] }]);
      assert.equal(added.institutionId, org.id);
      assert.equal(added.members.length, 1);
      const [link] = added.members;
      assert.ok(link !== undefined, 'the added member comes back');
      assert.equal(link.identityId, second.id);
      assert.ok(typeof link.id === 'string' && link.id.length > 0, 'the new link has an id');
      const got = await g.identities.get(org.id, { includeInstitutionMembers: true });
      assert.deepEqual(new Set(got.institutionMembers?.map((m) => m.identityId)), new Set([first.id, second.id]));
    });

    it('removes a member by its link id; a second removal is institution_member_not_found', async () => {
      const g = await gateways();
      const first = await g.identities.create(person());
      const second = await g.identities.create(person());
      const org = await g.identities.create(institution([first.id, second.id]));
      const link = (await g.identities.get(org.id, { includeInstitutionMembers: true })).institutionMembers?.find(
        (m) => m.identityId === second.id,
      );
      assert.ok(link?.id !== undefined, 'the member link has an id');
      await g.members.removeMember(link.id);
      const got = await g.identities.get(org.id, { includeInstitutionMembers: true });
      assert.deepEqual(
        got.institutionMembers?.map((m) => m.identityId),
        [first.id],
      );
      await rejectsWith(g.members.removeMember(link.id), (error) => {
        assert.equal(error['code'], 'institution_member_not_found');
      });
    });

    it('refuses to add a member that is not an existing identity (400)', async () => {
      const g = await gateways();
      const first = await g.identities.create(person());
      const org = await g.identities.create(institution([first.id]));
      await rejectsWith(
        g.members.addMembers(org.id, [{ identityId: randomUUID(), roles: ['AUTHORIZED_USER'] }]),
        (error) => {
          assert.equal(error['status'], 400);
        },
      );
    });

    if (options.sandboxStatus !== false) {
      it('an institution is APPROVED only while its own checks and every member are', async () => {
        const g = await gateways();
        const member = await g.identities.create(person('PAXOS'));
        const org = await g.identities.create(institution([member.id]));
        await g.identities.setSandboxStatus(org.id, approveInstitution);
        assert.equal((await g.identities.get(org.id)).summaryStatus, 'PENDING', 'its member is still PENDING');
        await g.identities.setSandboxStatus(member.id, approve);
        assert.equal((await g.identities.get(org.id)).summaryStatus, 'APPROVED', 'the member approval carries up');
        const newcomer = await g.identities.create(person('PAXOS'));
        const added = await g.members.addMembers(org.id, [{ identityId: newcomer.id, roles: ['AUTHORIZED_USER'] }]);
        assert.equal((await g.identities.get(org.id)).summaryStatus, 'PENDING', 'a new PENDING member holds it back');
        const linkId = added.members[0]?.id;
        assert.ok(linkId !== undefined, 'the added member link has an id');
        await g.members.removeMember(linkId);
        assert.equal(
          (await g.identities.get(org.id)).summaryStatus,
          'APPROVED',
          'without that member it is APPROVED again',
        );
      });
    }

    it('documents: an upload slot has a file id and an http(s) or memory URL, and the listing shows it', async () => {
      const g = await gateways();
      const identity = await g.identities.create(person());
      const upload = await g.documents.requestUpload(identity.id, {
        name: `proof-${randomUUID()}.pdf`,
        documentTypes: ['PROOF_OF_RESIDENCY'],
      });
      assert.ok(upload.fileId.length > 0, 'a file id');
      assert.match(upload.uploadUrl, /^(https?|memory):\/\//);
      const listed = await g.documents.list(identity.id, { includePending: true });
      const doc = listed.documents.find((d) => d.fileId === upload.fileId);
      assert.equal(doc?.name, upload.name);
      assert.deepEqual(doc.documentTypes, ['PROOF_OF_RESIDENCY']);
      assert.ok(Array.isArray(listed.pendingDocuments), 'pending document types are listed');
    });

    it('documents: a second upload under the same name is document_already_exists; an unknown identity is identity_not_found', async () => {
      const g = await gateways();
      const identity = await g.identities.create(person());
      const request = { name: `articles-${randomUUID()}.pdf`, documentTypes: ['ORGANIZATIONAL_DOCUMENTS' as const] };
      await g.documents.requestUpload(identity.id, request);
      await rejectsWith(g.documents.requestUpload(identity.id, request), (error) => {
        assert.equal(error['code'], 'document_already_exists');
        assert.equal(error['status'], 409);
      });
      await rejectsWith(g.documents.list(randomUUID()), (error) => {
        assert.equal(error['code'], 'identity_not_found');
      });
    });

    if (options.sandboxStatus !== false) {
      it('events: approving a person emits identity.approved, found by type and by id', async () => {
        const g = await gateways();
        const created = await g.identities.create(person());
        await g.identities.setSandboxStatus(created.id, approve);
        const event = await findEvent(g.events, 'identity.approved', created.id, created.createdAt);
        assert.ok(event !== undefined, 'an identity.approved event about the person');
        assert.equal(event.object.newSummaryStatus, 'APPROVED');
        assert.equal(event.object.oldSummaryStatus, 'PENDING');
        const again = await g.events.get(event.id);
        assert.equal(again.id, event.id);
        assert.equal(again.type, 'identity.approved');
        assert.equal(again.object.identityId, created.id);
      });

      it('events: listing by type returns that type only', async () => {
        const g = await gateways();
        const created = await g.identities.create(person('PAXOS'));
        await g.identities.setSandboxStatus(created.id, { idVerification: 'DENIED' });
        const denied = await findEvent(g.events, 'identity.denied', created.id, created.createdAt);
        assert.ok(denied !== undefined, 'an identity.denied event about the person');
        const page = await g.events.listPage({
          type: 'identity.approved',
          createdAt: { gte: created.createdAt },
          limit: 100,
        });
        assert.ok(page.items.every((e) => e.type === 'identity.approved'));
        assert.ok(!page.items.some((e) => e.id === denied.id));
      });

      it('waitForStatus resolves once the identity is APPROVED', async () => {
        const g = await gateways();
        const created = await g.identities.create(person());
        await g.identities.setSandboxStatus(created.id, approve);
        const done: Identity = await waitForStatus(g.identities, created.id, ['APPROVED', 'DENIED'], {
          timeoutMs: 30_000,
          pollIntervalMs: 200,
        });
        assert.equal(done.id, created.id);
        assert.equal(done.summaryStatus, 'APPROVED');
      });
    }

    if (options.sandboxStatus !== false) {
      it('§8.1 §8.3 identity.disabled is emitted APPROVED → DISABLED, never for an identity that was not approved', async () => {
        const g = await gateways();
        const approved = await g.identities.create(person('PAXOS'));
        const never = await g.identities.create(person('PAXOS'));
        await g.identities.setSandboxStatus(approved.id, approve);
        await g.identities.setSandboxStatus(approved.id, { userDisabled: true });
        await g.identities.setSandboxStatus(never.id, { userDisabled: true });
        const event = await findEvent(g.events, 'identity.disabled', approved.id, approved.createdAt);
        assert.equal(event?.object.oldSummaryStatus, 'APPROVED');
        assert.equal(event.object.newSummaryStatus, 'DISABLED');
        assert.equal((await g.identities.get(never.id)).summaryStatus, 'PENDING');
        assert.deepEqual(await statusEventsOf(g.events, never.id, never.createdAt), []);
      });
    }

    const edd = options.enhancedDueDiligence;
    if (edd !== undefined && options.sandboxStatus !== false) {
      it('§8.6 EDD documents keep a person PENDING until uploaded; then it is APPROVED and identity.approved is emitted', async () => {
        const g = await gateways();
        const created = await g.identities.create(person('PAXOS'));
        await edd.requireDocuments(created.id, ['PROOF_OF_FUNDS']);
        await g.identities.setSandboxStatus(created.id, approve);
        const held = await g.identities.get(created.id);
        assert.equal(held.summaryStatus, 'PENDING', 'the screening passed, the documents are missing');
        assert.ok(
          held.statusDetails?.requirements.some((r) => r.type === 'ENHANCED_DUE_DILIGENCE' && r.status === 'PENDING'),
          'status_details names enhanced due diligence',
        );
        assert.deepEqual((await g.documents.list(created.id, { includePending: true })).pendingDocuments, [
          'PROOF_OF_FUNDS',
        ]);
        const slot = await g.documents.requestUpload(created.id, {
          name: `funds-${randomUUID()}.pdf`,
          documentTypes: ['PROOF_OF_FUNDS'],
        });
        assert.equal((await g.identities.get(created.id)).summaryStatus, 'PENDING', 'a slot is not a document');
        await edd.upload(slot.uploadUrl, PDF_BYTES, 'application/pdf');
        const done = await g.identities.get(created.id);
        assert.equal(done.summaryStatus, 'APPROVED');
        assert.deepEqual(done.statusDetails?.requirements, []);
        assert.deepEqual(await statusEventsOf(g.events, created.id, created.createdAt), ['PENDING→APPROVED']);
      });
    }

    it('reports an unknown event id as event_not_found', async () => {
      const g = await gateways();
      await rejectsWith(g.events.get(randomUUID()), (error) => {
        assert.equal(error['code'], 'event_not_found');
      });
    });

    it('waitForStatus gives up with status_wait_timeout while the identity stays PENDING', async () => {
      const g = await gateways();
      const created = await g.identities.create(person('PAXOS'));
      await rejectsWith(
        waitForStatus(g.identities, created.id, ['APPROVED'], { timeoutMs: 250, pollIntervalMs: 100 }),
        (error) => {
          assert.equal(error['code'], 'status_wait_timeout');
          assert.equal(error['lastStatus'], 'PENDING');
        },
      );
    });
  });
}
