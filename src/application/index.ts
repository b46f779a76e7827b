export { CreateIdentity } from './create-identity.js';
export { IdentityService } from './identity-service.js';
export { ListIdentities } from './list-identities.js';
export { UpdateIdentity } from './update-identity.js';
export {
  ImportIdentities,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSummary,
} from './import-identities.js';
