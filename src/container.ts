/**
 * `paxos-identity/container`: what a host needs to wire the library into its own inversify container: the
 * service identifiers ({@link TOKENS}), the container modules, and the use cases the service is made of, each bound
 * once. The adapters to rebind a token to are on `paxos-identity/gateways`, the fakes on `paxos-identity/testing`.
 *
 * @packageDocumentation
 */
export { TOKENS } from './composition/tokens.js';
export { identityCoreModule, inMemoryGatewayModule, paxosGatewayModule } from './composition/modules.js';
export {
  CreateIdentity,
  ListIdentities,
  UpdateIdentity,
  ImportIdentities,
  IdentityLifecycle,
  Accounts,
  IdentityControls,
  WebhookDeliveries,
  IdentityService,
  type IdentityUseCases,
  type ValidationSettings,
  type WebhookDeliveriesOptions,
} from './application/index.js';
export type { InMemoryIdentityGatewayOptions } from './adapters/in-memory/in-memory-identity-gateway.js';
