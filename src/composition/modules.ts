import 'reflect-metadata';
import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import type { InMemoryIdentityGatewayOptions } from '../adapters/in-memory/in-memory-identity-gateway.js';
import type { PaxosGatewayOptions } from '../adapters/paxos/index.js';
import { CORE_BINDINGS, inMemoryGatewayBindings, paxosGatewayBindings, type Binding } from './bindings.js';

/** The bindings of bindings.ts as inversify bindings: constants as constants, the rest singletons of their factory. */
function moduleOf(bindings: readonly Binding[]): ContainerModule {
  return new ContainerModule(({ bind }: ContainerModuleLoadOptions) => {
    for (const binding of bindings) {
      if ('value' in binding) bind(binding.token).toConstantValue(binding.value);
      else
        bind(binding.token)
          .toResolvedValue(binding.create as (...values: unknown[]) => unknown, [...binding.dependencies])
          .inSingletonScope();
    }
  });
}

/**
 * The use cases and the service, with the system clock, UUID ids and an in-memory webhook delivery record (per
 * container). Load it together with one gateway module.
 *
 * @example
 * ```ts
 * const container = new Container();
 * container.load(identityCoreModule, inMemoryGatewayModule());
 * const service = container.get<IdentityService>(TOKENS.IdentityService);
 * ```
 */
export const identityCoreModule: ContainerModule = moduleOf(CORE_BINDINGS);

/**
 * Binds the identity, member, document, event and account ports to in-memory gateways over one fresh (or the given)
 * `PaxosSimulator`, so that they see the same identities.
 */
export function inMemoryGatewayModule(options: InMemoryIdentityGatewayOptions = {}): ContainerModule {
  return moduleOf(inMemoryGatewayBindings(options));
}

/**
 * Binds the `IdentityGateway` port to a `PaxosIdentityGateway` talking to Paxos (or to anything that
 * speaks its wire format, such as the emulator). The container's Clock decides when access tokens are renewed.
 * The RateLimiter token is bound to a `MemoryRateLimiter` built from `options.rateLimit` (Paxos's limits by
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
  return moduleOf(paxosGatewayBindings(options));
}
