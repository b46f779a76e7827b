import {
  Identity,
  type CipTriple,
  type CustomerDueDiligence,
  type IdentityProps,
  type Metadata,
  type TaxDetail,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityValidationError,
  type IdentityStatus,
  type InstitutionDetails,
  type InstitutionMember,
  type Open,
  type PersonDetails,
  type SandboxStatusChange,
  type Violation,
} from '../../../domain/index.js';
import {
  DocumentAlreadyExistsError,
  EventNotFoundError,
  InstitutionMemberNotFoundError,
  type DocumentUpload,
  type DocumentUploadRequest,
  type EventFilter,
  type EventPage,
  type IdentityDocuments,
  type InstitutionMembersAdded,
  type PaxosEvent,
} from '../../../domain/index.js';
import { IdentityUpdate, type IdentityPage, type ListIdentitiesFilter } from '../../../domain/index.js';
import {
  IdentityControlNotFoundError,
  type IdentityControl,
  type IdentityControlPage,
  type ListIdentityControlsFilter,
} from '../../../domain/index.js';
import type { Clock, GetIdentityOptions, IdGenerator } from '../../../ports/index.js';
import { DEFAULT_PAGE_SIZE, pageOf } from './listing.js';
import { systemClock, uuidGenerator } from '../../../ports/index.js';
import {
  checkUploadBytes,
  newDocumentRecord,
  SimulatedDocuments,
  type DocumentRecord,
  type UploadRefusal,
} from './simulated-documents.js';
import { SimulatedAccounts } from './simulated-accounts.js';
import { controlledStatus, eventSetBy, SimulatedControls, type ControlDraft } from './simulated-controls.js';
import { SimulatedEventLog, STATUS_EVENT_TYPES } from './simulated-events.js';
import { MicrosecondTimestamps } from './timestamps.js';
import { CipIndex, sameCipKey } from './cip-index.js';
import { deriveSummaryStatus, statusDetailsOf, type StatusContext } from './status-model.js';

export { deriveSummaryStatus } from './status-model.js';

/** Options of a {@link PaxosSimulator}. */
export interface PaxosSimulatorOptions {
  /** Source of `createdAt` / `updatedAt`. Default: the wall clock. */
  readonly clock?: Clock;
  /** Source of identity and member ids. Default: random UUID v4. */
  readonly ids?: IdGenerator;
  /** The largest page a listing returns, whatever `limit` asks for. Default 100. */
  readonly maxPageSize?: number;
  /** Told of every event right after it is recorded, with the API user it belongs to (the emulator's webhooks). */
  readonly onEvent?: (clientId: string, event: PaxosEvent) => void;
}

/**
 * What {@link PaxosSimulator.create} stores: a `NewIdentity` (the in-memory gateway, after the library's rules)
 * or an identity read from Paxos's wire format by a judge of its own (the emulator, after Paxos's schemas and rules).
 */
export interface IdentityDraft {
  readonly type: string;
  readonly refId?: string | undefined;
  readonly person?: PersonDetails | undefined;
  readonly institution?: InstitutionDetails | undefined;
  readonly institutionMembers?: readonly InstitutionMember[] | undefined;
  readonly taxDetails: readonly TaxDetail[];
  readonly taxDetailsNotRequired: boolean;
  readonly customerDueDiligence?: CustomerDueDiligence | undefined;
  readonly isMerchant?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
  /** The triple Paxos keeps unique; absent only when a judge accepted details without one. */
  readonly cip?: CipTriple | undefined;
}

interface ClientStore {
  readonly clientId: string;
  readonly byId: Map<string, Identity>;
  readonly byRefId: Map<string, string>;
  readonly byCip: CipIndex;
  /** Person id → ids of the institutions it is a member of, so their status follows the member's. */
  readonly memberOf: Map<string, Set<string>>;
  /** Ids of the identities that were APPROVED at some point: only those can be DISABLED (§8.1). */
  readonly approvedOnce: Set<string>;
}

/**
 * Paxos's identity behaviour without HTTP: per-API-user stores, `refId` and CIP-triple uniqueness, server-set
 * sub-statuses, derived tax details, sandbox status changes and the summary status that follows from them.
 * The in-memory gateway and the emulator both run on it, so they behave the same.
 */
