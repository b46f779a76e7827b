import 'reflect-metadata';
import { ContainerModule } from 'inversify';
import { CreateIdentity, IdentityService } from '../application/index.js';
import {
  InMemoryIdentityGateway,
  type InMemoryIdentityGatewayOptions,
} from '../adapters/in-memory/in-memory-identity-gateway.js';
import { systemClock, uuidGenerator } from '../adapters/system/system.js';
import type { Clock, IdentityGateway, IdGenerator } from '../ports/index.js';
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
      (gateway: IdentityGateway, create: CreateIdentity) => new IdentityService(gateway, create),
      [TOKENS.IdentityGateway, TOKENS.CreateIdentity],
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
