import {
  IdentityNotFoundError,
  parseIdentityId,
  parseSandboxStatusChange,
  type CreateIdentityCommand,
  type Identity,
  type IdentityChanges,
  type IdentityPage,
  type ListIdentitiesFilter,
  type SandboxStatusChange,
} from '../domain/index.js';
import type { CallOptions, GetIdentityOptions, IdentityGateway } from '../ports/index.js';
import type { CreateIdentity } from './create-identity.js';
import type { ListIdentities } from './list-identities.js';
import type { UpdateIdentity } from './update-identity.js';
import type { ImportIdentities, ImportItem, ImportOptions, ImportSummary } from './import-identities.js';
import type { IdentityLifecycle } from './identity-lifecycle.js';
import type { Accounts } from './accounts.js';
import type { IdentityControls } from './identity-controls.js';
import type {
  CreateIdentityControlCommand,
  IdentityControl,
  IdentityControlPage,
  ListIdentityControlsFilter,
} from '../domain/index.js';
import type { AccountMembersAdded } from '../ports/index.js';
import { waitForStatus, type WaitForStatusOptions } from './wait-for-status.js';
import type { WebhookDeliveries, WebhookDeliveryOptions, WebhookEventHandler, WebhookOutcome } from './webhooks.js';
import type {
  Account,
  AccountChanges,
  AccountMemberInput,
  AccountPage,
  CreateAccountCommand,
  ListAccountsFilter,
  DocumentUpload,
  DocumentUploadRequest,
  EventFilter,
  EventPage,
  IdentityDocuments,
  IdentityStatus,
  InstitutionMemberInput,
  InstitutionMembersAdded,
  ListDocumentsOptions,
  Open,
  PaxosEvent,
} from '../domain/index.js';

/**
 * The use cases an {@link IdentityService} delegates to, each built once: `identityCoreModule` binds them, and
 * `createIdentityService` wires them for you.
 */
export interface IdentityUseCases {
  readonly create: CreateIdentity;
  readonly list: ListIdentities;
  readonly update: UpdateIdentity;
  readonly importIdentities: ImportIdentities;
  /** Members, documents and events. */
  readonly lifecycle: IdentityLifecycle;
  /** Absent when there is no event gateway; `handleWebhook` then throws a TypeError. */
  readonly webhooks?: WebhookDeliveries;
  /** Absent when there is no account gateway; the account calls then throw a TypeError. */
  readonly accounts?: Accounts;
  /** Absent when there is no identity control gateway; the control and KYC refresh calls then throw a TypeError. */
  readonly controls?: IdentityControls;
}

/**
 * The library's front door: onboarding calls for a backend, whatever gateway is behind them.
 * Get one from `createIdentityService(options)`.
 *
 * @example
 * ```ts
 * const service = createIdentityService({ adapter: 'in-memory' });
 * const identity = await service.createIdentity({ person: { ... } });
 * const again = await service.getIdentity(identity.id);
 * ```
 */
export class IdentityService {
  constructor(
    /** Reads, sandbox controls and status waits go straight to the gateway: there is no rule to apply on the way. */
    private readonly gateway: IdentityGateway,
    private readonly useCases: IdentityUseCases,
  ) {}

  /**
   * Creates a PERSON or INSTITUTION identity. Resolves to the identity in PENDING state.
   * Retrying with the same `refId` is safe: it resolves to the identity the first call created.
   *
   * @throws {IdentityValidationError} when the command breaks a rule; nothing is sent.
   * @throws {IdentityAlreadyExistsError} when the `refId` belongs to another person, or the CIP id is taken.
   */
  createIdentity(command: CreateIdentityCommand, options?: CallOptions): Promise<Identity> {
    return this.useCases.create.execute(command, options);
  }

  /**
   * Bulk onboarding: creates every command of `source` at `options.ratePerSecond` (default Paxos's 10/s) with at most
   * `options.concurrency` calls in flight, reporting each item through `onResult` and `onProgress`. A failing item is
   * reported and the import goes on; rerunning it is safe for commands that carry a `refId`. Aborting
   * `options.signal` stops new creates and resolves once the ones in flight are done.
   *
   * @example
   * ```ts
   * const summary = await service.importIdentities(commands, { ratePerSecond: 10, onResult: (r) => log(r) });
   * ```
   */
  importIdentities(
    source: AsyncIterable<CreateIdentityCommand | ImportItem> | Iterable<CreateIdentityCommand | ImportItem>,
    options?: ImportOptions,
  ): Promise<ImportSummary> {
    return this.useCases.importIdentities.execute(source, options);
  }

