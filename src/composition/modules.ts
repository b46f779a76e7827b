import 'reflect-metadata';
import { ContainerModule } from 'inversify';
import { CreateIdentity, IdentityService } from '../application/index.js';
import {
  InMemoryIdentityGateway,
  type InMemoryIdentityGatewayOptions,
} from '../adapters/in-memory/in-memory-identity-gateway.js';
import { PaxosIdentityGateway, resolvePaxosConfig, type PaxosGatewayOptions } from '../adapters/paxos/index.js';
import { MemoryRateLimiter } from '../adapters/rate-limiter/index.js';
import { systemClock, uuidGenerator } from '../adapters/system/system.js';
import type { Clock, IdentityGateway, IdGenerator, RateLimiter } from '../ports/index.js';
import { TOKENS } from './tokens.js';

/**
 * The use cases and the service, with the system clock and UUID ids. Load it together with one gateway module.
 *
 * @example
 * ```ts
 * const container = new Container();
 * container.load(identityCoreModule, inMemoryGatewayModule());
 * const service = container.get<IdentityService>(TOKENS.IdentityService);
 * ```
 */
export const identityCoreModule = new ContainerModule(({ bind }) => {
  bind<Clock>(TOKENS.Clock).toConstantValue(systemClock);
  bind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(uuidGenerator);
  bind<CreateIdentity>(TOKENS.CreateIdentity)
    .toResolvedValue(
      (gateway: IdentityGateway, ids: IdGenerator, clock: Clock) => new CreateIdentity(gateway, ids, clock),
      [TOKENS.IdentityGateway, TOKENS.IdGenerator, TOKENS.Clock],
    )
    .inSingletonScope();
  bind<IdentityService>(TOKENS.IdentityService)
    .toResolvedValue(
      (gateway: IdentityGateway, create: CreateIdentity, clock: Clock) => new IdentityService(gateway, create, clock),
      [TOKENS.IdentityGateway, TOKENS.CreateIdentity, TOKENS.Clock],
    )
    .inSingletonScope();
});

/** Binds the {@link IdentityGateway} port to a fresh {@link InMemoryIdentityGateway}. */
export function inMemoryGatewayModule(options: InMemoryIdentityGatewayOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<IdentityGateway>(TOKENS.IdentityGateway)
      .toResolvedValue((clock: Clock) => new InMemoryIdentityGateway({ clock, ...options }), [TOKENS.Clock])
      .inSingletonScope();
  });
}

/**
 * Binds the {@link IdentityGateway} port to a {@link PaxosIdentityGateway} talking to Paxos (or to anything that
 * speaks its wire format, such as the emulator). The container's Clock decides when access tokens are renewed.
 * The RateLimiter token is bound to a {@link MemoryRateLimiter} built from `options.rateLimit` (Paxos's limits by
 * default); rebind it to share one limiter between services, or to a limiter over a shared store.
 *
 * @example
 * ```ts
 * container.load(identityCoreModule, paxosGatewayModule({ environment: 'sandbox', clientId, clientSecret }));
 * ```
 *
 * @throws {PaxosConfigurationError} when the gateway is first resolved and an option is invalid.
 */
export function paxosGatewayModule(options: PaxosGatewayOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<RateLimiter | undefined>(TOKENS.RateLimiter)
      .toResolvedValue(() => {
        const limits = resolvePaxosConfig(options).rateLimit;
        return limits === false ? undefined : new MemoryRateLimiter(limits);
      })
      .inSingletonScope();
    bind<IdentityGateway>(TOKENS.IdentityGateway)
      .toResolvedValue(
        (clock: Clock, rateLimiter: RateLimiter | undefined) =>
          new PaxosIdentityGateway(options, rateLimiter === undefined ? { clock } : { clock, rateLimiter }),
        [TOKENS.Clock, TOKENS.RateLimiter],
      )
      .inSingletonScope();
  });
}
