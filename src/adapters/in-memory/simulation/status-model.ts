import type {
  Identity,
  IdentityRequirement,
  IdentityStatus,
  IdentityStatusDetails,
  Open,
} from '../../../domain/index.js';

/** What the summary status depends on beyond the identity itself. */
export interface StatusContext {
  /** The summary status of a member identity, for an institution's members. */
  readonly memberStatus: (identityId: string) => Open<IdentityStatus> | undefined;
  /** Enhanced due diligence asked for documents that are not uploaded yet (§8.6). */
  readonly documentsPending?: boolean | undefined;
  /** The identity was APPROVED at some point: only such an identity can be DISABLED (§8.1). */
  readonly wasApproved?: boolean | undefined;
}

const blocks = (status: string | undefined): boolean => status === 'ERROR';

/**
 * The verdict of the checks alone, before disabling: DENIED when one failed, APPROVED when everything a person or an
 * institution needs passed (§3.5: id verification and sanctions for a person; sanctions and approved members for an
 * institution), otherwise PENDING.
 */
function verdictOf(identity: Identity, context: StatusContext): 'APPROVED' | 'DENIED' | 'PENDING' {
  const p = identity.person;
  const i = identity.institution;
  const checks = [
    p?.idVerificationStatus,
    p?.sanctionsVerificationStatus,
    p?.additionalScreeningStatus,
    i?.sanctionsVerificationStatus,
    i?.documentVerificationStatus,
    i?.additionalScreeningStatus,
  ];
  if (checks.includes('DENIED')) return 'DENIED';
  // A high-risk identity waits for its EDD documents, unless it was approved before EDD started (§8.6).
  if (context.documentsPending === true && context.wasApproved !== true) return 'PENDING';
  if (p !== undefined) {
    const cleared =
      p.idVerificationStatus === 'APPROVED' &&
      p.sanctionsVerificationStatus === 'APPROVED' &&
      !blocks(p.additionalScreeningStatus);
    return cleared ? 'APPROVED' : 'PENDING';
  }
  if (i !== undefined) {
    const membersApproved = (identity.institutionMembers ?? []).every(
      (m) => context.memberStatus(m.identityId) === 'APPROVED',
    );
    // Paxos's sandbox-status description: sanctions APPROVED enables an institution. Document verification, PENDING
    // by default (which is why institutions stay PENDING, §9), holds it back only once it is in review (ERROR).
    const cleared =
      i.sanctionsVerificationStatus === 'APPROVED' &&
      !blocks(i.documentVerificationStatus) &&
      !blocks(i.additionalScreeningStatus) &&
      membersApproved;
    return cleared ? 'APPROVED' : 'PENDING';
  }
  return 'PENDING';
}

/**
 * The summary status Paxos reaches from the sub-statuses (inferred; Paxos publishes no formula, §8.2): any check
 * DENIED → DENIED; a person with id verification and sanctions APPROVED, or an institution with sanctions APPROVED
 * and every member APPROVED, with no screening in review (ERROR) and no EDD document missing → APPROVED; otherwise
 * PENDING. A user- or admin-disabled identity is DISABLED once it is or was approved: DISABLED means "was approved,
 * then off-boarded" (§8.1), so a never-approved one keeps the verdict of its checks until they pass.
 *
 * @param memberStatus the summary status of a member identity (institutions).
 * @param context documents pending and whether the identity was approved before; both false when left out.
 */
export function deriveSummaryStatus(
  identity: Identity,
  memberStatus: (identityId: string) => Open<IdentityStatus> | undefined,
  context: Omit<StatusContext, 'memberStatus'> = {},
): Open<IdentityStatus> {
  const full = { ...context, memberStatus };
  const verdict = verdictOf(identity, full);
  if (!(identity.userDisabled || identity.adminDisabled)) return verdict;
  return context.wasApproved === true || verdict === 'APPROVED' ? 'DISABLED' : verdict;
}

/**
 * One requirement with one error. Made once per kind, frozen, and shared by every identity it applies to: a create
 * answers with at least one (the sanctions screening is running), and building them afresh was a visible share of
 * what a create through the fake allocated.
 */
const requirement = (
  type: string,
  status: 'PENDING' | 'FAILED',
  code: string,
  description: string,
  awaitingActionFrom?: 'CLIENT' | 'PAXOS',
): IdentityRequirement =>
  Object.freeze({
    type,
    status,
    ...(awaitingActionFrom !== undefined && { awaitingActionFrom }),
    errors: Object.freeze([Object.freeze({ code, description })]),
  });

