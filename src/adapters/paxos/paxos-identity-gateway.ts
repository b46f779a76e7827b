import type { Identity, NewIdentity, SandboxStatusChange } from '../../domain/index.js';
import type { CallOptions, Clock, GetIdentityOptions, IdentityGateway, RateLimiter } from '../../ports/index.js';
import { systemClock } from '../system/system.js';
import { resolvePaxosConfig, type PaxosGatewayOptions } from './config.js';
import { decode, IdentityDto } from './dto/index.js';
import { PaxosResponseError } from './errors.js';
import { createPaxosKy, PaxosHttpClient, type AccessTokenSource, type PaxosAnswer } from './http-client.js';
import { sensitiveValuesOf, toCreateIdentityRequest, toIdentity, toSandboxStatusRequest } from './mapper.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';

/** Collaborators of a {@link PaxosIdentityGateway} besides its configuration. */
export interface PaxosGatewayDependencies {
  /** Decides when a cached access token is due for renewal. Default: the wall clock. */
  readonly clock?: Clock;
  /**
   * Paces requests and holds the 429 cool-down (the composition root passes a `MemoryRateLimiter` built from
   * `options.rateLimit`). Without one, nothing is paced. Ignored when `options.rateLimit` is false.
   */
  readonly rateLimiter?: RateLimiter;
}

const IDENTITIES = '/identity/identities';
const IDENTITY = '/identity/identities/{id}';
const SANDBOX_STATUS = '/identity/identities/{id}/sandbox-status';

/**
 * The {@link IdentityGateway} port over Paxos's v2 Identity API: OAuth 2 client credentials, ky with the
 * transport policy of {@link PaxosHttpClient}, snake_case wire DTOs validated on the way in, and typed errors.
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
  readonly #client: PaxosHttpClient;

  constructor(options: PaxosGatewayOptions, dependencies: PaxosGatewayDependencies = {}) {
    const config = resolvePaxosConfig(options);
    const http = createPaxosKy();
    const tokens: AccessTokenSource = new OAuthTokenProvider(config, http, dependencies.clock ?? systemClock, dependencies.rateLimiter);
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

  /** `PUT /identity/identities/{id}/sandbox-status` (sandbox only); Paxos answers `{}`. */
  async setSandboxStatus(id: string, change: SandboxStatusChange, options: CallOptions = {}): Promise<void> {
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

  #identity(answer: PaxosAnswer): Identity {
    const options = { status: answer.status, requestId: answer.requestId, request: answer.request, attempts: answer.attempts };
    const decoded = decode(IdentityDto, answer.json);
    if (!decoded.ok) throw new PaxosResponseError('answered with a body that is not an identity', decoded.issues, options);
    const mapped = toIdentity(decoded.value);
    if (!mapped.ok) throw new PaxosResponseError('answered with a body that is not an identity', mapped.issues, options);
    return mapped.value;
  }
}
