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

// The library's wiring as data, read two ways: by the inversify modules of modules.ts (paxos-identity/container), and
// by the small resolver of wiring.ts, which createIdentityService uses so that the root import loads neither
// inversify nor reflect-metadata. One table, so that both build the same objects from the same dependencies.

/** A dependency of a binding: a token that must be bound, or one that resolves to `undefined` when it is not. */
export type Dependency = symbol | { readonly serviceIdentifier: symbol; readonly optional: true };

/** One binding: a constant, or a singleton made from its dependencies once per container. */
export type Binding =
  | { readonly token: symbol; readonly value: unknown }
  | {
      readonly token: symbol;
      readonly dependencies: readonly Dependency[];
      // The dependencies' types follow the tokens listed; a table of mixed bindings can only say "some values".
      readonly create: (...dependencies: never[]) => unknown;
    };

const optional = (serviceIdentifier: symbol): Dependency => ({ serviceIdentifier, optional: true });

/** The SeenStores bound by default, which stand for "not rebound": the delivery record then keeps its own done ids. */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- told apart from a host's own store
const DEFAULT_SEEN_STORES = new WeakSet<SeenStore>();

/** The use cases and the service, with the system clock, UUID ids and an in-memory webhook delivery record. */
export const CORE_BINDINGS: readonly Binding[] = [
  { token: TOKENS.Clock, value: systemClock },
  { token: TOKENS.IdGenerator, value: uuidGenerator },
  { token: TOKENS.ValidationSettings, value: {} },
  {
    token: TOKENS.CreateIdentity,
    dependencies: [TOKENS.IdentityGateway, TOKENS.IdGenerator, TOKENS.Clock, TOKENS.ValidationSettings],
    create: (gateway: IdentityGateway, ids: IdGenerator, clock: Clock, validation: ValidationSettings) =>
      new CreateIdentity(gateway, ids, clock, validation),
  },
  {
    token: TOKENS.ListIdentities,
    dependencies: [TOKENS.IdentityGateway],
    create: (gateway: IdentityGateway) => new ListIdentities(gateway),
  },
  {
    token: TOKENS.UpdateIdentity,
    dependencies: [TOKENS.IdentityGateway, TOKENS.Clock, TOKENS.ValidationSettings],
    create: (gateway: IdentityGateway, clock: Clock, validation: ValidationSettings) =>
      new UpdateIdentity(gateway, clock, validation),
  },
  {
    token: TOKENS.ImportIdentities,
    dependencies: [TOKENS.CreateIdentity],
    create: (create: CreateIdentity) => new ImportIdentities(create),
  },
  {
    token: TOKENS.IdentityLifecycle,
    // A host's own gateway module may bind only the identity gateway: the rest is then unavailable, not an error.
    dependencies: [
      TOKENS.IdentityGateway,
      optional(TOKENS.InstitutionMemberGateway),
      optional(TOKENS.DocumentGateway),
      optional(TOKENS.EventGateway),
    ],
    create: (
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
  },
  {
    token: TOKENS.IdentityControls,
    dependencies: [optional(TOKENS.IdentityControlGateway), optional(TOKENS.KycRefreshGateway)],
    create: (controls: IdentityControlGateway | undefined, kyc: KycRefreshGateway | undefined) =>
      controls === undefined && kyc === undefined ? undefined : new IdentityControls(controls, kyc),
  },
  {
    token: TOKENS.Accounts,
    dependencies: [optional(TOKENS.AccountGateway), TOKENS.IdGenerator],
    create: (gateway: AccountGateway | undefined, ids: IdGenerator) =>
      gateway === undefined ? undefined : new Accounts(gateway, ids),
  },
  /* eslint-disable @typescript-eslint/no-deprecated -- a rebound SeenStore keeps working, adapted into a record */
  {
    token: TOKENS.SeenStore,
    dependencies: [],
    create: () => {
      const store = new InMemorySeenStore();
      DEFAULT_SEEN_STORES.add(store);
      return store;
    },
  },
  {
    token: TOKENS.WebhookDeliveryRecord,
    dependencies: [TOKENS.Clock, TOKENS.SeenStore],
    create: (clock: Clock, seenStore: SeenStore) =>
      DEFAULT_SEEN_STORES.has(seenStore)
        ? new InMemoryWebhookDeliveryRecord({ clock })
        : new InMemoryWebhookDeliveryRecord({ clock, seenStore }),
  },
  {
    token: TOKENS.WebhookDeliveries,
    dependencies: [optional(TOKENS.EventGateway), TOKENS.WebhookDeliveryRecord, TOKENS.Clock],
    create: (events: EventGateway | undefined, record: WebhookDeliveryRecord, clock: Clock) =>
      events === undefined
        ? undefined
        : new WebhookDeliveries(events, record, {
            fromSeenStore: (seenStore: SeenStore) => new InMemoryWebhookDeliveryRecord({ clock, seenStore }),
          }),
  },
  /* eslint-enable @typescript-eslint/no-deprecated */
  {
    token: TOKENS.IdentityService,
    dependencies: [
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
    create: (
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
  },
];

/** The simulated Paxos the in-memory gateways of one container share. */
const SIMULATOR = Symbol('paxos-identity.PaxosSimulator');
/** The one connection every Paxos gateway of a container shares: one configuration, token provider and limiter. */
const PAXOS_CONNECTION = Symbol('paxos-identity.PaxosConnection');
/** The Paxos options of one container, checked and defaulted once. */
const PAXOS_CONFIG = Symbol('paxos-identity.PaxosConfig');

/** The gateway ports bound to in-memory gateways over one fresh (or the given) simulator. */
export function inMemoryGatewayBindings(options: InMemoryIdentityGatewayOptions = {}): readonly Binding[] {
  const shared = (simulator: PaxosSimulator) => ({
    simulator,
    ...(options.clientId !== undefined && { clientId: options.clientId }),
  });
  return [
    {
      token: SIMULATOR,
      dependencies: [TOKENS.Clock],
      create: (clock: Clock) => options.simulator ?? new PaxosSimulator({ clock, ...options }),
    },
    {
      token: TOKENS.IdentityGateway,
      dependencies: [TOKENS.Clock, SIMULATOR],
      create: (clock: Clock, simulator: PaxosSimulator) =>
        new InMemoryIdentityGateway({ clock, ...options, simulator }),
    },
    {
      token: TOKENS.InstitutionMemberGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryMemberGateway(shared(simulator)),
    },
    {
      token: TOKENS.DocumentGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryDocumentGateway(shared(simulator)),
    },
    {
      token: TOKENS.EventGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryEventGateway(shared(simulator)),
    },
    {
      token: TOKENS.AccountGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryAccountGateway(shared(simulator)),
    },
    {
      token: TOKENS.IdentityControlGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryIdentityControlGateway(shared(simulator)),
    },
    {
      token: TOKENS.KycRefreshGateway,
      dependencies: [SIMULATOR],
      create: (simulator: PaxosSimulator) => new InMemoryKycRefreshGateway(shared(simulator)),
    },
  ];
}

/** The gateway ports bound to Paxos gateways over one connection, with its limiter and token cache. */
export function paxosGatewayBindings(options: PaxosGatewayOptions): readonly Binding[] {
  return [
    // Checked once per container: the limiter and the connection read the same resolved configuration.
    { token: PAXOS_CONFIG, dependencies: [], create: () => resolvePaxosConfig(options) },
    {
      token: TOKENS.RateLimiter,
      dependencies: [PAXOS_CONFIG, TOKENS.Clock],
      create: (config: ResolvedPaxosConfig, clock: Clock) =>
        config.rateLimit === false ? undefined : new MemoryRateLimiter({ ...config.rateLimit, clock }),
    },
    // The cache expires tokens on the same clock the token provider renews them by.
    {
      token: TOKENS.TokenCache,
      dependencies: [TOKENS.Clock],
      create: (clock: Clock) => new InMemoryTokenCache({ clock }),
    },
    {
      token: PAXOS_CONNECTION,
      dependencies: [PAXOS_CONFIG, TOKENS.Clock, TOKENS.RateLimiter, TOKENS.TokenCache],
      create: (
        config: ResolvedPaxosConfig,
        clock: Clock,
        rateLimiter: RateLimiter | undefined,
        tokenCache: TokenCache,
      ) => new PaxosConnection(config, { clock, tokenCache, ...(rateLimiter !== undefined && { rateLimiter }) }),
    },
    {
      token: TOKENS.IdentityGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosIdentityGateway(connection),
    },
    {
      token: TOKENS.InstitutionMemberGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosMemberGateway(connection),
    },
    {
      token: TOKENS.DocumentGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosDocumentGateway(connection),
    },
    {
      token: TOKENS.EventGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosEventGateway(connection),
    },
    {
      token: TOKENS.AccountGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosAccountGateway(connection),
    },
    {
      token: TOKENS.IdentityControlGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosIdentityControlGateway(connection),
    },
    {
      token: TOKENS.KycRefreshGateway,
      dependencies: [PAXOS_CONNECTION],
      create: (connection: PaxosConnection) => new PaxosKycRefreshGateway(connection),
    },
  ];
}
