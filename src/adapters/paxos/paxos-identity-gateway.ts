import { IdentityAlreadyExistsError, IdentityNotFoundError, SandboxOnlyError } from '../../domain/index.js';
import type {
  Identity,
  IdentityPage,
  IdentityUpdate,
  ListIdentitiesFilter,
  NewIdentity,
  SandboxStatusChange,
  TimeRange,
} from '../../domain/index.js';
import {
  checkCallOptions,
  type CallOptions,
  type CreateIdentityOptions,
  type GetIdentityOptions,
  type IdentityGateway,
} from '../../ports/index.js';
import type { PaxosGatewayOptions } from './config.js';
import { PaxosConnection, type PaxosConnectionDependencies } from './connection.js';
import { IdentityDto, ListIdentitiesResponseDto } from './dto/index.js';
import { PaxosConflictError, PaxosResponseError, type PaxosApiFields } from './errors.js';
import { sameEchoedCip, sameId, sameName, sameRefId } from './http/echo.js';
import type { PaxosAnswer } from './http/request-sender.js';
import {
  sensitiveValuesOf,
  toCreateIdentityRequest,
  toIdentity,
  toSandboxStatusRequest,
  toUpdateIdentityRequest,
} from './mapper.js';
import { isPresent } from './present.js';

/** Collaborators of a {@link PaxosIdentityGateway} built from options. */
export interface PaxosGatewayDependencies extends PaxosConnectionDependencies {
  /**
   * Send through this connection instead of a new one (same as passing it as the first argument). Its configuration
   * then applies, and the other dependencies here are not used.
   */
  readonly transport?: PaxosConnection;
}

const IDENTITIES = '/identity/identities';
const IDENTITY = '/identity/identities/{id}';
const SANDBOX_STATUS = '/identity/identities/{id}/sandbox-status';

/**
 * The {@link IdentityGateway} port over Paxos's v2 Identity API: OAuth 2 client credentials, ky with the
 * transport policy of its HTTP client, snake_case wire DTOs validated on the way in, and typed errors.
 * Swappable with the in-memory gateway; usually built by `createIdentityService({ adapter: 'paxos', paxos })`.
 *
 * @example
 * ```ts
 * const gateway = new PaxosIdentityGateway({ environment: 'sandbox', clientId, clientSecret });
 * const identity = await gateway.get('36ae1728-c54a-4046-86df-8a413e0ab9b3');
 * ```
 *
 * @throws {PaxosConfigurationError} from the constructor when an option is invalid.
 */
export class PaxosIdentityGateway implements IdentityGateway {
  readonly #connection: PaxosConnection;

  /** Takes the service's {@link PaxosConnection}, or options (and dependencies) to open one of its own. */
  constructor(connection: PaxosConnection);
  constructor(options: PaxosGatewayOptions, dependencies?: PaxosGatewayDependencies);
  constructor(options: PaxosGatewayOptions | PaxosConnection, dependencies: PaxosGatewayDependencies = {}) {
    this.#connection =
      options instanceof PaxosConnection
        ? options
        : (dependencies.transport ?? new PaxosConnection(options, dependencies));
  }

  /**
   * `POST /identity/identities`. The answer must be the identity sent (its `ref_id`, type, CIP triple and name): a
   * 200 carrying another is a {@link PaxosResponseError}, unless asking again by `ref_id` finds the one this create
   * made. A retry that meets 409 duplicate `ref_id` resolves to the identity named when it is this create's (same
   * `ref_id` and CIP triple), and is a {@link PaxosConflictError} when that identity cannot be read; otherwise the
   * 409 surfaces for the use case.
   */
  async create(identity: NewIdentity, options: CreateIdentityOptions = {}): Promise<Identity> {
    let answer: PaxosAnswer;
    try {
      answer = await this.#post(identity, options);
    } catch (error) {
      return this.#replay(error, identity, options);
    }
    const created = this.#identity(answer);
    const issues = notTheOneSent(created, identity);
    if (issues.length === 0) return created;
    const mismatch = this.#connection.invalid(answer, 'the identity sent', issues);
    // Without a ref_id nothing ties this create to a record: nothing can be looked up, nothing is returned.
    if (identity.refId === undefined) throw mismatch;
    return this.#reconcile(identity, options, mismatch);
  }

