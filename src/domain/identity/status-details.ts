import type { Open } from './enums.js';

/** What an identity must still get through before it is approved (`IdentityRequirement.type`, SPEC26). */
export const IDENTITY_REQUIREMENT_TYPES = [
  'ID_VERIFICATION',
  'DOCUMENT_VERIFICATION',
  'SCREENING_CHECK',
  'COMPLIANCE_CHECK',
  'ENHANCED_DUE_DILIGENCE',
  'MEMBERS',
  'KYC_REFRESH',
  'TAX_DETAILS_VERIFICATION',
] as const;
/** One of {@link IDENTITY_REQUIREMENT_TYPES}. */
export type IdentityRequirementType = (typeof IDENTITY_REQUIREMENT_TYPES)[number];

/** Where a requirement stands: still running or waiting (`PENDING`), or failed (`FAILED`). */
export type IdentityRequirementStatus = 'PENDING' | 'FAILED';

/** Who must act next on a requirement. Paxos leaves it out for `MEMBERS`: read each member instead. */
export type IdentityRequirementActor = 'CLIENT' | 'PAXOS';

/** Why a requirement is blocked (`IdentityRequirementErrorCode`, SPEC26; Paxos may add more). */
export const IDENTITY_REQUIREMENT_ERROR_CODES = [
  'IDENTITY_VERIFICATION_FAILED',
  'DOCUMENT_VERIFICATION_FAILED',
  'SCREENING_IN_PROGRESS',
  'SCREENING_FAILED',
  'KYC_REFRESH_OVERDUE',
  'MEMBER_VERIFICATION_FAILED',
  'MEMBER_VERIFICATION_PENDING',
  'EDD_DOCUMENTATION_REQUIRED',
  'COMPLIANCE_REVIEW_REQUIRED',
  'COMPLIANCE_REVIEW_FAILED',
  'TIN_NOT_FOUND',
  'IDENTITY_VERIFICATION_REQUIRED',
  'DOCUMENT_UPLOAD_REQUIRED',
  'KYC_REFRESH_REQUIRED',
] as const;
/** One of {@link IDENTITY_REQUIREMENT_ERROR_CODES}. */
export type IdentityRequirementErrorCode = (typeof IDENTITY_REQUIREMENT_ERROR_CODES)[number];

/** One reason a requirement is blocked. Paxos asks not to show `code` or `description` to end users. */
export interface IdentityRequirementError {
  readonly code: Open<IdentityRequirementErrorCode>;
  readonly description: string;
}

/** A step the identity must get through to be onboarded, reinstated or to stay in good standing. */
export interface IdentityRequirement {
  readonly type: Open<IdentityRequirementType>;
  readonly status: Open<IdentityRequirementStatus>;
  /** Absent for `MEMBERS` (each member identity has its own requirements) and when Paxos does not say. */
  readonly awaitingActionFrom?: Open<IdentityRequirementActor> | undefined;
  readonly errors: readonly IdentityRequirementError[];
}

/** A restriction currently on the identity (`IdentityControl`, SPEC26), as `status_details.active_controls` lists it. */
export interface ActiveIdentityControl {
  readonly id: string;
  /** `SELL_ONLY`, `CLOSED`, `FROZEN` or `DORMANT`. */
  readonly type: string;
  /** `SET_BY_PAXOS` or `SET_BY_CLIENT`. */
  readonly setBy: string;
  readonly isOverridable?: boolean | undefined;
  readonly reasonCode?: string | undefined;
  readonly reason?: string | undefined;
  /** RFC 3339. */
  readonly createdAt: string;
  /** RFC 3339. */
  readonly deletedAt?: string | undefined;
}

/**
 * Why an identity has its status (`status_details`, SPEC26): the restrictions on it and what it still needs before
 * approval. An APPROVED identity with nothing pending has both lists empty.
 */
export interface IdentityStatusDetails {
  readonly activeControls: readonly ActiveIdentityControl[];
  readonly requirements: readonly IdentityRequirement[];
}