  /**
   * Reads an identity with its details.
   *
   * @throws {IdentityNotFoundError} when no identity of these credentials has this id.
   */
  async getIdentity(id: string, options?: GetIdentityOptions): Promise<Identity> {
    return this.gateway.get(parseIdentityId(id), options);
  }

  /**
   * Every identity of these credentials that `filter` selects, newest first unless `order: 'ASC'`, following
   * Paxos's `next_page_cursor` transparently: pages are fetched as the loop consumes them. List items carry no
   * person or institution details (Paxos leaves them out); get an identity for them.
   *
   * @example
   * ```ts
   * for await (const identity of service.listIdentities({ summaryStatus: 'PENDING', limit: 100 })) {
   *   console.log(identity.id, identity.createdAt);
   * }
   * ```
   *
   * @throws {IdentityValidationError} from the first iteration when the filter breaks a rule; nothing is sent.
   */
  listIdentities(filter: ListIdentitiesFilter = {}, options?: CallOptions): AsyncIterable<Identity> {
    return this.useCases.list.all(filter, options);
  }

  /**
   * One page of identities, for a UI that pages on demand: pass the returned `nextPageCursor` as `pageCursor` to get
   * the next one; it is absent on the last page. Cursors stay valid while identities are being created.
   *
   * @example
   * ```ts
   * const first = await service.listIdentitiesPage({ limit: 20 });
   * const second = first.nextPageCursor && (await service.listIdentitiesPage({ limit: 20, pageCursor: first.nextPageCursor }));
   * ```
   *
   * @throws {IdentityValidationError} when the filter breaks a rule; nothing is sent.
   */
  listIdentitiesPage(filter: ListIdentitiesFilter = {}, options?: CallOptions): Promise<IdentityPage> {
    return this.useCases.list.page(filter, options);
  }

  /**
   * Changes an identity with Paxos's delta semantics: only the fields given change (details and addresses field by
   * field, `taxDetails` and `metadata` whole, `address2: ''` clears). The identity is read first and every create
   * rule is checked on the identity as it will be; then only the delta is sent. Resolves to the updated identity.
   *
   * @example
   * ```ts
   * await service.updateIdentity(id, { person: { lastName: 'Smith', address: { address2: '' } } });
   * await service.updateIdentity(id, { setUserDisabled: true }); // DISABLED
   * ```
   *
   * @throws {IdentityValidationError} when the change breaks a rule, sets `person` on an institution (or the
   *   reverse), or names members; nothing is sent.
   * @throws {IdentityNotFoundError} when no identity of these credentials has this id.
   */
  updateIdentity(id: string, changes: IdentityChanges, options?: CallOptions): Promise<Identity> {
    return this.useCases.update.execute(id, changes, options);
  }

  /** Like {@link IdentityService.getIdentity}, but resolves to `undefined` when the identity does not exist. */
  async findIdentity(id: string, options?: GetIdentityOptions): Promise<Identity | undefined> {
    try {
      return await this.getIdentity(id, options);
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return undefined;
      throw error;
    }
  }

  /** Sandbox only: sets verification sub-statuses; the summary status follows (APPROVED once the checks pass). */
  async setSandboxStatus(id: string, change: SandboxStatusChange, options?: CallOptions): Promise<void> {
    await this.gateway.setSandboxStatus(parseIdentityId(id), parseSandboxStatusChange(change), options);
  }

  /**
   * Adds existing PERSON identities to an institution (they join the current members). Roles are checked against the
   * institution's type (a TRUST takes TRUSTEE, GRANTOR, BENEFICIARY; a CORPORATION, LLC or PARTNERSHIP takes
   * BENEFICIAL_OWNER, AUTHORIZED_USER, MANAGEMENT_CONTROL_PERSON) before anything is sent. The institution is APPROVED
   * only while its own checks and every member are.
   *
   * @example
   * ```ts
   * const { members } = await service.addInstitutionMembers(corp.id, [{ identityId: cfo.id, roles: ['MANAGEMENT_CONTROL_PERSON'] }]);
   * await service.removeInstitutionMember(members[0]!.id!);
   * ```
   *
   * @throws {IdentityValidationError} for a role the type does not allow, a person already a member, or a non-institution.
   * @throws {IdentityNotFoundError} when the institution does not exist.
   */
  addInstitutionMembers(
    institutionId: string,
    members: readonly InstitutionMemberInput[],
    options?: CallOptions,
  ): Promise<InstitutionMembersAdded> {
    return this.useCases.lifecycle.addInstitutionMembers(institutionId, members, options);
  }

