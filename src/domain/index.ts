export * from './shared/sensitive.js';
export { ViolationList, type Violation, type ViolationCode, type ValidationWarning } from './shared/violations.js';
export * from './shared/errors.js';
export type { Page } from './shared/page.js';
export { isCountryCode, countryCodes } from './shared/country-code.js';
export { parseCalendarDate, parseDateTime } from './shared/dates.js';
export * from './identity/enums.js';
export type { Address, AddressInput } from './identity/address.js';
export { sameCip, isUsTaxCip, derivesTaxDetail, cipIdFormat, type CipTriple } from './identity/cip-id.js';
export { DEFAULT_IDENTITY_RULES, resolveIdentityRules, type IdentityRules } from './identity/rule-profiles.js';
export type { TaxDetail, TaxDetailInput, TaxRequirement } from './identity/tax-detail.js';
export type { PersonDetails, PersonDetailsInput } from './identity/person.js';
export type { InstitutionDetails, InstitutionDetailsInput } from './identity/institution.js';
export {
  rolesAllowedFor,
  rolesRestrictedFor,
  type InstitutionMember,
  type InstitutionMemberInput,
} from './identity/institution-member.js';
export type { CustomerDueDiligence, CustomerDueDiligenceInput } from './identity/customer-due-diligence.js';
export type { Metadata } from './identity/metadata.js';
export { NewIdentity, cipOf, type CreateIdentityCommand, type NewIdentityOptions } from './identity/new-identity.js';
export { Identity, type IdentityProps } from './identity/identity.js';
export {
  IDENTITY_REQUIREMENT_TYPES,
  IDENTITY_REQUIREMENT_ERROR_CODES,
  type ActiveIdentityControl,
  type IdentityRequirement,
  type IdentityRequirementActor,
  type IdentityRequirementError,
  type IdentityRequirementErrorCode,
  type IdentityRequirementStatus,
  type IdentityRequirementType,
  type IdentityStatusDetails,
} from './identity/status-details.js';
export { parseSandboxStatusChange, type SandboxStatusChange } from './identity/sandbox-status.js';
export { parseIdentityId } from './identity/identity-id.js';
export {
  parseListIdentitiesFilter,
  MAX_LIST_LIMIT,
  LIST_ORDERS,
  type ListIdentitiesFilter,
  type ListOrder,
  type TimeRange,
  type IdentityPage,
} from './identity/list-filter.js';
export {
  IdentityUpdate,
  changesOf,
  type IdentityChanges,
  type IdentityDelta,
  type IdentityUpdateOptions,
  type PersonDetailsChanges,
  type InstitutionDetailsChanges,
} from './identity/identity-changes.js';
export {
  InstitutionMemberNotFoundError,
  DocumentAlreadyExistsError,
  EventNotFoundError,
  StatusWaitTimeoutError,
  WebhookPayloadError,
  SandboxOnlyError,
} from './lifecycle/errors.js';
export { parseMembersToAdd, parseMemberId, type InstitutionMembersAdded } from './lifecycle/members.js';
export {
  MAX_DOCUMENT_NAME_LENGTH,
  MAX_DOCUMENT_BYTES,
  parseDocumentUploadRequest,
  parseListDocumentsOptions,
  sniffDocumentKind,
  type DocumentUploadRequest,
  type DocumentUpload,
  type IdentityDocument,
  type IdentityDocuments,
  type ListDocumentsOptions,
} from './lifecycle/documents.js';
export {
  IDENTITY_EVENT_TYPES,
  parseEventFilter,
  parseEventId,
  parseWebhookNotification,
  type IdentityEventType,
  type EventObject,
  type PaxosEvent,
  type EventFilter,
  type EventPage,
  type WebhookNotification,
} from './lifecycle/events.js';
export * from './account/index.js';
export * from './control/index.js';
