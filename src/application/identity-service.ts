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
import type { CallOptions, Clock, GetIdentityOptions, IdentityGateway } from '../ports/index.js';
import type { CreateIdentity } from './create-identity.js';
import { ListIdentities } from './list-identities.js';
import { UpdateIdentity } from './update-identity.js';
import { ImportIdentities, type ImportItem, type ImportOptions, type ImportSummary } from './import-identities.js';

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
    private readonly gateway: IdentityGateway,
    private readonly createUseCase: CreateIdentity,
    /** The time "not in the future" rules of an update are checked against; createIdentityService passes its clock. */
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  /**
   * Creates a PERSON or INSTITUTION identity. Resolves to the identity in PENDING state.
   * Retrying with the same `refId` is safe: it resolves to the identity the first call created.
   *
   * @throws {IdentityValidationError} when the command breaks a rule; nothing is sent.
   * @throws {IdentityAlreadyExistsError} when the `refId` belongs to another person, or the CIP id is taken.
   */
  createIdentity(command: CreateIdentityCommand, options?: CallOptions): Promise<Identity> {
    return this.createUseCase.execute(command, options);
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
    return new ImportIdentities(this.createUseCase).execute(source, options);
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
    return new ListIdentities(this.gateway).all(filter, options);
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
    return new ListIdentities(this.gateway).page(filter, options);
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
    return new UpdateIdentity(this.gateway, this.clock).execute(id, changes, options);
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
}