  /**
   * Removes a member from its institution by the member-link `id` (from `addInstitutionMembers` or
   * `getIdentity(id, { includeInstitutionMembers: true })`), not by the person's identity id.
   *
   * @throws {InstitutionMemberNotFoundError} when no member link has this id.
   */
  removeInstitutionMember(memberId: string, options?: CallOptions): Promise<void> {
    return this.useCases.lifecycle.removeInstitutionMember(memberId, options);
  }

  /**
   * Reserves an upload for a document of the identity and resolves to `{ fileId, name, uploadUrl }`: PUT the file
   * (PDF, JPG or PNG, under 100 MB) to `uploadUrl`.
   *
   * @example
   * ```ts
   * const { uploadUrl } = await service.requestDocumentUpload(id, { name: 'passport.pdf', documentTypes: ['IDENTITY_VERIFICATION'] });
   * await fetch(uploadUrl, { method: 'PUT', body: pdfBytes, headers: { 'content-type': 'application/pdf' } });
   * ```
   *
   * @throws {IdentityValidationError} for a name over 260 characters or an unknown document type; nothing is sent.
   * @throws {DocumentAlreadyExistsError} when the identity already has a document with this name.
   */
  requestDocumentUpload(
    identityId: string,
    request: DocumentUploadRequest,
    options?: CallOptions,
  ): Promise<DocumentUpload> {
    return this.useCases.lifecycle.requestDocumentUpload(identityId, request, options);
  }

  /** The identity's documents, and with `includePending: true` the mandatory document types still missing. */
  listDocuments(identityId: string, options?: ListDocumentsOptions & CallOptions): Promise<IdentityDocuments> {
    return this.useCases.lifecycle.listDocuments(identityId, options);
  }

  /**
   * Every event matching `filter`, oldest first unless `order: 'DESC'`, following the page cursor as you iterate.
   * Event types Paxos adds later come through with their `type` as is: switch on `type` and ignore the rest.
   *
   * @example
   * ```ts
   * for await (const event of service.listEvents({ type: 'identity.approved' })) console.log(event.object.identityId);
   * ```
   */
  listEvents(filter?: EventFilter, options?: CallOptions): AsyncIterable<PaxosEvent> {
    return this.useCases.lifecycle.listEvents(filter, options);
  }

  /** One page of events, for UIs; pass the page's `nextPageCursor` as `pageCursor` for the next one. */
  listEventsPage(
    filter?: EventFilter & { pageCursor?: string | undefined },
    options?: CallOptions,
  ): Promise<EventPage> {
    return this.useCases.lifecycle.listEventsPage(filter, options);
  }

  /**
   * One event by id.
   *
   * @throws {EventNotFoundError} when no event has this id.
   */
  getEvent(id: string, options?: CallOptions & { readonly isTest?: boolean }): Promise<PaxosEvent> {
    return this.useCases.lifecycle.getEvent(id, options);
  }

  /**
   * Resolves with the identity once its summary status is one of `statuses`, reading it at most once a second by
   * default and less often as time passes.
   *
   * @example
   * ```ts
   * const done = await service.waitForStatus(id, ['APPROVED', 'DENIED'], { timeoutMs: 60_000, signal });
   * ```
   *
   * @throws {StatusWaitTimeoutError} when `timeoutMs` passes first; the reason of `signal` when it aborts.
   */
  async waitForStatus(
    id: string,
    statuses: readonly Open<IdentityStatus>[],
    options: WaitForStatusOptions,
  ): Promise<Identity> {
    return waitForStatus(this.gateway, parseIdentityId(id), statuses, options);
  }