export class PaxosSimulator {
  private readonly clients = new Map<string, ClientStore>();
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly timestamps = new MicrosecondTimestamps();
  private readonly maxPageSize: number;
  private readonly onEvent: ((clientId: string, event: PaxosEvent) => void) | undefined;
  private readonly eventLogs = new WeakMap<ClientStore, SimulatedEventLog>();
  private readonly documents = new WeakMap<ClientStore, SimulatedDocuments>();
  private readonly accountStores = new WeakMap<ClientStore, SimulatedAccounts>();
  private readonly controlStores = new WeakMap<ClientStore, SimulatedControls>();
  /** Upload slots by file id: the pre-signed URL carries no credentials, so the slot is found without a client. */
  private readonly uploads = new Map<string, DocumentRecord>();
  /** The API user of each upload slot, so that an upload can move its identity's status on (§8.6). */
  private readonly uploadOwners = new Map<string, ClientStore>();

  constructor(options: PaxosSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidGenerator;
    this.maxPageSize = options.maxPageSize ?? DEFAULT_PAGE_SIZE;
    this.onEvent = options.onEvent;
  }

  /** Creates an identity for `clientId`, as `POST /identity/identities` does. */
  create(clientId: string, draft: IdentityDraft): Identity {
    const store = this.store(clientId);
    // Read once: a NewIdentity computes its triple on every read.
    const cip = draft.cip;
    this.checkUniqueIn(store, draft.refId, draft.type, cip);
    const members =
      draft.institutionMembers === undefined ? undefined : this.linkMembers(store, draft.institutionMembers);

    const id = this.ids.next();
    const at = this.timestamps.next(this.clock.now());
    const taxDetails = draft.taxDetails;
    const props: Writable<IdentityProps> = {
      id,
      type: draft.type,
      refId: draft.refId,
      summaryStatus: 'PENDING',
      person: draft.person === undefined ? undefined : initialPersonStatuses(draft.person),
      institution: draft.institution === undefined ? undefined : initialInstitutionStatuses(draft.institution),
      institutionMembers: members,
      taxDetails,
      taxDetailsNotRequired: draft.taxDetailsNotRequired,
      summaryTinVerificationStatus: hasUsTaxDetail(taxDetails) ? 'TIN_VERIFICATION_PENDING' : undefined,
      customerDueDiligence: draft.customerDueDiligence,
      isMerchant: draft.isMerchant,
      metadata: draft.metadata,
      createdAt: at,
      updatedAt: at,
    };
    const identity = Identity.rehydrate(props);
    store.byId.set(id, identity);
    if (draft.refId !== undefined) store.byRefId.set(draft.refId, id);
    if (cip !== undefined) store.byCip.set(draft.type, cip, id);
    if (members !== undefined) {
      for (const member of members) {
        let set = store.memberOf.get(member.identityId);
        if (set === undefined) store.memberOf.set(member.identityId, (set = new Set()));
        set.add(id);
      }
    }
    // The answer is made from the fields the identity was just made from, not from a copy of them.
    const created = Identity.rehydrate(this.viewOf(store, identity, props, CREATED_VIEW));
    // Create always answers PENDING; the checks decide right after (a DENIED passthrough verification, §8.2).
    this.save(store, identity);
    return created;
  }

  /**
   * Throws as {@link create} would for a `refId` or CIP triple `clientId` already used.
   *
   * @throws {IdentityAlreadyExistsError} naming the identity that has them.
   */
  checkUnique(clientId: string, draft: IdentityDraft): void {
    this.checkUniqueIn(this.store(clientId), draft.refId, draft.type, draft.cip);
  }

  private checkUniqueIn(store: ClientStore, refId: string | undefined, type: string, cip: CipTriple | undefined): void {
    if (refId !== undefined) {
      const existing = store.byRefId.get(refId);
      if (existing !== undefined) throw new IdentityAlreadyExistsError(existing, 'ref_id');
    }
    const sameCip = cip === undefined ? undefined : store.byCip.get(type, cip);
    if (sameCip !== undefined) throw new IdentityAlreadyExistsError(sameCip, 'cip_id');
  }

  /** Reads an identity of `clientId`, as `GET /identity/identities/{id}` does. */
  get(clientId: string, id: string, options: GetIdentityOptions = {}): Identity {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    return this.view(store, this.require(store, id), options);
  }

  /**
   * One page of `clientId`'s identities, without details, as `GET /identity/identities` does: ordered by
   * (createdAt, id), DESC unless asked otherwise, at most `maxPageSize` items, with an opaque position cursor.
   *
   * @throws {IdentityRejectedError} (status 400) for a cursor this simulator did not hand out.
   */
  listPage(clientId: string, filter: ListIdentitiesFilter): IdentityPage {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    const controls = this.controlsOf(store);
    const identities = [...store.byId.values()].filter((identity) => controls.matches(identity.id, filter));
    const page = pageOf(identities, filter, this.maxPageSize);
    return {
      items: page.items.map((identity) => this.view(store, identity, { includeDetails: false })),
      ...(page.nextPageCursor !== undefined && { nextPageCursor: page.nextPageCursor }),
    };
  }

