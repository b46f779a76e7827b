import type { Clock, RateLimiter, TokenCache } from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';
import {
  DEFAULT_SCOPES,
  isResolvedPaxosConfig,
  resolvePaxosConfig,
  type PaxosEnvironment,
  type PaxosGatewayOptions,
  type ResolvedPaxosConfig,
} from './config.js';
import { decode, type Decoded } from './dto/index.js';
import { PaxosResponseError } from './errors.js';
import { createPaxosKy } from './http/ky.js';
import { RequestSender, type PaxosAnswer, type PaxosRequest } from './http/request-sender.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';

/** Collaborators of a {@link PaxosConnection} besides its configuration. */
export interface PaxosConnectionDependencies {
  /** Decides when a cached access token is due for renewal. Default: the wall clock. */
  readonly clock?: Clock;
  /**
   * Paces requests and holds the 429 cool-down (the composition root passes a `MemoryRateLimiter` built from
   * `options.rateLimit`). Without one, nothing is paced. Ignored when `options.rateLimit` is false.
   */
  readonly rateLimiter?: RateLimiter;
  /** Keeps access tokens between calls; a shared store lets a fleet reuse one token. Default: this process only. */
  readonly tokenCache?: TokenCache;
}

/**
 * One connection to Paxos, built once per service and handed to every Paxos gateway (identity, member, document,
 * event): the configuration resolved once, one ky instance, one token provider (one cache, one token request in
 * flight per scope set), one rate limiter and one send loop.
 *
 * @example
 * ```ts
 * const connection = new PaxosConnection({ environment: 'sandbox', clientId, clientSecret });
 * const identities = new PaxosIdentityGateway(connection);
 * const events = new PaxosEventGateway(connection);
 * ```
 *
 * @throws {PaxosConfigurationError} from the constructor when an option is invalid.
 */
export class PaxosConnection {
  /** `sandbox` or `production`: sandbox-only calls are refused against production without sending. */
  readonly environment: PaxosEnvironment;
  /** The scopes of the Events API token: the identity scopes and `events:read_event`, unless `scopes` was set. */
  readonly eventScopes: readonly string[];
  /** The scopes of the Accounts API token: `identity:read_account identity:write_account`, unless `scopes` was set. */
  readonly accountScopes: readonly string[];
  /** The scopes of the Identity Controls token: `identity:read_identity_control identity:write_identity_control`. */
  readonly controlScopes: readonly string[];
  readonly #sender: RequestSender;

  /**
   * @param options the adapter's options.
   * @param defaultScopes the identity calls' scopes when `options.scopes` is not set.
   */
  constructor(
    options: PaxosGatewayOptions,
    dependencies?: PaxosConnectionDependencies,
    defaultScopes?: readonly string[],
  );
  /**
   * From a configuration `resolvePaxosConfig` already checked: the composition root resolves it once per container.
   *
   * @internal
   */
  constructor(options: ResolvedPaxosConfig, dependencies?: PaxosConnectionDependencies);
  constructor(
    options: PaxosGatewayOptions | ResolvedPaxosConfig,
    dependencies: PaxosConnectionDependencies = {},
    defaultScopes: readonly string[] = DEFAULT_SCOPES,
  ) {
    const resolved = isResolvedPaxosConfig(options) ? options : resolvePaxosConfig(options);
    const config =
      isResolvedPaxosConfig(options) || options.scopes !== undefined
        ? resolved
        : { ...resolved, scopes: defaultScopes };
    // A key without events:read_event must still get identity tokens: the events token is asked for separately.
    this.eventScopes = config.eventScopes;
    this.accountScopes = config.accountScopes;
    this.controlScopes = config.controlScopes;
    const http = createPaxosKy();
    const clock = dependencies.clock ?? systemClock;
    const tokens = new OAuthTokenProvider(config, http, clock, dependencies.rateLimiter, dependencies.tokenCache);
    this.#sender = new RequestSender(config, tokens, http, dependencies.rateLimiter);
    this.environment = config.environment;
  }

  /**
   * Sends one call under the transport policy; rejects with the library's typed errors.
   *
   * @internal
   */
  send(request: PaxosRequest): Promise<PaxosAnswer> {
    return this.#sender.send(request);
  }

  /**
   * Decodes a 2xx body into `type`, or throws {@link PaxosResponseError} naming `what` it should have been.
   *
   * @internal
   */
  decode<T extends object>(type: new () => T, answer: PaxosAnswer, what: string): T {
    const decoded: Decoded<T> = decode(type, answer.json);
    if (!decoded.ok) throw this.invalid(answer, what, decoded.issues);
    return decoded.value;
  }

  /**
   * A {@link PaxosResponseError} for a body that decoded but does not make sense.
   *
   * @internal
   */
  invalid(answer: PaxosAnswer, what: string, issues: readonly string[]): PaxosResponseError {
    return new PaxosResponseError(`answered with a body that is not ${what}`, issues, {
      status: answer.status,
      requestId: answer.requestId,
      request: answer.request,
      attempts: answer.attempts,
    });
  }

  /** A JSON view without anything secret. */
  toJSON(): Record<string, unknown> {
    return { environment: this.environment };
  }
}