  /**
   * Handles one webhook delivery: `body` is what Paxos POSTed (`{id, type, source, time, object, is_test}`, as text,
   * bytes, a stream such as the request itself, or parsed JSON), capped at `maxBodyBytes` (1 MiB) before parsing. The body is only checked, never trusted. The event id is claimed in the service's
   * {@link WebhookDeliveryRecord} (or `options.webhookDeliveryRecord`) for `options.leaseMs` (default 60 s); the event
   * is fetched by id and handed to `handler`, and the claim completed once the handler succeeded. A delivery whose
   * event is done, or claimed by another delivery right now, resolves to `duplicate` without running `handler`. When
   * anything fails, the claim is released and the error rethrown: answer non-2xx and Paxos's redelivery runs it again.
   * A handler still running after its lease no longer has the event to itself (a redelivery may run it again).
   *
   * @example
   * ```ts
   * import { createServer } from 'node:http';
   * createServer(async (req, res) => {
   *   try {
   *     // The request itself: read up to maxBodyBytes (1 MiB), never further.
   *     await service.handleWebhook(req, async (event) => {
   *       if (event.type === 'identity.approved') await markApproved(event.object.identityId!);
   *     });
   *     res.writeHead(204).end();
   *   } catch (error) {
   *     const status = error instanceof WebhookPayloadError ? (error.field === 'body' ? 413 : 400) : 500;
   *     if (!res.destroyed) res.writeHead(status).end();
   *   }
   * }).listen(8080);
   * ```
   *
   * @throws {WebhookPayloadError} naming the bad field; nothing is fetched.
   * @throws {EventNotFoundError} when Paxos has no event with this id (a forged notification).
   * @throws {TypeError} when the service has no event gateway.
   */
  handleWebhook(
    body: unknown,
    handler: WebhookEventHandler,
    options?: WebhookDeliveryOptions,
  ): Promise<WebhookOutcome> {
    const deliveries = this.useCases.webhooks ?? missingWebhooks();
    return deliveries.handle(body, handler, options);
  }

  /**
   * Opens an account for an identity, its primary owner (the step after the identity is approved; Paxos requires an
   * account for every Identity API integration). Retrying is safe: without a `refId` one is generated, and a create
   * that meets its own earlier attempt resolves to that account.
   *
   * @example
   * ```ts
   * const account = await service.createAccount({
   *   identityId: john.id,
   *   members: [{ identityId: jane.id, roles: ['BENEFICIAL_OWNER'] }],
   *   createProfile: true,
   * });
   * ```
   *
   * @throws {IdentityValidationError} when the command breaks a rule; nothing is sent.
   * @throws {IdentityNotFoundError} when the primary identity does not exist.
   * @throws {IdentityRejectedError} when a member is not an identity of these credentials.
   * @throws {AccountAlreadyExistsError} when the `refId` belongs to an account of another identity.
   */
  createAccount(command: CreateAccountCommand, options?: CallOptions): Promise<Account> {
    return this.#accounts().create(command, options);
  }

  /**
   * Reads an account.
   *
   * @throws {AccountNotFoundError} when no account of these credentials has this id.
   */
  getAccount(id: string, options?: CallOptions): Promise<Account> {
    return this.#accounts().get(id, options);
  }

  /**
   * Every account `filter` selects (by primary `identityId`, creation and update time), newest first unless
   * `order: 'ASC'`, following the page cursor as the loop consumes pages.
   *
   * @example
   * ```ts
   * for await (const account of service.listAccounts({ identityId: john.id })) console.log(account.id);
   * ```
   *
   * @throws {IdentityValidationError} from the first iteration when the filter breaks a rule; nothing is sent.
   */
  listAccounts(filter: ListAccountsFilter = {}, options?: CallOptions): AsyncIterable<Account> {
    return this.#accounts().all(filter, options);
  }

  /** One page of accounts, for UIs; pass the page's `nextPageCursor` as `pageCursor` for the next one. */
  listAccountsPage(filter: ListAccountsFilter = {}, options?: CallOptions): Promise<AccountPage> {
    return this.#accounts().page(filter, options);
  }

  /**
   * Changes an account: `description`, `refId`, `metadata` (whole), `members` (the whole list: every member that
   * stays, at least one, only FINANCIAL_ADVISOR and AUTHORIZED_USER roles may come or go) and `setUserDisabled`. The
   * account is read first and the member rule checked against it; then only the changes are sent.
   *
   * @throws {IdentityValidationError} when the changes break a rule; nothing is sent.
   * @throws {AccountNotFoundError} when no account of these credentials has this id.
   */
  updateAccount(id: string, changes: AccountChanges, options?: CallOptions): Promise<Account> {
    return this.#accounts().update(id, changes, options);
  }