  /**
   * Applies `changes` to an identity of `clientId` with Paxos's delta semantics, as `PUT /identity/identities/{id}`
   * does: the changes are checked against the identity as it will be, `refId` and the CIP triple stay unique,
   * `updatedAt` moves and the summary status follows (`setUserDisabled`). Resolves to the identity with details.
   *
   * @param changes `IdentityChanges`, or any value an untyped caller sends (it is checked all the same).
   * @throws {IdentityRejectedError} (status 400) when the changes break a rule.
   * @throws {IdentityAlreadyExistsError} when the new `refId` or CIP triple belongs to another identity.
   */
  update(clientId: string, id: string, changes: unknown): Identity {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    const current = this.require(store, id);
    let update: IdentityUpdate;
    try {
      update = IdentityUpdate.plan(current, changes, { now: this.clock.now() });
    } catch (error) {
      if (error instanceof IdentityValidationError)
        throw new IdentityRejectedError('the changes break a rule', { violations: error.violations });
      throw error;
    }
    const saved = this.commit(store, current, update.applyTo(current));
    return this.kycRefreshed(store, saved, update.delta.lastKycRefreshDate);
  }

  /**
   * Replaces fields of an identity of `clientId` without checking them: for a caller that judged the update itself
   * (the emulator, by Paxos's schemas and rules). `refId` and the CIP triple stay unique, `updatedAt` moves and the
   * summary status follows. Resolves to the identity with details. `kycRefreshDate` is the `last_kyc_refresh_date`
   * the request carried: it completes a KYC refresh under way.
   *
   * @throws {IdentityAlreadyExistsError} when the new `refId` or CIP triple belongs to another identity.
   */
  replace(clientId: string, id: string, changes: Partial<IdentityProps>, kycRefreshDate?: string): Identity {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    const current = this.require(store, id);
    const saved = this.commit(store, current, current.with({ ...changes, id, type: current.type }));
    return this.kycRefreshed(store, saved, kycRefreshDate);
  }

  private commit(store: ClientStore, current: Identity, next: Identity): Identity {
    const id = current.id;
    if (next.refId !== undefined && next.refId !== current.refId) {
      const owner = store.byRefId.get(next.refId);
      if (owner !== undefined && owner !== id) throw new IdentityAlreadyExistsError(owner, 'ref_id');
    }
    const cipMoves = !sameCipKey(current.type, current.cip, next.type, next.cip);
    if (next.cip !== undefined && cipMoves) {
      const owner = store.byCip.get(next.type, next.cip);
      if (owner !== undefined && owner !== id) throw new IdentityAlreadyExistsError(owner, 'cip_id');
    }
    if (current.refId !== next.refId) {
      if (current.refId !== undefined) store.byRefId.delete(current.refId);
      if (next.refId !== undefined) store.byRefId.set(next.refId, id);
    }
    if (cipMoves) {
      if (current.cip !== undefined) store.byCip.delete(current.type, current.cip);
      if (next.cip !== undefined) store.byCip.set(next.type, next.cip, id);
    }
    const usTax = hasUsTaxDetail(next.taxDetails);
    this.save(
      store,
      next.with({
        summaryTinVerificationStatus: usTax
          ? (current.summaryTinVerificationStatus ?? 'TIN_VERIFICATION_PENDING')
          : undefined,
        updatedAt: this.timestamps.next(this.clock.now()),
      }),
    );
    return this.view(store, this.require(store, id), { includeDetails: true, includeInstitutionMembers: true });
  }

  /** Applies a sandbox status change and re-derives the summary status, as `PUT …/sandbox-status` does. */
  setSandboxStatus(clientId: string, id: string, change: SandboxStatusChange): void {
    const store = this.store(clientId);
    const identity = this.require(store, id);
    let person = identity.person;
    let institution = identity.institution;
    if (person !== undefined) {
      person = {
        ...person,
        ...(change.idVerification && { idVerificationStatus: change.idVerification }),
        ...(change.sanctionsVerification && { sanctionsVerificationStatus: change.sanctionsVerification }),
        ...(change.additionalScreening && { additionalScreeningStatus: change.additionalScreening }),
      };
    }
    if (institution !== undefined) {
      institution = {
        ...institution,
        ...(change.sanctionsVerification && { sanctionsVerificationStatus: change.sanctionsVerification }),
        ...(change.documentVerification && { documentVerificationStatus: change.documentVerification }),
        ...(change.additionalScreening && { additionalScreeningStatus: change.additionalScreening }),
      };
    }
    const updated = identity.with({
      person,
      institution,
      userDisabled: change.userDisabled ?? identity.userDisabled,
      adminDisabled: change.adminDisabled ?? identity.adminDisabled,
      updatedAt: this.timestamps.next(this.clock.now()),
    });
    this.save(store, updated);
  }

