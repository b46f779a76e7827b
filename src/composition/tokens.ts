import type {
  Accounts,
  IdentityControls,
  CreateIdentity,
  ValidationSettings,
  IdentityLifecycle,
  IdentityService,
  ImportIdentities,
  ListIdentities,
  UpdateIdentity,
  WebhookDeliveries,
} from '../application/index.js';
import type {
  AccountGateway,
  Clock,
  IdentityControlGateway,
  KycRefreshGateway,
  DocumentGateway,
  EventGateway,
  IdentityGateway,
  IdGenerator,
  InstitutionMemberGateway,
  Logger,
  RateLimiter,
  SeenStore,
  WebhookDeliveryRecord,
  TokenCache,
} from '../ports/index.js';

/**
 * inversify service identifiers of the library, for hosts that wire it into their own container.
 * Each token is a `Symbol.for` value, so two copies of the library agree on them.
 */
export const TOKENS = {
  IdentityGateway: Symbol.for('paxos-identity.IdentityGateway') as symbol & { readonly __type?: IdentityGateway },
  Clock: Symbol.for('paxos-identity.Clock') as symbol & { readonly __type?: Clock },
  IdGenerator: Symbol.for('paxos-identity.IdGenerator') as symbol & { readonly __type?: IdGenerator },
  Logger: Symbol.for('paxos-identity.Logger') as symbol & { readonly __type?: Logger },
  RateLimiter: Symbol.for('paxos-identity.RateLimiter') as symbol & { readonly __type?: RateLimiter },
  /** Where access tokens are kept; rebind it to a shared store so that several processes reuse one token. */
  TokenCache: Symbol.for('paxos-identity.TokenCache') as symbol & { readonly __type?: TokenCache },
  InstitutionMemberGateway: Symbol.for('paxos-identity.InstitutionMemberGateway') as symbol & {
    readonly __type?: InstitutionMemberGateway;
  },
  DocumentGateway: Symbol.for('paxos-identity.DocumentGateway') as symbol & { readonly __type?: DocumentGateway },
  EventGateway: Symbol.for('paxos-identity.EventGateway') as symbol & { readonly __type?: EventGateway },
  AccountGateway: Symbol.for('paxos-identity.AccountGateway') as symbol & { readonly __type?: AccountGateway },
  IdentityControlGateway: Symbol.for('paxos-identity.IdentityControlGateway') as symbol & {
    readonly __type?: IdentityControlGateway;
  },
  KycRefreshGateway: Symbol.for('paxos-identity.KycRefreshGateway') as symbol & { readonly __type?: KycRefreshGateway },
  /**
   * Where webhook deliveries are claimed and handled ids kept: an `InMemoryWebhookDeliveryRecord` per container
   * by default; rebind it to a shared record when several processes receive webhooks.
   */
  WebhookDeliveryRecord: Symbol.for('paxos-identity.WebhookDeliveryRecord') as symbol & {
    readonly __type?: WebhookDeliveryRecord;
  },
  /**
   * A store of handled webhook ids. Rebinding it makes the delivery record one over this store, with claims in this
   * process (unless `WebhookDeliveryRecord` is rebound too, which wins).
   *
   * @deprecated A SeenStore's check-then-add cannot be atomic across processes; rebind `WebhookDeliveryRecord`.
   */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecated token still names its type
  SeenStore: Symbol.for('paxos-identity.SeenStore') as symbol & { readonly __type?: SeenStore },
  /** The rule profiles and the logger of advisory warnings the create and update use cases use (default: none). */
  ValidationSettings: Symbol.for('paxos-identity.ValidationSettings') as symbol & {
    readonly __type?: ValidationSettings;
  },
  CreateIdentity: Symbol.for('paxos-identity.CreateIdentity') as symbol & { readonly __type?: CreateIdentity },
  ListIdentities: Symbol.for('paxos-identity.ListIdentities') as symbol & { readonly __type?: ListIdentities },
  UpdateIdentity: Symbol.for('paxos-identity.UpdateIdentity') as symbol & { readonly __type?: UpdateIdentity },
  ImportIdentities: Symbol.for('paxos-identity.ImportIdentities') as symbol & { readonly __type?: ImportIdentities },
  IdentityLifecycle: Symbol.for('paxos-identity.IdentityLifecycle') as symbol & { readonly __type?: IdentityLifecycle },
  /** The account use cases; bound to `undefined` when no account gateway is bound. */
  Accounts: Symbol.for('paxos-identity.Accounts') as symbol & { readonly __type?: Accounts | undefined },
  /** The control and KYC refresh use cases; bound to `undefined` when neither gateway is bound. */
  IdentityControls: Symbol.for('paxos-identity.IdentityControls') as symbol & {
    readonly __type?: IdentityControls | undefined;
  },
  /** The webhook use case; bound to `undefined` when no event gateway is bound. */
  WebhookDeliveries: Symbol.for('paxos-identity.WebhookDeliveries') as symbol & {
    readonly __type?: WebhookDeliveries | undefined;
  },
  IdentityService: Symbol.for('paxos-identity.IdentityService') as symbol & { readonly __type?: IdentityService },
} as const;
