import 'reflect-metadata';
import { ContainerModule } from 'inversify';
import {
  Accounts,
  IdentityControls,
  CreateIdentity,
  IdentityLifecycle,
  IdentityService,
  ImportIdentities,
  ListIdentities,
  UpdateIdentity,
  WebhookDeliveries,
  type ValidationSettings,
} from '../application/index.js';
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
import { systemClock, uuidGenerator } from '../ports/index.js';
import { InMemoryAccountGateway } from '../adapters/in-memory/in-memory-account-gateway.js';
import {
  InMemoryIdentityControlGateway,
  InMemoryKycRefreshGateway,
} from '../adapters/in-memory/in-memory-control-gateway.js';
import { InMemoryDocumentGateway } from '../adapters/in-memory/in-memory-document-gateway.js';
import { InMemoryEventGateway } from '../adapters/in-memory/in-memory-event-gateway.js';
import { InMemoryMemberGateway } from '../adapters/in-memory/in-memory-member-gateway.js';
import { InMemorySeenStore } from '../adapters/in-memory/in-memory-seen-store.js';
import { InMemoryWebhookDeliveryRecord } from '../adapters/in-memory/in-memory-webhook-delivery-record.js';
import { PaxosSimulator } from '../adapters/in-memory/simulation/paxos-simulator.js';
import {
  PaxosAccountGateway,
  PaxosIdentityControlGateway,
  PaxosKycRefreshGateway,
  PaxosConnection,
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosMemberGateway,
} from '../adapters/paxos/index.js';
import { InMemoryTokenCache } from '../adapters/paxos/in-memory-token-cache.js';
import type {
  AccountGateway,
  IdentityControlGateway,
  KycRefreshGateway,
  DocumentGateway,
  EventGateway,
  InstitutionMemberGateway,
  SeenStore,
  WebhookDeliveryRecord,
} from '../ports/index.js';
import type { Clock, IdentityGateway, IdGenerator, RateLimiter, TokenCache } from '../ports/index.js';
import { TOKENS } from './tokens.js';