  /**
   * Adds members to an account beside the ones it has (any role, BENEFICIAL_OWNER included). Resolves to the links
   * made, each with the `id` that removes it.
   *
   * @throws {IdentityValidationError} for an empty list or a member without a known role; nothing is sent.
   * @throws {AccountNotFoundError} when the account does not exist.
   */
  addAccountMembers(
    accountId: string,
    members: readonly AccountMemberInput[],
    options?: CallOptions,
  ): Promise<AccountMembersAdded> {
    return this.#accounts().addMembers(accountId, members, options);
  }

  /**
   * Removes a member from its account by the member-link `id`, not by the identity id; the last member may go too.
   *
   * @throws {AccountMemberNotFoundError} when no member link has this id.
   */
  removeAccountMember(memberId: string, options?: CallOptions): Promise<void> {
    return this.#accounts().removeMember(memberId, options);
  }

  /**
   * Sets a control on an identity (§4.12): `SELL_ONLY`, `CLOSED` or `DORMANT`, with one of Paxos's reason codes. An
   * approved identity becomes DISABLED and `identity.control.created` follows. Not retried: a repeat would set two.
   *
   * @example
   * ```ts
   * const control = await service.createControl({ identityId: john.id, type: 'DORMANT', reasonCode: 'INACTIVITY' });
   * ```
   *
   * @throws {IdentityValidationError} for a FROZEN type (Paxos's alone) or an unknown reason code; nothing is sent.
   * @throws {IdentityNotFoundError} when the identity does not exist.
   */
  createControl(command: CreateIdentityControlCommand, options?: CallOptions): Promise<IdentityControl> {
    return this.#controls().create(command, options);
  }

  /** Every control of an identity, active ones unless `includeDeleted`. */
  listControls(filter: ListIdentityControlsFilter, options?: CallOptions): AsyncIterable<IdentityControl> {
    return this.#controls().all(filter, options);
  }

  /** One page of an identity's controls; pass `nextPageCursor` back as `pageCursor` for the next one. */
  listControlsPage(filter: ListIdentityControlsFilter, options?: CallOptions): Promise<IdentityControlPage> {
    return this.#controls().page(filter, options);
  }

  /**
   * Deletes a control the API user set (only overridable controls can be deleted); the identity's status follows and
   * `identity.control.deleted` is recorded.
   *
   * @throws {IdentityControlNotFoundError} when no active control has this id.
   * @throws {IdentityRejectedError} for a control Paxos set.
   */
  deleteControl(controlId: string, reason?: string, options?: CallOptions): Promise<void> {
    return this.#controls().delete(controlId, reason, options);
  }

  /**
   * Sandbox: starts a KYC refresh of an eligible identity (§8.5); `identity.kyc_refresh.started` follows. Complete it
   * with `updateIdentity(id, { lastKycRefreshDate })`.
   *
   * @throws {SandboxOnlyError} against production, unsent.
   */
  startKycRefresh(identityId: string, options?: CallOptions): Promise<void> {
    return this.#controls().startKycRefresh(identityId, options);
  }

  /**
   * Sandbox: starts a KYC refresh whatever the eligibility, expiring after `expiryDays` (1–90), then
   * `identity.kyc_refresh.expired`.
   *
   * @throws {IdentityValidationError} for an id outside §8.5's pattern or days outside 1–90; nothing is sent.
   */
  forceStartKycRefresh(identityId: string, expiryDays: number, options?: CallOptions): Promise<void> {
    return this.#controls().forceStartKycRefresh(identityId, expiryDays, options);
  }

  /** Sandbox: clears the identity's KYC refresh state. */
  resetKycRefresh(identityId: string, options?: CallOptions): Promise<void> {
    return this.#controls().resetKycRefresh(identityId, options);
  }

  #controls(): IdentityControls {
    if (this.useCases.controls === undefined)
      throw new TypeError('This IdentityService has no identity control gateway; build it with createIdentityService');
    return this.useCases.controls;
  }

  #accounts(): Accounts {
    return this.useCases.accounts ?? missingAccounts();
  }
}

function missingAccounts(): never {
  throw new TypeError('This IdentityService has no account gateway; build it with createIdentityService');
}

function missingWebhooks(): never {
  throw new TypeError('This IdentityService has no event gateway; build it with createIdentityService');
}
