import type {
  Identity,
  IdentityPage,
  IdentityUpdate,
  ListIdentitiesFilter,
  NewIdentity,
  SandboxStatusChange,
} from '../domain/index.js';

/** Per-call options every gateway call accepts. */
export interface CallOptions {
  /** Cancels the call. */
  readonly signal?: AbortSignal;
}

/** What a get returns besides the summary. */
export interface GetIdentityOptions extends CallOptions {
  /** Include `person` / `institution` (Paxos leaves them out by default). Default: true. */
  readonly includeDetails?: boolean;
  /** Include `institutionMembers` of an institution. Default: false. */
  readonly includeInstitutionMembers?: boolean;
}

/**
 * The driven port to wherever identities live: Paxos over HTTP, the in-memory fake, or the emulator.
 * Every implementation behaves like Paxos: uniqueness of `refId` and of the CIP triple per API user
 * ({@link IdentityAlreadyExistsError} with `existingId`), {@link IdentityNotFoundError} for unknown ids.
 */
export interface IdentityGateway {
  /** Creates the identity (its `refId` is set). Resolves to Paxos's view of it: PENDING, with sub-statuses. */
  create(identity: NewIdentity, options?: CallOptions): Promise<Identity>;
  /** Reads one identity of this API user. */
  get(id: string, options?: GetIdentityOptions): Promise<Identity>;
  /** Sandbox only: sets verification sub-statuses; the summary status follows. */
  setSandboxStatus(id: string, change: SandboxStatusChange, options?: CallOptions): Promise<void>;
  /**
   * Reads one page of this API user's identities (without their details), as `GET /identity/identities` does.
   * `filter` is already checked; `filter.pageCursor` continues after the page that returned it.
   */
  listPage(filter: ListIdentitiesFilter, options?: CallOptions): Promise<IdentityPage>;
  /** Applies a checked delta with Paxos's semantics and resolves to the identity after it, with its details. */
  update(id: string, update: IdentityUpdate, options?: CallOptions): Promise<Identity>;
}
