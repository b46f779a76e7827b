import type { IdentityService, ValidationSettings } from '../application/index.js';
import { IdentityServiceError, resolveIdentityRules, type IdentityRules } from '../domain/index.js';
import type { InMemoryIdentityGatewayOptions } from '../adapters/in-memory/in-memory-identity-gateway.js';
import type { PaxosGatewayOptions } from '../adapters/paxos/index.js';
import type { Clock, IdGenerator, Logger, RateLimiter, TokenCache, WebhookDeliveryRecord } from '../ports/index.js';
import { CORE_BINDINGS, inMemoryGatewayBindings, paxosGatewayBindings } from './bindings.js';
import { TOKENS } from './tokens.js';
import { Wiring } from './wiring.js';

/**
 * Shared pieces for a fleet of processes behind one egress IP (Paxos's limits and its 429 throttle are per IP): each
 * piece given replaces the in-memory default, which holds for this process only. A plain object of ports, so any
 * store fits; `redisCoordination()` from `paxos-identity/redis` builds one over Redis.
 */
export interface CoordinationOptions {
  /** Paces the calls and holds the 429 cool-down for every process (Paxos adapter; ignored when `paxos.rateLimit` is false). */
  readonly rateLimiter?: RateLimiter;
  /** Keeps access tokens for every process, so that the fleet reuses one against the token route (Paxos adapter). */
  readonly tokenCache?: TokenCache;
  /** Claims webhook deliveries for every process that receives them, so that each is handled once. */
  readonly webhookDeliveryRecord?: WebhookDeliveryRecord;
}

/** Settings shared by every adapter. */
export interface CommonServiceOptions {
  /** Source of the current time for the "in the future" warnings (and the fake's timestamps). */
  readonly clock?: Clock;
  /** Source of generated `refId`s. Default: random UUID v4. */
  readonly idGenerator?: IdGenerator;
  /**
   * Opt-in profiles for the requirements Paxos leaves to the licensing arrangement. Default: what Paxos's schema and
   * documented rules require, no more.
   *
   * @example
   * ```ts
   * createIdentityService({ adapter: 'in-memory', rules: { customerDueDiligence: 'required', passthrough: 'strict' } });
   * ```
   */
  readonly rules?: IdentityRules;
  /**
   * Where the warnings of advisory rules go when an identity is created or updated: one `warn` line each, with the
   * field's `path` and `code` (never a value). A warning never stops the call. Default: `paxos.logger` for the Paxos
   * adapter, none otherwise (then warnings are only on `NewIdentity.create(...).warnings`).
   */
  readonly logger?: Logger;
  /**
   * Where webhook deliveries are claimed and handled ids kept. Default: an `InMemoryWebhookDeliveryRecord` (from
   * `paxos-identity/gateways`), which dedupes within this process only; pass a shared one when several processes
   * receive webhooks. Wins over `coordination.webhookDeliveryRecord`.
   */
  readonly webhookDeliveryRecord?: WebhookDeliveryRecord;
  /**
   * The pieces shared by a fleet of processes (rate limiter, token cache, webhook delivery record); an explicit
   * `rateLimiter`, `tokenCache` or `webhookDeliveryRecord` option wins over the same piece here.
   *
   * @example
   * ```ts
   * import { redisCoordination } from 'paxos-identity/redis';
   * createIdentityService({ adapter: 'paxos', paxos, coordination: redisCoordination({ redis, namespace: 'paxos:prod' }) });
   * ```
   */
  readonly coordination?: CoordinationOptions;
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
   * `paxos.rateLimit` is false. Wins over `coordination.rateLimiter`.
   */
  readonly rateLimiter?: RateLimiter;
  /**
   * Keeps access tokens between calls instead of this process's `InMemoryTokenCache`: a shared store lets a fleet
   * reuse one token against Paxos's token route (1 request per second per IP). Wins over `coordination.tokenCache`.
   */
  readonly tokenCache?: TokenCache;
}

/** Options of {@link createIdentityService}. */
export type IdentityServiceOptions = InMemoryServiceOptions | PaxosServiceOptions;

/**
 * An option of {@link createIdentityService} is missing or of the wrong type (no options at all, an unknown
 * `adapter`, a `clock` without `now()`, an unknown rule): thrown when the service is built, before anything is sent.
 * `option` names it. The Paxos adapter's own options (`paxos.*`) are reported by `PaxosConfigurationError`.
 */
export class IdentityServiceConfigError extends IdentityServiceError {
  readonly code = 'identity_service_configuration';
  /** The option at fault: `adapter`, `clock`, `coordination.rateLimiter`, `rules`, ... */
  readonly option: string;

  constructor(option: string, rule: string) {
    super(`Invalid createIdentityService options: ${option} ${rule}`);
    this.option = option;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), option: this.option };
  }
}

const ADAPTERS = ['in-memory', 'paxos'] as const;

/** Refuses `value` at `option` unless it is an object with every one of `methods`. */
function checkPort(option: string, value: unknown, methods: readonly string[], what: string): void {
  if (value === undefined) return;
  const object = value as Record<string, unknown> | null;
  if (object === null || typeof object !== 'object' || methods.some((m) => typeof object[m] !== 'function'))
    throw new IdentityServiceConfigError(option, `must be ${what} (an object with ${methods.join(', ')})`);
}

/**
 * A wrong adapter name as the error quotes it: a near miss (`'inmemory'`) is quoted, anything that does not read as a
 * name is not, since a value pasted into the wrong option (an environment variable holding the client secret) must
 * not reach a log through the error.
 */
function echoedAdapter(adapter: string): string {
  return /^[A-Za-z][A-Za-z _-]{0,19}$/.test(adapter) ? `'${adapter}'` : `a string of ${adapter.length} characters`;
}

