import type {
  Identity,
  IdentityPage,
  IdentityUpdate,
  ListIdentitiesFilter,
  NewIdentity,
  SandboxStatusChange,
} from '../domain/index.js';

/**
 * What the server answered to a successful call, for support tickets and debugging: the Paxos adapter fills it from
 * the HTTP response; the in-memory fake answers in process, with `status` 200 and no request id or headers.
 */
export interface ResponseMetadata {
  /** The HTTP status of the answer (the fake: 200). */
  readonly status: number;
  /** The server's request id, for a support ticket, when it sent one. */
  readonly requestId: string | undefined;
  /** The answer's headers, names in lower case (the fake: none). */
  readonly headers: Readonly<Record<string, string>>;
  /** How many attempts the call made (retries and a token refresh included). */
  readonly attempts: number;
}

/** Per-call options every gateway call accepts. */
export interface CallOptions {
  /** Cancels the call. */
  readonly signal?: AbortSignal;
  /**
   * This call's deadline in milliseconds (1 to 600000), instead of the service's `timeoutMs`, over every attempt and
   * every wait. The in-memory fake answers at once and ignores it (it still checks it).
   */
  readonly timeoutMs?: number;
  /** This call's retries after a transient failure (0 to 10), instead of the service's `maxRetries`. */
  readonly maxRetries?: number;
  /**
   * Extra request headers for this call (a tracing or correlation header). The adapter's own (`authorization`,
   * `content-type`, `host`, `content-length`, `cookie`, ...) and those that change the framing, the range or the
   * method (`connection`, `expect`, `upgrade`, `range`, `x-http-method-override`, ...) are refused with
   * `IdentityCallOptionsError`.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Receives the metadata of each successful answer of this call. A use case that sends two requests (an update
   * reads before it writes) reports both, the last one last; see `withResponse`. A sink that throws, or an async
   * one that rejects, is ignored: the call's answer stands.
   */
  readonly onResponse?: (response: ResponseMetadata) => void;
}

/** Options of {@link IdentityGateway.create}. */
export interface CreateIdentityOptions extends CallOptions {
  /**
   * Called when the gateway itself resolved this create to the identity an earlier call made with its `refId` (a
   * 409 on the `refId` naming an identity with the same CIP triple), so that the caller can count it as a replay.
   * A gateway that surfaces that 409 instead leaves the replay to the use case, which calls its own `onReplay`.
   */
  readonly onReplay?: () => void;
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
  create(identity: NewIdentity, options?: CreateIdentityOptions): Promise<Identity>;
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