  /**
   * Links more existing PERSON identities to an institution, as `POST /identity/institution-members` does: the new
   * links get ids, the existing ones stay, and the institution's summary status is derived again (an APPROVED
   * institution with a new PENDING member is PENDING again).
   */
  addInstitutionMembers(
    clientId: string,
    institutionId: string,
    members: readonly InstitutionMember[],
  ): InstitutionMembersAdded {
    const store = this.store(clientId);
    const institution = this.require(store, institutionId);
    if (institution.type !== 'INSTITUTION') {
      const message = 'institutionId: must be the id of an INSTITUTION identity';
      throw new IdentityValidationError([{ path: 'institutionId', code: 'forbidden', message }]);
    }
    const existing = new Set((institution.institutionMembers ?? []).map((m) => m.identityId));
    const duplicates: Violation[] = [];
    members.forEach((m, i) => {
      if (existing.has(m.identityId)) {
        duplicates.push({
          path: `members[${i}].identityId`,
          code: 'duplicate',
          message: `members[${i}].identityId: is already a member of this institution`,
        });
      }
    });
    if (duplicates.length > 0) throw new IdentityValidationError(duplicates);
    const linked = this.linkMembers(store, members, 'members');
    for (const member of linked) {
      let set = store.memberOf.get(member.identityId);
      if (set === undefined) store.memberOf.set(member.identityId, (set = new Set()));
      set.add(institutionId);
    }
    this.save(
      store,
      institution.with({
        institutionMembers: [...(institution.institutionMembers ?? []), ...linked],
        updatedAt: this.timestamps.next(this.clock.now()),
      }),
    );
    return {
      institutionId,
      members: linked.map((m) => ({ ...m, summaryStatus: store.byId.get(m.identityId)?.summaryStatus })),
    };
  }

  /**
   * Removes a member link by its id, as `DELETE /identity/institution-members/{id}` does; the institution's summary
   * status is derived again (removing the last PENDING member can approve it).
   */
  removeInstitutionMember(clientId: string, memberId: string): void {
    const store = this.store(clientId);
    for (const institution of store.byId.values()) {
      const members = institution.institutionMembers ?? [];
      const member = members.find((m) => m.id === memberId);
      if (member === undefined) continue;
      store.memberOf.get(member.identityId)?.delete(institution.id);
      this.save(
        store,
        institution.with({
          institutionMembers: members.filter((m) => m.id !== memberId),
          updatedAt: this.timestamps.next(this.clock.now()),
        }),
      );
      return;
    }
    throw new InstitutionMemberNotFoundError(memberId);
  }

  /**
   * Reserves an upload slot, as `PUT /identity/identities/{id}/documents` does. `uploadUrl` builds the pre-signed URL
   * from the file id and its secret token (the emulator points it at itself, the fake uses `memory://`).
   *
   * @throws {DocumentAlreadyExistsError} when the identity already has a document with this name.
   */
  requestDocumentUpload(
    clientId: string,
    identityId: string,
    request: DocumentUploadRequest,
    uploadUrl: (fileId: string, token: string) => string,
  ): DocumentUpload {
    const store = this.store(clientId);
    this.require(store, identityId);
    const documents = this.documentsOf(store);
    if (documents.has(identityId, request.name)) throw new DocumentAlreadyExistsError();
    const record = newDocumentRecord(
      identityId,
      request,
      uuidGenerator.next(),
      uuidGenerator.next(),
      this.timestamps.next(this.clock.now()),
    );
    documents.add(record);
    this.uploads.set(record.fileId, record);
    this.uploadOwners.set(record.fileId, store);
    return { fileId: record.fileId, name: record.name, uploadUrl: uploadUrl(record.fileId, record.uploadToken) };
  }

  /**
   * Receives the bytes PUT to an upload URL. Resolves to undefined when they are stored, or to why not: an unknown
   * file or wrong token, a file of 100 MB or more (`maxBytes`), or not a PDF, JPG or PNG.
   */
  uploadDocument(
    fileId: string,
    token: string,
    bytes: Uint8Array,
    contentType?: string,
    maxBytes?: number,
  ): UploadRefusal | undefined {
    const record = this.uploads.get(fileId);
    if (record === undefined || record.uploadToken !== token) return 'unknown-file';
    const refusal = checkUploadBytes(bytes, contentType, maxBytes);
    if (refusal !== undefined) return refusal;
    record.uploaded = true;
    this.resettle(this.uploadOwners.get(fileId), record.identityId);
    return undefined;
  }

