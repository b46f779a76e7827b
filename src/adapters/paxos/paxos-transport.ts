import { systemClock } from '../system/system.js';
import { DEFAULT_SCOPES, resolvePaxosConfig, type PaxosEnvironment, type PaxosGatewayOptions } from './config.js';
import { decode, type Decoded } from './dto/index.js';
import { PaxosHttpError, PaxosResponseError } from './errors.js';
import {
  createPaxosKy,
  PaxosHttpClient,
  type AccessTokenSource,
  type PaxosAnswer,
  type PaxosRequest,
} from './http-client.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';
import type { PaxosGatewayDependencies } from './paxos-identity-gateway.js';

/** The scopes a transport for the event gateway asks for by default: the identity scopes and `events:read_event`. */
export const EVENT_SCOPES: readonly string[] = Object.freeze([...DEFAULT_SCOPES, 'events:read_event']);

/** A request as the member, document and event gateways describe it; DELETE included. */
export interface PaxosCall extends Omit<PaxosRequest, 'method'> {
  readonly method: PaxosRequest['method'] | 'DELETE';
}

/**
 * One connection to Paxos for the identity, member, document and event gateways: the configuration, one OAuth token
 * cache and the adapter's transport policy (deadline, retries, typed errors). Build it once and hand it to each gateway
 * so they share tokens.
 *
 * @example
 * ```ts
 * const transport = new PaxosTransport({ environment: 'sandbox', clientId, clientSecret });
 * const events = new PaxosEventGateway(transport);
 * ```
 *
 * @throws {PaxosConfigurationError} from the constructor when an option is invalid.
 */
export class PaxosTransport {
  /** `sandbox` or `production`: sandbox-only calls are refused against production without sending. */
  readonly environment: PaxosEnvironment;
  readonly #client: PaxosHttpClient;

  /**
   * @param defaultScopes the scopes to ask for when `options.scopes` is not set: the event gateway needs
   *   `events:read_event` besides the identity scopes ({@link EVENT_SCOPES}).
   */
  constructor(
    options: PaxosGatewayOptions,
    dependencies: PaxosGatewayDependencies = {},
    defaultScopes: readonly string[] = DEFAULT_SCOPES,
  ) {
    const config = resolvePaxosConfig({ ...options, scopes: options.scopes ?? defaultScopes });
    const http = createPaxosKy();
    const tokens: AccessTokenSource = new OAuthTokenProvider(
      config,
      http,
      dependencies.clock ?? systemClock,
      dependencies.rateLimiter,
    );
    this.#client = new PaxosHttpClient(config, tokens, http, dependencies.rateLimiter);
    this.environment = options.environment;
  }

  /**
   * Sends one call under the transport policy; rejects with the library's typed errors.
   *
   * @internal
   */
  send(call: PaxosCall): Promise<PaxosAnswer> {
    // The transport hands the method to fetch as is; its type predates DELETE, which it sends like any other verb.
    return this.#client.send(call as PaxosRequest);
  }

  /**
   * Decodes a 2xx body into `type`, or throws {@link PaxosResponseError} naming `what` it should have been.
   *
   * @internal
   */
  decode<T extends object>(type: new () => T, answer: PaxosAnswer, what: string): T {
    const decoded: Decoded<T> = decode(type, answer.json);
    if (!decoded.ok) throw responseError(answer, `answered with a body that is not ${what}`, decoded.issues);
    return decoded.value;
  }

  /**
   * A {@link PaxosResponseError} for a body that decoded but does not make sense.
   *
   * @internal
   */
  invalid(answer: PaxosAnswer, what: string, issues: readonly string[]): PaxosResponseError {
    return responseError(answer, `answered with a body that is not ${what}`, issues);
  }

  /** A JSON view without anything secret. */
  toJSON(): Record<string, unknown> {
    return { environment: this.environment };
  }
}

function responseError(answer: PaxosAnswer, message: string, issues: readonly string[]): PaxosResponseError {
  return new PaxosResponseError(message, issues, {
    status: answer.status,
    requestId: answer.requestId,
    request: answer.request,
    attempts: answer.attempts,
  });
}

/** The status of a Paxos error whose route names no identity (a 404 or 409 that the transport left generic). */
export function genericStatusOf(error: unknown): number | undefined {
  return error instanceof PaxosHttpError ? error.status : undefined;
}