/** The checks of everything but `paxos.*`, which the Paxos configuration checks with the adapter's own error. */
function checkServiceOptions(given: unknown): asserts given is IdentityServiceOptions {
  if (given === null || typeof given !== 'object')
    throw new IdentityServiceConfigError(
      'options',
      "are required: { adapter: 'in-memory' } or { adapter: 'paxos', paxos: { environment, clientId, clientSecret } }",
    );
  const options = given as Record<string, unknown>;
  const adapter = options['adapter'];
  if (!ADAPTERS.includes(adapter as (typeof ADAPTERS)[number]))
    throw new IdentityServiceConfigError(
      'adapter',
      `must be 'in-memory' or 'paxos'${typeof adapter === 'string' ? `, not ${echoedAdapter(adapter)}` : adapter === undefined ? ' (it is missing)' : `, not a ${typeof adapter}`}`,
    );
  checkPort('clock', options['clock'], ['now'], 'a Clock');
  checkPort('idGenerator', options['idGenerator'], ['next'], 'an IdGenerator');
  checkPort('logger', options['logger'], ['debug', 'info', 'warn', 'error'], 'a Logger');
  checkPort('webhookDeliveryRecord', options['webhookDeliveryRecord'], ['claim'], 'a WebhookDeliveryRecord');
  checkPort('rateLimiter', options['rateLimiter'], ['acquire', 'coolDown', 'coolingDownUntil'], 'a RateLimiter');
  checkPort('tokenCache', options['tokenCache'], ['get', 'set', 'invalidate'], 'a TokenCache');
  const coordination = options['coordination'];
  if (coordination !== undefined) {
    if (coordination === null || typeof coordination !== 'object')
      throw new IdentityServiceConfigError('coordination', 'must be an object (see redisCoordination())');
    const pieces = coordination as Record<string, unknown>;
    checkPort(
      'coordination.rateLimiter',
      pieces['rateLimiter'],
      ['acquire', 'coolDown', 'coolingDownUntil'],
      'a RateLimiter',
    );
    checkPort('coordination.tokenCache', pieces['tokenCache'], ['get', 'set', 'invalidate'], 'a TokenCache');
    checkPort(
      'coordination.webhookDeliveryRecord',
      pieces['webhookDeliveryRecord'],
      ['claim'],
      'a WebhookDeliveryRecord',
    );
  }
  const inMemory = options['inMemory'];
  if (adapter === 'in-memory' && inMemory !== undefined && (inMemory === null || typeof inMemory !== 'object'))
    throw new IdentityServiceConfigError('inMemory', 'must be an object');
}

/** The rules resolved, an unknown rule or choice reported as the service's configuration error. */
function rulesOf(rules: IdentityRules | undefined) {
  try {
    return resolveIdentityRules(rules);
  } catch (error) {
    if (error instanceof TypeError) throw new IdentityServiceConfigError('rules', `are invalid: ${error.message}`);
    throw error;
  }
}

/**
 * Builds a ready {@link IdentityService} without touching inversify: the bindings of `paxos-identity/container`'s
 * modules, resolved by hand, so that this entry loads neither inversify nor reflect-metadata.
 *
 * @example
 * ```ts
 * import { createIdentityService } from 'paxos-identity';
 * const service = createIdentityService({ adapter: 'in-memory' });
 * const identity = await service.createIdentity({ person: { ... } });
 * ```
 *
 * @throws {IdentityServiceConfigError} when an option is missing or of the wrong type (no options, an unknown
 * `adapter`, a `clock` without `now()`, an unknown rule or choice in `rules`, ...), naming it.
 * @throws {PaxosConfigurationError} for `adapter: 'paxos'` when a `paxos` option is invalid (an `http:` URL to a
 * non-loopback host, a missing client id or secret, ...).
 */
export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  // Untyped callers (JavaScript, JSON config) can pass anything: name the option before anything reads it.
  checkServiceOptions(options);
  const rules = rulesOf(options.rules);
  const container = new Wiring();
  container.load(CORE_BINDINGS);
  // An untyped caller may leave `paxos` out: that is for the Paxos configuration to report, not a TypeError here.
  const paxos = options.adapter === 'paxos' ? (options.paxos as PaxosGatewayOptions | undefined) : undefined;
  const logger = options.logger ?? paxos?.logger;
  container
    .rebind<ValidationSettings>(TOKENS.ValidationSettings)
    .toConstantValue(Object.freeze({ rules, ...(logger !== undefined && { logger }) }));
  if (options.clock !== undefined) container.rebind<Clock>(TOKENS.Clock).toConstantValue(options.clock);
  if (options.idGenerator !== undefined)
    container.rebind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(options.idGenerator);
  const webhookDeliveryRecord = options.webhookDeliveryRecord ?? options.coordination?.webhookDeliveryRecord;
  if (webhookDeliveryRecord !== undefined)
    container.rebind<WebhookDeliveryRecord>(TOKENS.WebhookDeliveryRecord).toConstantValue(webhookDeliveryRecord);
  switch (options.adapter) {
    case 'in-memory':
      container.load(inMemoryGatewayBindings(options.inMemory));
      break;
    case 'paxos': {
      container.load(paxosGatewayBindings(options.paxos));
      const rateLimiter = options.rateLimiter ?? options.coordination?.rateLimiter;
      if (rateLimiter !== undefined && paxos?.rateLimit !== false)
        container.rebind<RateLimiter>(TOKENS.RateLimiter).toConstantValue(rateLimiter);
      const tokenCache = options.tokenCache ?? options.coordination?.tokenCache;
      if (tokenCache !== undefined) container.rebind<TokenCache>(TOKENS.TokenCache).toConstantValue(tokenCache);
      break;
    }
  }
  return container.get<IdentityService>(TOKENS.IdentityService);
}
