import 'reflect-metadata';
import { ContainerModule } from 'inversify';
import { CreateIdentity, IdentityService } from '../application/index.js';
import {
  InMemoryIdentityGateway,
  type InMemoryIdentityGatewayOptions,
} from '../adapters/in-memory/in-memory-identity-gateway.js';
import {
  PaxosIdentityGateway,
  resolvePaxosConfig,
  type PaxosGatewayOptions,
  type ResolvedPaxosConfig,
} from '../adapters/paxos/index.js';
import { MemoryRateLimiter } from '../adapters/rate-limiter/index.js';
import { systemClock, uuidGenerator } from '../adapters/system/system.js';
import { InMemoryDocumentGateway } from '../adapters/in-memory/in-memory-document-gateway.js';
import { InMemoryEventGateway } from '../adapters/in-memory/in-memory-event-gateway.js';
import { InMemoryMemberGateway } from '../adapters/in-memory/in-memory-member-gateway.js';
import { InMemorySeenStore } from '../adapters/in-memory/in-memory-seen-store.js';
import { PaxosSimulator } from '../adapters/simulation/paxos-simulator.js';
import {
  PaxosConnection,
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosMemberGateway,
} from '../adapters/paxos/index.js';
import { InMemoryTokenCache } from '../adapters/in-memory/in-memory-token-cache.js';
import type { DocumentGateway, EventGateway, InstitutionMemberGateway, SeenStore } from '../ports/index.js';
import type { Clock, IdentityGateway, IdGenerator, RateLimiter, TokenCache } from '../ports/index.js';
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
  bind<SeenStore>(TOKENS.SeenStore).toConstantValue(new InMemorySeenStore());
  bind<IdentityService>(TOKENS.IdentityService)
    .toResolvedValue(
      (
        gateway: IdentityGateway,
        create: CreateIdentity,
        clock: Clock,
        members: InstitutionMemberGateway | undefined,
        documents: DocumentGateway | undefined,
        events: EventGateway | undefined,
        seenStore: SeenStore,
      ) =>
        new IdentityService(gateway, create, clock, {
          ...(members !== undefined && { members }),
          ...(documents !== undefined && { documents }),
          ...(events !== undefined && { events }),
          seenStore,
        }),
      [
        TOKENS.IdentityGateway,
        TOKENS.CreateIdentity,
        TOKENS.Clock,
        // A host's own gateway module may bind only the identity gateway: the rest is then unavailable, not an error.
        { serviceIdentifier: TOKENS.InstitutionMemberGateway, optional: true },
        { serviceIdentifier: TOKENS.DocumentGateway, optional: true },
        { serviceIdentifier: TOKENS.EventGateway, optional: true },
        TOKENS.SeenStore,
      ],
    )
    .inSingletonScope();
});

/** The simulated Paxos the in-memory gateways of one container share. */
const SIMULATOR = Symbol('paxos-identity.PaxosSimulator');
/** The one connection every Paxos gateway of a container shares: one configuration, token provider and limiter. */
const PAXOS_CONNECTION = Symbol('paxos-identity.PaxosConnection');
/** The Paxos options of one container, checked and defaulted once. */
const PAXOS_CONFIG = Symbol('paxos-identity.PaxosConfig');

/**
 * Binds the identity, member, document and event ports to in-memory gateways over one fresh (or the given)
 * {@link PaxosSimulator}, so that they see the same identities.
 */
export function inMemoryGatewayModule(options: InMemoryIdentityGatewayOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<PaxosSimulator>(SIMULATOR)
      .toResolvedValue((clock: Clock) => options.simulator ?? new PaxosSimulator({ clock, ...options }), [TOKENS.Clock])
      .inSingletonScope();
    bind<IdentityGateway>(TOKENS.IdentityGateway)
      .toResolvedValue(
        (clock: Clock, simulator: PaxosSimulator) => new InMemoryIdentityGateway({ clock, ...options, simulator }),
        [TOKENS.Clock, SIMULATOR],
      )
      .inSingletonScope();
    const shared = (simulator: PaxosSimulator) => ({
      simulator,
      ...(options.clientId !== undefined && { clientId: options.clientId }),
    });
    bind<InstitutionMemberGateway>(TOKENS.InstitutionMemberGateway)
      .toResolvedValue((simulator: PaxosSimulator) => new InMemoryMemberGateway(shared(simulator)), [SIMULATOR])
      .inSingletonScope();
    bind<DocumentGateway>(TOKENS.DocumentGateway)
      .toResolvedValue((simulator: PaxosSimulator) => new InMemoryDocumentGateway(shared(simulator)), [SIMULATOR])
      .inSingletonScope();
    bind<EventGateway>(TOKENS.EventGateway)
      .toResolvedValue((simulator: PaxosSimulator) => new InMemoryEventGateway(shared(simulator)), [SIMULATOR])
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
    // Checked once per container: the limiter and the connection read the same resolved configuration.
    bind<ResolvedPaxosConfig>(PAXOS_CONFIG)
      .toResolvedValue(() => resolvePaxosConfig(options))
      .inSingletonScope();
    bind<RateLimiter | undefined>(TOKENS.RateLimiter)
      .toResolvedValue(
        (config: ResolvedPaxosConfig, clock: Clock) =>
          config.rateLimit === false ? undefined : new MemoryRateLimiter({ ...config.rateLimit, clock }),
        [PAXOS_CONFIG, TOKENS.Clock],
      )
      .inSingletonScope();
    // The cache expires tokens on the same clock the token provider renews them by.
    bind<TokenCache>(TOKENS.TokenCache)
      .toResolvedValue((clock: Clock) => new InMemoryTokenCache({ clock }), [TOKENS.Clock])
      .inSingletonScope();
    bind<PaxosConnection>(PAXOS_CONNECTION)
      .toResolvedValue(
        (config: ResolvedPaxosConfig, clock: Clock, rateLimiter: RateLimiter | undefined, tokenCache: TokenCache) =>
          new PaxosConnection(config, { clock, tokenCache, ...(rateLimiter !== undefined && { rateLimiter }) }),
        [PAXOS_CONFIG, TOKENS.Clock, TOKENS.RateLimiter, TOKENS.TokenCache],
      )
      .inSingletonScope();
    bind<IdentityGateway>(TOKENS.IdentityGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosIdentityGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
    bind<InstitutionMemberGateway>(TOKENS.InstitutionMemberGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosMemberGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
    bind<DocumentGateway>(TOKENS.DocumentGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosDocumentGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
    bind<EventGateway>(TOKENS.EventGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosEventGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
  });
}
