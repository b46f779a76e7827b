import type {
  IdentityControl,
  IdentityControlPage,
  ListIdentityControlsFilter,
  NewIdentityControl,
} from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/**
 * The driven port to Paxos's Identity Controls (`/identity/controls`, scopes `identity:read_identity_control` and
 * `identity:write_identity_control`, §4.12): restrictions on an identity that move its status (DISABLED for
 * SELL_ONLY, CLOSED, DORMANT; ERROR for FROZEN) and emit `identity.control.created` / `.deleted`.
 */
export interface IdentityControlGateway {
  /** One page of an identity's controls. IdentityNotFoundError when the identity is unknown. */
  listPage(filter: ListIdentityControlsFilter, options?: CallOptions): Promise<IdentityControlPage>;
  /** Sets a control (overridable, set by the client). IdentityNotFoundError when the identity is unknown. */
  create(control: NewIdentityControl, options?: CallOptions): Promise<IdentityControl>;
  /**
   * Deletes an overridable control. IdentityControlNotFoundError when unknown or deleted already;
   * IdentityRejectedError for a control Paxos set that may not be overridden.
   */
  delete(controlId: string, reason?: string, options?: CallOptions): Promise<void>;
}

/**
 * The driven port to Paxos's sandbox KYC refresh helpers (§8.5, SPEC26): each answers `{}`, and the events
 * (`identity.kyc_refresh.started`, `.expired`) follow. A refresh completes through Update Identity with
 * `lastKycRefreshDate`. Sandbox only: the Paxos adapter refuses them for production without sending.
 */
export interface KycRefreshGateway {
  /** `POST /identity/identities/{id}/kyc-refresh`: starts a refresh of an identity eligible for one. */
  start(identityId: string, options?: CallOptions): Promise<void>;
  /** `POST /identity/kycrefresh/force-start`: starts one whatever the eligibility, expiring after `expiryDays` (1–90). */
  forceStart(identityId: string, expiryDays: number, options?: CallOptions): Promise<void>;
  /** `POST /identity/kycrefresh/reset`: clears the identity's refresh state. */
  reset(identityId: string, options?: CallOptions): Promise<void>;
}
