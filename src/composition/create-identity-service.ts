import 'reflect-metadata';
import { Container } from 'inversify';
import type { IdentityService } from '../application/index.js';
import type { InMemoryIdentityGatewayOptions } from '../adapters/in-memory/in-memory-identity-gateway.js';
import type { PaxosGatewayOptions } from '../adapters/paxos/index.js';
import type { Clock, IdGenerator, RateLimiter, TokenCache, WebhookDeliveryRecord } from '../ports/index.js';
import { identityCoreModule, inMemoryGatewayModule, paxosGatewayModule } from './modules.js';
import { TOKENS } from './tokens.js';

/** Settings shared by every adapter. */
export interface CommonServiceOptions {
  /** Source of the current time for "not in the future" rules (and the fake's timestamps). */
  readonly clock?: Clock;
  /** Source of generated `refId`s. Default: random UUID v4. */
  readonly idGenerator?: IdGenerator;
  /**
   * Where webhook deliveries are claimed and handled ids kept. Default: an `InMemoryWebhookDeliveryRecord` (from
   * `paxos-identity/gateways`), which dedupes within this process only; pass a shared one when several processes
   * receive webhooks.
   */
  readonly webhookDeliveryRecord?: WebhookDeliveryRecord;
}

/** Use the in-memory fake: no network, Paxos's behaviour, state kept in this process. */
export interface InMemoryServiceOptions extends CommonServiceOptions {
  readonly adapter: 'in-memory';
  readonly inMemory?: InMemoryIdentityGatewayOptions;
}

/**
 * Talk to Paxos over HTTP (or to anything speaking its wire format, such as the emulator, through `baseUrl` and
 * `tokenUrl`).
 *
 * @example
 * ```ts
 * createIdentityService({
 *   adapter: 'paxos',
 *   paxos: { environment: 'sandbox', clientId: process.env.PAXOS_CLIENT_ID!, clientSecret: process.env.PAXOS_CLIENT_SECRET! },
 * });
 * ```
 */
export interface PaxosServiceOptions extends CommonServiceOptions {
  readonly adapter: 'paxos';
  readonly paxos: PaxosGatewayOptions;
  /**
   * Paces the calls and holds the 429 cool-down instead of a `MemoryRateLimiter` built from `paxos.rateLimit`: pass
   * one limiter to several services, or one over a shared store for several processes behind one IP. Ignored when
   * `paxos.rateLimit` is false.
   */
  readonly rateLimiter?: RateLimiter;
  /**
   * Keeps access tokens between calls instead of this process's `InMemoryTokenCache`: a shared store lets a fleet
   * reuse one token against Paxos's token route (1 request per second per IP).
   */
  readonly tokenCache?: TokenCache;
}

/** Options of {@link createIdentityService}. */
export type IdentityServiceOptions = InMemoryServiceOptions | PaxosServiceOptions;

/**
 * Builds a ready {@link IdentityService} without touching inversify.
 *
 * @example
 * ```ts
 * import { createIdentityService } from 'paxos-identity';
 * const service = createIdentityService({ adapter: 'in-memory' });
 * const identity = await service.createIdentity({ person: { ... } });
 * ```
 *
 * @throws {PaxosConfigurationError} for `adapter: 'paxos'` when an option is invalid (an `http:` URL to a
 * non-loopback host, a missing client id or secret, ...).
 */
export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  const container = new Container();
  container.load(identityCoreModule);
  if (options.clock !== undefined) container.rebind<Clock>(TOKENS.Clock).toConstantValue(options.clock);
  if (options.idGenerator !== undefined)
    container.rebind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(options.idGenerator);
  if (options.webhookDeliveryRecord !== undefined)
    container
      .rebind<WebhookDeliveryRecord>(TOKENS.WebhookDeliveryRecord)
      .toConstantValue(options.webhookDeliveryRecord);
  switch (options.adapter) {
    case 'in-memory':
      container.load(inMemoryGatewayModule(options.inMemory));
      break;
    case 'paxos':
      container.load(paxosGatewayModule(options.paxos));
      if (options.rateLimiter !== undefined && options.paxos.rateLimit !== false)
        container.rebind<RateLimiter>(TOKENS.RateLimiter).toConstantValue(options.rateLimiter);
      if (options.tokenCache !== undefined)
        container.rebind<TokenCache>(TOKENS.TokenCache).toConstantValue(options.tokenCache);
      break;
    default:
      throw new TypeError(`Unknown adapter: ${String((options as { adapter?: unknown }).adapter)}`);
  }
  return container.get<IdentityService>(TOKENS.IdentityService);
}
