import { SandboxOnlyError } from '../../domain/index.js';
import type {
  Identity,
  IdentityPage,
  IdentityUpdate,
  ListIdentitiesFilter,
  NewIdentity,
  SandboxStatusChange,
  TimeRange,
} from '../../domain/index.js';
import type { CallOptions, Clock, GetIdentityOptions, IdentityGateway, RateLimiter } from '../../ports/index.js';
import { systemClock } from '../system/system.js';
import { resolvePaxosConfig, type PaxosGatewayOptions } from './config.js';
import { decode, IdentityDto, ListIdentitiesResponseDto } from './dto/index.js';
import { PaxosResponseError } from './errors.js';
import { createPaxosKy, PaxosHttpClient, type AccessTokenSource, type PaxosAnswer } from './http-client.js';
import {
  sensitiveValuesOf,
  toCreateIdentityRequest,
  toIdentity,
  toSandboxStatusRequest,
  toUpdateIdentityRequest,
} from './mapper.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';
import type { PaxosTransport } from './paxos-transport.js';
import { isPresent } from './present.js';

/** Collaborators of a {@link PaxosIdentityGateway} besides its configuration. */
export interface PaxosGatewayDependencies {
  /** Decides when a cached access token is due for renewal. Default: the wall clock. */
  readonly clock?: Clock;
  /**
   * Paces requests and holds the 429 cool-down (the composition root passes a `MemoryRateLimiter` built from
   * `options.rateLimit`). Without one, nothing is paced. Ignored when `options.rateLimit` is false.
   */
  readonly rateLimiter?: RateLimiter;
  /**
   * Send through this connection instead of a new one, sharing its token cache with the member and document gateways
   * (the composition root does). Its configuration then applies, and `clock` and `rateLimiter` here are not used.
   */
  readonly transport?: PaxosTransport;
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
  readonly #client: Pick<PaxosHttpClient, 'send'>;
  readonly #production: boolean;

  constructor(options: PaxosGatewayOptions, dependencies: PaxosGatewayDependencies = {}) {
    if (dependencies.transport !== undefined) {
      this.#client = dependencies.transport;
      this.#production = dependencies.transport.environment === 'production';
      return;
    }
    const config = resolvePaxosConfig(options);
    this.#production = options.environment === 'production';
    const http = createPaxosKy();
    const tokens: AccessTokenSource = new OAuthTokenProvider(
      config,
      http,
      dependencies.clock ?? systemClock,
      dependencies.rateLimiter,
    );
    this.#client = new PaxosHttpClient(config, tokens, http, dependencies.rateLimiter);
  }

  /** `POST /identity/identities`. A retry that meets 409 duplicate `ref_id` surfaces it for the use case to replay. */
  async create(identity: NewIdentity, options: CallOptions = {}): Promise<Identity> {
    const answer = await this.#client.send({
      method: 'POST',
      path: IDENTITIES,
      template: IDENTITIES,
      body: toCreateIdentityRequest(identity),
      // The ref_id makes a repeated create a 409 that the use case resolves to the first one; without it, no retry.
      idempotent: identity.refId !== undefined,
      readJson: true,
      sensitive: sensitiveValuesOf(identity),
      signal: options.signal,
    });
    return this.#identity(answer);
  }

  /** `GET /identity/identities/{id}?include_details=true`; details are included unless `includeDetails` is false. */
  async get(id: string, options: GetIdentityOptions = {}): Promise<Identity> {
    const query: string[] = [];
    if (options.includeDetails ?? true) query.push('include_details=true');
    if (options.includeInstitutionMembers === true) query.push('include_institution_members=true');
    const answer = await this.#client.send({
      method: 'GET',
      path: `${IDENTITIES}/${encodeURIComponent(id)}`,
      template: IDENTITY,
      ...(query.length > 0 && { query: query.join('&') }),
      idempotent: true,
      readJson: true,
      identityId: id,
      signal: options.signal,
    });
    return this.#identity(answer);
  }

  /** `PUT /identity/identities/{id}/sandbox-status`; Paxos answers `{}`. Refused with SandboxOnlyError, unsent, for production. */
  async setSandboxStatus(id: string, change: SandboxStatusChange, options: CallOptions = {}): Promise<void> {
    // Paxos has no such route in production: refuse here rather than send a call that can only fail.
    if (this.#production) throw new SandboxOnlyError('setSandboxStatus');
    await this.#client.send({
      method: 'PUT',
      path: `${IDENTITIES}/${encodeURIComponent(id)}/sandbox-status`,
      template: SANDBOX_STATUS,
      body: toSandboxStatusRequest(change),
      idempotent: true,
      readJson: false,
      identityId: id,
      signal: options.signal,
    });
  }

  /**
   * `GET /identity/identities` with the filter as query parameters (`summary_status`, `identity_type`,
   * `created_at.gte`, `limit`, `order`, `page_cursor`); items come without details.
   */
  async listPage(filter: ListIdentitiesFilter, options: CallOptions = {}): Promise<IdentityPage> {
    const answer = await this.#client.send({
      method: 'GET',
      path: IDENTITIES,
      template: IDENTITIES,
      query: listQuery(filter),
      idempotent: true,
      readJson: true,
      signal: options.signal,
    });
    const failure = (issues: readonly string[]) =>
      new PaxosResponseError('answered with a body that is not a page of identities', issues, {
        status: answer.status,
        requestId: answer.requestId,
        request: answer.request,
        attempts: answer.attempts,
      });
    const decoded = decode(ListIdentitiesResponseDto, answer.json);
    if (!decoded.ok) throw failure(decoded.issues);
    const items: Identity[] = [];
    for (const [i, item] of (decoded.value.items ?? []).entries()) {
      // Paxos's list example shows items with only an id and a status: without details, the type is the filter's,
      // or unknown (empty) rather than a reason to refuse the whole page.
      if (item.type == null && item.person_details == null && item.institution_details == null)
        item.type = filter.identityType ?? '';
      const mapped = toIdentity(item);
      if (!mapped.ok) throw failure(mapped.issues.map((issue) => `items[${i}].${issue}`));
      items.push(mapped.value);
    }
    const next = decoded.value.next_page_cursor;
    return { items, ...(isPresent(next) && next !== '' && { nextPageCursor: next }) };
  }

  /** `PUT /identity/identities/{id}` with only the delta; Paxos answers with the updated identity. */
  async update(id: string, update: IdentityUpdate, options: CallOptions = {}): Promise<Identity> {
    const answer = await this.#client.send({
      method: 'PUT',
      path: `${IDENTITIES}/${encodeURIComponent(id)}`,
      template: IDENTITY,
      body: toUpdateIdentityRequest(update.delta),
      // Applying the same delta twice leaves the identity as applying it once.
      idempotent: true,
      readJson: true,
      identityId: id,
      sensitive: sensitiveValuesOf(update.delta),
      signal: options.signal,
    });
    return this.#identity(answer);
  }

  #identity(answer: PaxosAnswer): Identity {
    const options = {
      status: answer.status,
      requestId: answer.requestId,
      request: answer.request,
      attempts: answer.attempts,
    };
    const decoded = decode(IdentityDto, answer.json);
    if (!decoded.ok)
      throw new PaxosResponseError('answered with a body that is not an identity', decoded.issues, options);
    const mapped = toIdentity(decoded.value);
    if (!mapped.ok)
      throw new PaxosResponseError('answered with a body that is not an identity', mapped.issues, options);
    return mapped.value;
  }
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
  query.set('order', filter.order ?? 'DESC');
  if (filter.pageCursor !== undefined) query.set('page_cursor', filter.pageCursor);
  return query.toString();
}