  /**
   * The create asked again, as the lookup by `ref_id` Paxos offers: a 409 names the identity holding it, which is
   * returned only if it is the one sent; a 200 only if it is. Anything else is `mismatch`.
   */
  async #reconcile(identity: NewIdentity, options: CallOptions, mismatch: PaxosResponseError): Promise<Identity> {
    let again: Identity;
    try {
      again = this.#identity(await this.#post(identity, options));
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!isRefIdConflict(error)) throw mismatch;
      const existing = await this.#existing(error, identity, options).catch(() => {
        options.signal?.throwIfAborted();
        throw mismatch;
      });
      if (notTheOneSent(existing, identity).length === 0) return existing;
      throw mismatch;
    }
    if (notTheOneSent(again, identity).length === 0) return again;
    throw mismatch;
  }

  /**
   * A create's failure: a 409 duplicate `ref_id` whose identity is this create's resolves to it, one whose identity
   * cannot be read is a {@link PaxosConflictError}; anything else is rethrown as it is.
   */
  async #replay(error: unknown, identity: NewIdentity, options: CreateIdentityOptions): Promise<Identity> {
    if (!isRefIdConflict(error) || identity.refId === undefined) throw error;
    let existing: Identity;
    try {
      existing = await this.#existing(error, identity, options);
    } catch (failure) {
      if (!(failure instanceof IdentityNotFoundError)) throw failure;
      const api = error as Partial<PaxosApiFields>;
      throw new PaxosConflictError(error.existingId, {
        request: api.request,
        requestId: api.requestId,
        attempts: api.attempts,
        problemType: api.problemType,
      });
    }
    // The rule of the use case's replay: the same ref_id and CIP triple. Otherwise the 409 is the caller's to see.
    if (sameRefId(existing.refId, identity.refId) && sameEchoedCip(existing.cip, identity.cip)) {
      options.onReplay?.();
      return existing;
    }
    throw error;
  }

  /** The identity a 409 names, read as the replay needs it (with details and, for an institution, its members). */
  #existing(error: IdentityAlreadyExistsError, identity: NewIdentity, options: CallOptions): Promise<Identity> {
    // The read is part of this call: its per-call options (deadline, headers, onResponse) hold for it too.
    const { signal, timeoutMs, maxRetries, headers, onResponse } = options;
    return this.get(error.existingId, {
      ...(signal !== undefined && { signal }),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(maxRetries !== undefined && { maxRetries }),
      ...(headers !== undefined && { headers }),
      ...(onResponse !== undefined && { onResponse }),
      includeDetails: true,
      includeInstitutionMembers: identity.type === 'INSTITUTION',
    });
  }

  #post(identity: NewIdentity, options: CallOptions): Promise<PaxosAnswer> {
    return this.#connection.send({
      method: 'POST',
      path: IDENTITIES,
      template: IDENTITIES,
      budget: 'identity',
      body: toCreateIdentityRequest(identity),
      // The ref_id makes a repeated create a 409 that the use case resolves to the first one; without it, no retry.
      idempotent: identity.refId !== undefined,
      readJson: true,
      conflict: 'identity',
      refId: identity.refId,
      sensitive: sensitiveValuesOf(identity),
      call: options,
    });
  }

  /**
   * `GET /identity/identities/{id}?include_details=true`; details are included unless `includeDetails` is false. An
   * answer carrying another id is a {@link PaxosResponseError}.
   */
  async get(id: string, options: GetIdentityOptions = {}): Promise<Identity> {
    checkCallOptions(options);
    const query: string[] = [];
    if (options.includeDetails ?? true) query.push('include_details=true');
    if (options.includeInstitutionMembers === true) query.push('include_institution_members=true');
    const answer = await this.#connection.send({
      method: 'GET',
      path: `${IDENTITIES}/${encodeURIComponent(id)}`,
      template: IDENTITY,
      budget: 'identity',
      ...(query.length > 0 && { query: query.join('&') }),
      idempotent: true,
      readJson: true,
      resource: { identity: id },
      call: options,
    });
    return this.#identity(answer, id);
  }

  /** `PUT /identity/identities/{id}/sandbox-status`; Paxos answers `{}`. Refused with SandboxOnlyError, unsent, for production. */
  async setSandboxStatus(id: string, change: SandboxStatusChange, options: CallOptions = {}): Promise<void> {
    // Paxos has no such route in production: refuse here rather than send a call that can only fail.
    if (this.#connection.environment === 'production') throw new SandboxOnlyError('setSandboxStatus');
    await this.#connection.send({
      method: 'PUT',
      path: `${IDENTITIES}/${encodeURIComponent(id)}/sandbox-status`,
      template: SANDBOX_STATUS,
      budget: 'identity',
      body: toSandboxStatusRequest(change),
      idempotent: true,
      readJson: false,
      resource: { identity: id },
      call: options,
    });
  }

  /**
   * `GET /identity/identities` with the filter as query parameters (`summary_status`, `identity_type`,
   * `created_at.gte`, `limit`, `order`, `page_cursor`, repeated `control_types` / `control_reason_codes`); items come
   * without details.
   */
  async listPage(filter: ListIdentitiesFilter, options: CallOptions = {}): Promise<IdentityPage> {
    const answer = await this.#connection.send({
      method: 'GET',
      path: IDENTITIES,
      template: IDENTITIES,
      budget: 'identity',
      query: listQuery(filter),
      idempotent: true,
      readJson: true,
      call: options,
    });
    const failure = (issues: readonly string[]) => this.#connection.invalid(answer, 'a page of identities', issues);
    const page = this.#connection.decode(ListIdentitiesResponseDto, answer, 'a page of identities');
    const items: Identity[] = [];
    for (const [i, item] of (page.items ?? []).entries()) {
      // Paxos's list example shows items with only an id and a status: without details, the type is the filter's,
      // or unknown (empty) rather than a reason to refuse the whole page.
      if (item.type == null && item.person_details == null && item.institution_details == null)
        item.type = filter.identityType ?? '';
      const mapped = toIdentity(item);
      if (!mapped.ok) throw failure(mapped.issues.map((issue) => `items[${i}].${issue}`));
      items.push(mapped.value);
    }
    const next = page.next_page_cursor;
    return { items, ...(isPresent(next) && next !== '' && { nextPageCursor: next }) };
  }

  /** `PUT /identity/identities/{id}` with only the delta; Paxos answers with the updated identity. */
  async update(id: string, update: IdentityUpdate, options: CallOptions = {}): Promise<Identity> {
    const answer = await this.#connection.send({
      method: 'PUT',
      path: `${IDENTITIES}/${encodeURIComponent(id)}`,
      template: IDENTITY,
      budget: 'identity',
      body: toUpdateIdentityRequest(update.delta),
      // Applying the same delta twice leaves the identity as applying it once.
      idempotent: true,
      readJson: true,
      // A new refId or CIP id may belong to another identity already.
      conflict: 'identity',
      refId: update.delta.refId,
      resource: { identity: id },
      sensitive: sensitiveValuesOf(update.delta),
      call: options,
    });
    return this.#identity(answer, id);
  }

  /** The identity of a 2xx answer; with `id`, it must be that identity (Paxos echoes the id asked for). */
  #identity(answer: PaxosAnswer, id?: string): Identity {
    const mapped = toIdentity(this.#connection.decode(IdentityDto, answer, 'an identity'));
    if (!mapped.ok) throw this.#connection.invalid(answer, 'an identity', mapped.issues);
    if (id !== undefined && !sameId(mapped.value.id, id))
      throw this.#connection.invalid(answer, 'the identity asked for', ['id: not the one asked for']);
    return mapped.value;
  }
}