const ID_VERIFICATION_FAILED = requirement(
  'ID_VERIFICATION',
  'FAILED',
  'IDENTITY_VERIFICATION_FAILED',
  'the identity verification failed',
);
const ID_VERIFICATION_REQUIRED = requirement(
  'ID_VERIFICATION',
  'PENDING',
  'IDENTITY_VERIFICATION_REQUIRED',
  'the identity verification is not complete',
  'CLIENT',
);
const screeningFailed = (what: string) =>
  requirement('SCREENING_CHECK', 'FAILED', 'SCREENING_FAILED', `the ${what} found a match`);
const screeningInReview = (what: string) =>
  requirement(
    'COMPLIANCE_CHECK',
    'PENDING',
    'COMPLIANCE_REVIEW_REQUIRED',
    `a possible ${what} match is in review`,
    'PAXOS',
  );
const SCREENING = {
  sanctions: { failed: screeningFailed('sanctions screening'), inReview: screeningInReview('sanctions screening') },
  additional: { failed: screeningFailed('additional screening'), inReview: screeningInReview('additional screening') },
} as const;
const SANCTIONS_SCREENING_RUNNING = requirement(
  'SCREENING_CHECK',
  'PENDING',
  'SCREENING_IN_PROGRESS',
  'sanctions screening is running',
  'PAXOS',
);
const DOCUMENT_VERIFICATION_FAILED = requirement(
  'DOCUMENT_VERIFICATION',
  'FAILED',
  'DOCUMENT_VERIFICATION_FAILED',
  'the document verification failed',
);
const DOCUMENTS_IN_REVIEW = requirement(
  'DOCUMENT_VERIFICATION',
  'PENDING',
  'COMPLIANCE_REVIEW_REQUIRED',
  'the documents are in review',
  'PAXOS',
);
const MEMBER_DENIED = requirement('MEMBERS', 'FAILED', 'MEMBER_VERIFICATION_FAILED', 'a member was denied');
const MEMBER_PENDING = requirement('MEMBERS', 'PENDING', 'MEMBER_VERIFICATION_PENDING', 'a member is not approved yet');
const EDD_DOCUMENTS_REQUIRED = requirement(
  'ENHANCED_DUE_DILIGENCE',
  'PENDING',
  'EDD_DOCUMENTATION_REQUIRED',
  'documents are required: list them with include_pending_docs',
  'CLIENT',
);

function screening(status: string | undefined, into: IdentityRequirement[], additional: boolean): void {
  const kind = additional ? SCREENING.additional : SCREENING.sanctions;
  if (status === 'DENIED') into.push(kind.failed);
  else if (status === 'ERROR') into.push(kind.inReview);
  else if (status === 'PENDING' && !additional) into.push(SANCTIONS_SCREENING_RUNNING);
}

/**
 * `status_details` (§4.11) as the status model above sees it: one requirement per check that holds the identity back
 * or failed, each with one error code (never personal data in the description). Active controls are not simulated
 * here: they are the `activeControls` given, none when left out.
 */
export function statusDetailsOf(
  identity: Identity,
  context: StatusContext,
  activeControls: IdentityStatusDetails['activeControls'] = [],
): IdentityStatusDetails {
  const requirements: IdentityRequirement[] = [];
  const p = identity.person;
  const i = identity.institution;
  if (p !== undefined) {
    if (p.idVerificationStatus === 'DENIED') requirements.push(ID_VERIFICATION_FAILED);
    else if (p.idVerificationStatus !== 'APPROVED') requirements.push(ID_VERIFICATION_REQUIRED);
    screening(p.sanctionsVerificationStatus, requirements, false);
    screening(p.additionalScreeningStatus, requirements, true);
  }
  if (i !== undefined) {
    screening(i.sanctionsVerificationStatus, requirements, false);
    screening(i.additionalScreeningStatus, requirements, true);
    if (i.documentVerificationStatus === 'DENIED') requirements.push(DOCUMENT_VERIFICATION_FAILED);
    else if (i.documentVerificationStatus === 'ERROR') requirements.push(DOCUMENTS_IN_REVIEW);
    const statuses = (identity.institutionMembers ?? []).map((m) => context.memberStatus(m.identityId));
    if (statuses.includes('DENIED')) requirements.push(MEMBER_DENIED);
    else if (statuses.some((s) => s !== 'APPROVED')) requirements.push(MEMBER_PENDING);
  }
  if (context.documentsPending === true) requirements.push(EDD_DOCUMENTS_REQUIRED);
  return { activeControls, requirements };
}
