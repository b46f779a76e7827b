export { CreateIdentity } from './create-identity.js';
export { IdentityService, type IdentityUseCases } from './identity-service.js';
export { ListIdentities } from './list-identities.js';
export { UpdateIdentity } from './update-identity.js';
export type { ValidationSettings } from './validation-settings.js';
export {
  ImportIdentities,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSummary,
} from './import-identities.js';
export { IdentityLifecycle, type IdentityLifecyclePorts } from './identity-lifecycle.js';
export { waitForStatus, type WaitForStatusOptions } from './wait-for-status.js';
export {
  WebhookDeliveries,
  DEFAULT_WEBHOOK_LEASE_MS,
  type WebhookDeliveriesOptions,
  type WebhookEventHandler,
  type WebhookOutcome,
  type WebhookDeliveryOptions,
} from './webhooks.js';
export { createWebhookHandler, type WebhookHandlerOptions } from './webhook-handler.js';
export { Accounts } from './accounts.js';
export { IdentityControls } from './identity-controls.js';
export { withResponse, type WithResponse } from './with-response.js';
