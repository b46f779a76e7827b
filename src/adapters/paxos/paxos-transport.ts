import { DEFAULT_SCOPES, type PaxosGatewayOptions } from './config.js';
import { PaxosConnection, type PaxosConnectionDependencies } from './connection.js';

/**
 * The name earlier releases gave the {@link PaxosConnection}, with the same constructor: one connection to Paxos for
 * the identity, member, document and event gateways. Build it once and hand it to each gateway so they share tokens.
 *
 * @example
 * ```ts
 * const transport = new PaxosTransport({ environment: 'sandbox', clientId, clientSecret });
 * const events = new PaxosEventGateway(transport);
 * ```
 *
 * @throws {PaxosConfigurationError} from the constructor when an option is invalid.
 */
export class PaxosTransport extends PaxosConnection {
  /**
   * @param defaultScopes the scopes to ask for when `options.scopes` is not set: pass `EVENT_SCOPES` to make every
   *   token of this connection carry `events:read_event` too.
   */
  constructor(
    options: PaxosGatewayOptions,
    dependencies: PaxosConnectionDependencies = {},
    defaultScopes: readonly string[] = DEFAULT_SCOPES,
  ) {
    super(options, dependencies, defaultScopes);
  }
}