  /** The documents of an identity, as `GET …/documents` does; pending types only with `includePending`. */
  listDocuments(clientId: string, identityId: string, includePending = false): IdentityDocuments {
    const store = this.store(clientId);
    this.require(store, identityId);
    return this.documentsOf(store).list(identityId, includePending);
  }

  /**
   * Paxos asks for documents (enhanced due diligence): the types become pending for the identity and an
   * `identity.documents_required` event is recorded. Sandbox control of the fake and the emulator.
   */
  requireDocuments(clientId: string, identityId: string, documentTypes: readonly string[]): PaxosEvent {
    const store = this.store(clientId);
    this.require(store, identityId);
    this.documentsOf(store).require(identityId, documentTypes);
    const event = this.recordEvent(clientId, 'identity.documents_required', {
      identityId,
      requiredDocuments: [...documentTypes],
    });
    this.resettle(store, identityId);
    return event;
  }

  /** Records an event of any type (a KYC refresh, or one Paxos has not documented yet), as Paxos would emit it. */
  recordEvent(clientId: string, type: string, object: PaxosEvent['object']): PaxosEvent {
    return this.appendEvent(this.store(clientId), type, object);
  }

  /**
   * A page of the API user's events, as `GET /events` does: oldest first by default, opaque cursors.
   *
   * @throws {IdentityValidationError} for a cursor this simulator did not issue for this order.
   */
  listEvents(clientId: string, request: EventFilter & { pageCursor?: string | undefined }): EventPage {
    const page = this.eventLogOf(this.store(clientId)).page(request);
    if (page === 'bad-cursor') {
      throw new IdentityValidationError([
        { path: 'pageCursor', code: 'format', message: 'pageCursor: is not a cursor of this listing' },
      ]);
    }
    return page;
  }

  /** One event of the API user, as `GET /events/{id}` does. */
  getEvent(clientId: string, id: string): PaxosEvent {
    const event = this.eventLogOf(this.store(clientId)).get(id);
    if (event === undefined) throw new EventNotFoundError(id);
    return event;
  }

  private statusChanged(store: ClientStore, previous: Open<IdentityStatus>, saved: Identity): void {
    // Checks that pass on an identity the client disabled meanwhile: it was approved, then off-boarded (§8.1).
    if (saved.summaryStatus === 'DISABLED' && previous !== 'APPROVED' && !store.approvedOnce.has(saved.id)) {
      this.statusChanged(store, previous, saved.with({ summaryStatus: 'APPROVED' }));
      previous = 'APPROVED';
    }
    if (saved.summaryStatus === 'APPROVED') store.approvedOnce.add(saved.id);
    const type = STATUS_EVENT_TYPES[saved.summaryStatus];
    if (type === undefined) return;
    const object = { identityId: saved.id, oldSummaryStatus: previous, newSummaryStatus: saved.summaryStatus };
    this.appendEvent(store, type, object);
  }

  /** The status model's view of what an identity's status depends on beyond itself. */
  private statusContext(store: ClientStore, id: string): StatusContext {
    return {
      memberStatus: (memberId) => store.byId.get(memberId)?.summaryStatus,
      documentsPending: this.documents.get(store)?.hasPending(id) ?? false,
      wasApproved: store.approvedOnce.has(id),
    };
  }

  /** Derives an identity's status again after something it depends on changed outside it (documents). */
  private resettle(store: ClientStore | undefined, id: string): void {
    const identity = store?.byId.get(id);
    if (store === undefined || identity === undefined) return;
    const context = this.statusContext(store, id);
    if (deriveSummaryStatus(identity, context.memberStatus, context) === identity.summaryStatus) return;
    this.save(store, identity.with({ updatedAt: this.timestamps.next(this.clock.now()) }));
  }

  private appendEvent(store: ClientStore, type: string, object: PaxosEvent['object']): PaxosEvent {
    const at = this.timestamps.next(this.clock.now());
    const event = this.eventLogOf(store).append(uuidGenerator.next(), type, object, at);
    this.onEvent?.(store.clientId, event);
    return event;
  }

  private eventLogOf(store: ClientStore): SimulatedEventLog {
    let log = this.eventLogs.get(store);
    if (log === undefined) this.eventLogs.set(store, (log = new SimulatedEventLog()));
    return log;
  }

