export {
  CLIENT_CONTROL_TYPES,
  IDENTITY_CONTROL_SET_BY,
  MAX_CONTROL_LIST_LIMIT,
  MAX_CONTROL_REASON_LENGTH,
  parseDeleteIdentityControl,
  parseListIdentityControlsFilter,
  parseNewIdentityControl,
  type ClientControlType,
  type CreateIdentityControlCommand,
  type IdentityControl,
  type IdentityControlPage,
  type IdentityControlSetBy,
  type ListIdentityControlsFilter,
  type NewIdentityControl,
} from './identity-control.js';
export { KYC_REFRESH_EXPIRY_DAYS, parseKycRefreshExpiryDays, parseKycRefreshIdentityId } from './kyc-refresh.js';
export { IdentityControlNotFoundError } from './errors.js';