function isRefIdConflict(error: unknown): error is IdentityAlreadyExistsError {
  return error instanceof IdentityAlreadyExistsError && error.conflict === 'ref_id';
}

/**
 * Why `answered` is not the identity a create sent: field names only, never values. Fields Paxos left out are not
 * held against it, except the `ref_id` that ties it to this create; one it sends must be the one sent, as spelled
 * after what Paxos may normalise (see `echo.ts`).
 */
function notTheOneSent(answered: Identity, sent: NewIdentity): string[] {
  const issues: string[] = [];
  if (!sameRefId(answered.refId, sent.refId)) issues.push('ref_id: not the one sent');
  if (answered.type !== sent.type) issues.push('type: not the one sent');
  const cip = answered.cip;
  if (cip !== undefined && !sameEchoedCip(cip, sent.cip)) issues.push('cip_id: not the one sent');
  const person = answered.person;
  if (person !== undefined && sent.person !== undefined) {
    if (!sameName(person.firstName, sent.person.firstName)) issues.push('person_details.first_name: not the one sent');
    if (!sameName(person.lastName, sent.person.lastName)) issues.push('person_details.last_name: not the one sent');
  }
  const institution = answered.institution;
  if (institution !== undefined && sent.institution !== undefined && !sameName(institution.name, sent.institution.name))
    issues.push('institution_details.name: not the one sent');
  return issues;
}

const RANGE_BOUNDS = ['lt', 'lte', 'eq', 'gte', 'gt'] as const;

/** The query string of a list call, in Paxos's names: `created_at.gte=…`, `page_cursor=…`. */
function listQuery(filter: ListIdentitiesFilter): string {
  const query = new URLSearchParams();
  if (filter.limit !== undefined) query.set('limit', String(filter.limit));
  if (filter.summaryStatus !== undefined) query.set('summary_status', filter.summaryStatus);
  if (filter.identityType !== undefined) query.set('identity_type', filter.identityType);
  const range = (name: string, value: TimeRange | undefined) => {
    for (const bound of RANGE_BOUNDS) if (value?.[bound] !== undefined) query.set(`${name}.${bound}`, value[bound]);
  };
  range('created_at', filter.createdAt);
  range('updated_at', filter.updatedAt);
  // Arrays travel as repeated keys (§2).
  for (const type of filter.controlTypes ?? []) query.append('control_types', type);
  for (const code of filter.controlReasonCodes ?? []) query.append('control_reason_codes', code);
  query.set('order', filter.order ?? 'DESC');
  if (filter.pageCursor !== undefined) query.set('page_cursor', filter.pageCursor);
  return query.toString();
}