/** The SeenStores bound by default, which stand for "not rebound": the delivery record then keeps its own done ids. */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- told apart from a host's own store
const DEFAULT_SEEN_STORES = new WeakSet<SeenStore>();

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
export const identityCoreModule = new ContainerModule(({ bind }) => {
  bind<Clock>(TOKENS.Clock).toConstantValue(systemClock);
  bind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(uuidGenerator);
  bind<ValidationSettings>(TOKENS.ValidationSettings).toConstantValue({});
  bind<CreateIdentity>(TOKENS.CreateIdentity)
    .toResolvedValue(
      (gateway: IdentityGateway, ids: IdGenerator, clock: Clock, validation: ValidationSettings) =>
        new CreateIdentity(gateway, ids, clock, validation),
      [TOKENS.IdentityGateway, TOKENS.IdGenerator, TOKENS.Clock, TOKENS.ValidationSettings],
    )
    .inSingletonScope();
  bind<ListIdentities>(TOKENS.ListIdentities)
    .toResolvedValue((gateway: IdentityGateway) => new ListIdentities(gateway), [TOKENS.IdentityGateway])
    .inSingletonScope();
  bind<UpdateIdentity>(TOKENS.UpdateIdentity)
    .toResolvedValue(
      (gateway: IdentityGateway, clock: Clock, validation: ValidationSettings) =>
        new UpdateIdentity(gateway, clock, validation),
      [TOKENS.IdentityGateway, TOKENS.Clock, TOKENS.ValidationSettings],
    )
    .inSingletonScope();
  bind<ImportIdentities>(TOKENS.ImportIdentities)
    .toResolvedValue((create: CreateIdentity) => new ImportIdentities(create), [TOKENS.CreateIdentity])
    .inSingletonScope();
  bind<IdentityLifecycle>(TOKENS.IdentityLifecycle)
    .toResolvedValue(
      (
        gateway: IdentityGateway,
        members: InstitutionMemberGateway | undefined,
        documents: DocumentGateway | undefined,
        events: EventGateway | undefined,
      ) =>
        new IdentityLifecycle(gateway, {
          ...(members !== undefined && { members }),
          ...(documents !== undefined && { documents }),
          ...(events !== undefined && { events }),
        }),
      [
        TOKENS.IdentityGateway,
        // A host's own gateway module may bind only the identity gateway: the rest is then unavailable, not an error.
        { serviceIdentifier: TOKENS.InstitutionMemberGateway, optional: true },
        { serviceIdentifier: TOKENS.DocumentGateway, optional: true },
        { serviceIdentifier: TOKENS.EventGateway, optional: true },
      ],
    )
    .inSingletonScope();
  bind<IdentityControls | undefined>(TOKENS.IdentityControls)
    .toResolvedValue(
      (controls: IdentityControlGateway | undefined, kyc: KycRefreshGateway | undefined) =>
        controls === undefined && kyc === undefined ? undefined : new IdentityControls(controls, kyc),
      [
        { serviceIdentifier: TOKENS.IdentityControlGateway, optional: true },
        { serviceIdentifier: TOKENS.KycRefreshGateway, optional: true },
      ],
    )
    .inSingletonScope();
  bind<Accounts | undefined>(TOKENS.Accounts)
    .toResolvedValue(
      (gateway: AccountGateway | undefined, ids: IdGenerator) =>
        gateway === undefined ? undefined : new Accounts(gateway, ids),
      [{ serviceIdentifier: TOKENS.AccountGateway, optional: true }, TOKENS.IdGenerator],
    )
    .inSingletonScope();
  /* eslint-disable @typescript-eslint/no-deprecated -- a rebound SeenStore keeps working, adapted into a record */
  bind<SeenStore>(TOKENS.SeenStore)
    .toResolvedValue(() => {
      const store = new InMemorySeenStore();
      DEFAULT_SEEN_STORES.add(store);
      return store;
    })
    .inSingletonScope();
  bind<WebhookDeliveryRecord>(TOKENS.WebhookDeliveryRecord)
    .toResolvedValue(
      (clock: Clock, seenStore: SeenStore) =>
        DEFAULT_SEEN_STORES.has(seenStore)
          ? new InMemoryWebhookDeliveryRecord({ clock })
          : new InMemoryWebhookDeliveryRecord({ clock, seenStore }),
      [TOKENS.Clock, TOKENS.SeenStore],
    )
    .inSingletonScope();
  bind<WebhookDeliveries | undefined>(TOKENS.WebhookDeliveries)
    .toResolvedValue(
      (events: EventGateway | undefined, record: WebhookDeliveryRecord, clock: Clock) =>
        events === undefined
          ? undefined
          : new WebhookDeliveries(events, record, {
              fromSeenStore: (seenStore: SeenStore) => new InMemoryWebhookDeliveryRecord({ clock, seenStore }),
            }),
      [{ serviceIdentifier: TOKENS.EventGateway, optional: true }, TOKENS.WebhookDeliveryRecord, TOKENS.Clock],
    )
    .inSingletonScope();
  /* eslint-enable @typescript-eslint/no-deprecated */
  bind<IdentityService>(TOKENS.IdentityService)
    .toResolvedValue(
      (
        gateway: IdentityGateway,
        create: CreateIdentity,
        list: ListIdentities,
        update: UpdateIdentity,
        importIdentities: ImportIdentities,
        lifecycle: IdentityLifecycle,
        webhooks: WebhookDeliveries | undefined,
        accounts: Accounts | undefined,
        controls: IdentityControls | undefined,
      ) =>
        new IdentityService(gateway, {
          create,
          list,
          update,
          importIdentities,
          lifecycle,
          ...(webhooks !== undefined && { webhooks }),
          ...(accounts !== undefined && { accounts }),
          ...(controls !== undefined && { controls }),
        }),
      [
        TOKENS.IdentityGateway,
        TOKENS.CreateIdentity,
        TOKENS.ListIdentities,
        TOKENS.UpdateIdentity,
        TOKENS.ImportIdentities,
        TOKENS.IdentityLifecycle,
        TOKENS.WebhookDeliveries,
        TOKENS.Accounts,
        TOKENS.IdentityControls,
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
 * Binds the identity, member, document, event and account ports to in-memory gateways over one fresh (or the given)
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
    bind<AccountGateway>(TOKENS.AccountGateway)
      .toResolvedValue((simulator: PaxosSimulator) => new InMemoryAccountGateway(shared(simulator)), [SIMULATOR])
      .inSingletonScope();
    bind<IdentityControlGateway>(TOKENS.IdentityControlGateway)
      .toResolvedValue(
        (simulator: PaxosSimulator) => new InMemoryIdentityControlGateway(shared(simulator)),
        [SIMULATOR],
      )
      .inSingletonScope();
    bind<KycRefreshGateway>(TOKENS.KycRefreshGateway)
      .toResolvedValue((simulator: PaxosSimulator) => new InMemoryKycRefreshGateway(shared(simulator)), [SIMULATOR])
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
    bind<AccountGateway>(TOKENS.AccountGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosAccountGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
    bind<IdentityControlGateway>(TOKENS.IdentityControlGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosIdentityControlGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
    bind<KycRefreshGateway>(TOKENS.KycRefreshGateway)
      .toResolvedValue((connection: PaxosConnection) => new PaxosKycRefreshGateway(connection), [PAXOS_CONNECTION])
      .inSingletonScope();
  });
}
