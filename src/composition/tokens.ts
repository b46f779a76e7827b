import type { CreateIdentity, IdentityService } from '../application/index.js';
import type {
  Clock,
  DocumentGateway,
  EventGateway,
  IdentityGateway,
  IdGenerator,
  InstitutionMemberGateway,
  Logger,
  RateLimiter,
  SeenStore,
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
  /** Where handled webhook event ids are kept; rebind it to a shared store when several processes receive webhooks. */
  SeenStore: Symbol.for('paxos-identity.SeenStore') as symbol & { readonly __type?: SeenStore },
  CreateIdentity: Symbol.for('paxos-identity.CreateIdentity') as symbol & { readonly __type?: CreateIdentity },
  IdentityService: Symbol.for('paxos-identity.IdentityService') as symbol & { readonly __type?: IdentityService },
} as const;