  /** The accounts of `clientId` (Accounts and Account Members), which see this API user's identities only. */
  accounts(clientId: string): SimulatedAccounts {
    const store = this.store(clientId);
    let accounts = this.accountStores.get(store);
    if (accounts === undefined) {
      accounts = new SimulatedAccounts({
        identity: (id) => store.byId.get(id),
        clock: this.clock,
        ids: this.ids,
        timestamps: this.timestamps,
        maxPageSize: this.maxPageSize,
      });
      this.accountStores.set(store, accounts);
    }
    return accounts;
  }

  /**
   * One page of an identity's controls, as `GET /identity/controls` does: oldest first, deleted ones only with
   * `includeDeleted`.
   */
  listControls(clientId: string, filter: ListIdentityControlsFilter): IdentityControlPage {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    this.require(store, filter.identityId);
    return this.controlsOf(store).page(filter, Math.max(this.maxPageSize, 1000));
  }

  /**
   * Sets a control, as `POST /identity/controls` does (`SET_BY_CLIENT`, overridable), or as Paxos sets one itself
   * (`SET_BY_PAXOS`, not overridable: FROZEN, a compliance hold). The identity's status follows and
   * `identity.control.created` is recorded.
   */
  createControl(clientId: string, draft: ControlDraft): IdentityControl {
    const store = this.store(clientId);
    const identity = this.require(store, draft.identityId);
    const control = this.controlsOf(store).add(this.ids.next(), draft, this.timestamps.next(this.clock.now()));
    this.appendEvent(store, 'identity.control.created', controlEventObject(draft.identityId, control));
    this.save(store, identity.with({ updatedAt: this.timestamps.next(this.clock.now()) }));
    return control;
  }

  /**
   * Deletes an overridable control, as `DELETE /identity/controls` does; the identity's status follows (back to
   * APPROVED once no control holds it) and `identity.control.deleted` is recorded.
   *
   * @throws {IdentityControlNotFoundError} for an unknown or already deleted control.
   * @throws {IdentityRejectedError} (status 400) for a control Paxos set that may not be overridden.
   */
  deleteControl(clientId: string, controlId: string): void {
    const store = this.store(clientId);
    const controls = this.controlsOf(store);
    const record = controls.active(controlId);
    if (record === undefined) throw new IdentityControlNotFoundError(controlId);
    if (!record.control.isOverridable) {
      const message = 'controlId: the control was set by Paxos and is not overridable';
      throw new IdentityRejectedError('the control is not overridable', {
        violations: [{ path: 'controlId', code: 'forbidden', message }],
      });
    }
    controls.markDeleted(record, this.timestamps.next(this.clock.now()));
    this.appendEvent(store, 'identity.control.deleted', controlEventObject(record.identityId, record.control));
    const identity = this.require(store, record.identityId);
    this.save(store, identity.with({ updatedAt: this.timestamps.next(this.clock.now()) }));
  }

  /**
   * Starts a KYC refresh, as the sandbox `POST …/kyc-refresh` does: only an approved (or disabled) identity with no
   * refresh under way is eligible. The window is 30 days (§8.5); `identity.kyc_refresh.started` is recorded.
   *
   * @throws {IdentityRejectedError} (status 400) when the identity is not eligible.
   */
  startKycRefresh(clientId: string, identityId: string): void {
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    const identity = this.require(store, identityId);
    const eligible =
      (identity.summaryStatus === 'APPROVED' || identity.summaryStatus === 'DISABLED') &&
      !this.controlsOf(store).refreshing(identityId);
    if (!eligible) {
      const message = 'identityId: the identity is not eligible for a KYC refresh';
      throw new IdentityRejectedError('the identity is not eligible for a KYC refresh', {
        violations: [{ path: 'identityId', code: 'forbidden', message }],
      });
    }
    this.beginKycRefresh(store, identity, KYC_REFRESH_WINDOW_DAYS);
  }

  /**
   * Starts a KYC refresh whatever the eligibility, expiring after `expiryDays`, as the sandbox force-start does.
   *
   * @throws {IdentityRejectedError} (status 400) for `expiryDays` outside 1–90.
   */
  forceStartKycRefresh(clientId: string, identityId: string, expiryDays: number): void {
    if (!Number.isInteger(expiryDays) || expiryDays < 1 || expiryDays > 90) {
      const message = 'expiryDays: must be an integer from 1 to 90';
      throw new IdentityRejectedError('expiry_days is out of range', {
        violations: [{ path: 'expiryDays', code: 'range', message }],
      });
    }
    const store = this.store(clientId);
    this.expireKycRefreshes(store);
    this.beginKycRefresh(store, this.require(store, identityId), expiryDays);
  }

