export { CreateIdentity } from './create-identity.js';
export { IdentityService } from './identity-service.js';