  /** Clears an identity's KYC refresh state, as the sandbox reset does; no event. */
  resetKycRefresh(clientId: string, identityId: string): void {
    const store = this.store(clientId);
    this.require(store, identityId);
    this.controlsOf(store).endRefresh(identityId);
  }

  private beginKycRefresh(store: ClientStore, identity: Identity, days: number): void {
    const now = this.clock.now().getTime();
    const deadline = now + days * DAY_MS;
    const nextKycRefreshDate = new Date(deadline).toISOString();
    this.controlsOf(store).startRefresh(identity.id, deadline, nextKycRefreshDate);
    this.appendEvent(store, 'identity.kyc_refresh.started', {
      identityId: identity.id,
      ...(identity.lastKycRefreshDate !== undefined && { lastKycRefreshDate: identity.lastKycRefreshDate }),
      nextKycRefreshDate,
    });
  }

  /** An update that carried `lastKycRefreshDate` completes the refresh under way (§8.5). */
  private kycRefreshed(store: ClientStore, saved: Identity, lastKycRefreshDate: string | undefined): Identity {
    const controls = this.controlsOf(store);
    if (lastKycRefreshDate === undefined || !controls.refreshing(saved.id)) return saved;
    controls.endRefresh(saved.id);
    const last = Date.parse(lastKycRefreshDate);
    // The next one is due a period later; Paxos's periods are one to three years, the shortest is assumed.
    const next = Number.isNaN(last) ? undefined : new Date(last + 365 * DAY_MS).toISOString();
    this.appendEvent(store, 'identity.kyc_refresh.completed', {
      identityId: saved.id,
      lastKycRefreshDate,
      ...(next !== undefined && { nextKycRefreshDate: next }),
    });
    return saved;
  }

  /**
   * Refreshes whose window passed expire: `identity.kyc_refresh.expired`, then Paxos restricts the identity to selling
   * (a SELL_ONLY control it set, reason COMPLIANCE_KYC; §8.5 "the identity gets disabled").
   */
  private expireKycRefreshes(store: ClientStore): void {
    for (const { identityId, nextKycRefreshDate } of this.controlsOf(store).takeExpired(this.clock.now().getTime())) {
      const identity = store.byId.get(identityId);
      if (identity === undefined) continue;
      this.appendEvent(store, 'identity.kyc_refresh.expired', {
        identityId,
        ...(identity.lastKycRefreshDate !== undefined && { lastKycRefreshDate: identity.lastKycRefreshDate }),
        nextKycRefreshDate,
      });
      this.createControl(store.clientId, {
        identityId,
        type: 'SELL_ONLY',
        reasonCode: 'COMPLIANCE_KYC',
        setBy: 'SET_BY_PAXOS',
      });
    }
  }

  private controlsOf(store: ClientStore): SimulatedControls {
    let controls = this.controlStores.get(store);
    if (controls === undefined) this.controlStores.set(store, (controls = new SimulatedControls()));
    return controls;
  }

  private documentsOf(store: ClientStore): SimulatedDocuments {
    let documents = this.documents.get(store);
    if (documents === undefined) this.documents.set(store, (documents = new SimulatedDocuments()));
    return documents;
  }

  private save(store: ClientStore, identity: Identity): void {
    const context = this.statusContext(store, identity.id);
    const summaryStatus = controlledStatus(
      deriveSummaryStatus(identity, context.memberStatus, context),
      this.controlsOf(store).activeOf(identity.id),
    );
    const saved = summaryStatus === identity.summaryStatus ? identity : identity.with({ summaryStatus });
    const previous = store.byId.get(saved.id);
    store.byId.set(saved.id, saved);
    if (previous?.summaryStatus === saved.summaryStatus) return;
    if (previous !== undefined) this.statusChanged(store, previous.summaryStatus, saved);
    // An institution's status depends on its members': follow the change upwards.
    for (const institutionId of store.memberOf.get(saved.id) ?? []) {
      const institution = store.byId.get(institutionId);
      const upward = this.statusContext(store, institutionId);
      if (
        institution !== undefined &&
        deriveSummaryStatus(institution, upward.memberStatus, upward) !== institution.summaryStatus
      ) {
        this.save(store, institution.with({ updatedAt: this.timestamps.next(this.clock.now()) }));
      }
    }
  }

  private linkMembers(
    store: ClientStore,
    members: readonly InstitutionMember[],
    field = 'institutionMembers',
  ): InstitutionMember[] {
    const violations: Violation[] = [];
    const linked = members.map((member, i) => {
      const person = store.byId.get(member.identityId);
      if (person === undefined || person.type !== 'PERSON') {
        const path = `${field}[${i}].identityId`;
        violations.push({
          path,
          code: 'not_found',
          message: `${path}: must be an existing PERSON identity of the same API user`,
        });
        return member;
      }
      const name = person.person === undefined ? undefined : `${person.person.firstName} ${person.person.lastName}`;
      return { ...member, id: this.ids.next(), ...(name !== undefined && { name }) };
    });
    if (violations.length > 0) {
      throw new IdentityRejectedError('institution members must be existing PERSON identities of the same API user', {
        violations,
      });
    }
    return linked;
  }

  private view(store: ClientStore, identity: Identity, options: GetIdentityOptions): Identity {
    return Identity.rehydrate(this.viewOf(store, identity, identity.props(), options));
  }

  /** `props`, the fields of `identity` in an object of the caller's to change, as Paxos answers with them. */
  private viewOf(
    store: ClientStore,
    identity: Identity,
    props: Writable<IdentityProps>,
    options: GetIdentityOptions,
  ): IdentityProps {
    const includeDetails = options.includeDetails ?? true;
    const includeMembers = options.includeInstitutionMembers ?? false;
    // Every answer carries SPEC26's `status` and `status_details` beside the deprecated `summary_status` (§4.1).
    props.status = identity.summaryStatus;
    props.statusDetails = statusDetailsOf(
      identity,
      this.statusContext(store, identity.id),
      this.controlsOf(store).activeOf(identity.id),
    );
    props.person = includeDetails ? identity.person : undefined;
    props.institution = includeDetails ? identity.institution : undefined;
    props.institutionMembers = includeMembers
      ? identity.institutionMembers?.map((m) => ({
          ...m,
          summaryStatus: store.byId.get(m.identityId)?.summaryStatus,
        }))
      : undefined;
    return props;
  }

  private require(store: ClientStore, id: string): Identity {
    const identity = store.byId.get(id);
    if (identity === undefined) throw new IdentityNotFoundError(id);
    return identity;
  }

  private store(clientId: string): ClientStore {
    let store = this.clients.get(clientId);
    if (store === undefined) {
      store = {
        clientId,
        byId: new Map(),
        byRefId: new Map(),
        byCip: new CipIndex(),
        memberOf: new Map(),
        approvedOnce: new Set(),
      };
      this.clients.set(clientId, store);
    }
    return store;
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What a create answers with: the identity with its details and members. */
const CREATED_VIEW: GetIdentityOptions = Object.freeze({ includeDetails: true, includeInstitutionMembers: true });

const DAY_MS = 86_400_000;
/** The usual window of a KYC refresh (§8.5). */
const KYC_REFRESH_WINDOW_DAYS = 30;

/** The `identity_control` object of a control event (§8.3's table). */
function controlEventObject(identityId: string, control: IdentityControl): PaxosEvent['object'] {
  return {
    identityId,
    controlId: control.id,
    controlType: control.type,
    setBy: eventSetBy(control.setBy),
    isOverridable: control.isOverridable,
    ...(control.reasonCode !== undefined && { reasonCode: control.reasonCode }),
  };
}

/** Whether a tax detail names the USA: Paxos then verifies the TIN. */
function hasUsTaxDetail(taxDetails: readonly TaxDetail[]): boolean {
  for (const t of taxDetails) if (t.taxPayerCountry === 'USA') return true;
  return false;
}

function initialPersonStatuses(person: PersonDetails): PersonDetails {
  // A passthrough verification that the client reports as done is taken as Paxos's id verification (seed response).
  const idVerificationStatus: Open<IdentityStatus> =
    person.verifierType === 'PASSTHROUGH' ? (person.passthroughVerificationStatus ?? 'APPROVED') : 'PENDING';
  // Object.assign, not a spread: V8 spreads an object built field by field (as the parser builds it) on a slow path
  // that cost as much as the rest of the create (about 7 µs against 1 µs, measured on Node 20).
  const copy: { -readonly [K in keyof PersonDetails]: PersonDetails[K] } = Object.assign({}, person);
  copy.idVerificationStatus = idVerificationStatus;
  copy.sanctionsVerificationStatus = 'PENDING';
  copy.additionalScreeningStatus = 'PENDING';
  return copy;
}

function initialInstitutionStatuses(institution: InstitutionDetails): InstitutionDetails {
  // Object.assign for the same reason as initialPersonStatuses.
  const copy: { -readonly [K in keyof InstitutionDetails]: InstitutionDetails[K] } = Object.assign({}, institution);
  copy.sanctionsVerificationStatus = 'PENDING';
  copy.documentVerificationStatus = 'PENDING';
  copy.additionalScreeningStatus = 'PENDING';
  return copy;
}
