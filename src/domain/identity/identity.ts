import type { CipTriple } from './cip-id.js';
import type { CustomerDueDiligence } from './customer-due-diligence.js';
import type { IdentityStatus, IdentityType, Open, TinVerificationStatus } from './enums.js';
import type { InstitutionDetails } from './institution.js';
import type { InstitutionMember } from './institution-member.js';
import type { Metadata } from './metadata.js';
import { cipOf } from './new-identity.js';
import type { PersonDetails } from './person.js';
import type { IdentityStatusDetails } from './status-details.js';
import type { TaxDetail } from './tax-detail.js';

/** Everything Paxos returns about an identity, in camelCase. Statuses are open: Paxos adds values over time. */
export interface IdentityProps {
  readonly id: string;
  readonly type: Open<IdentityType>;
  readonly refId?: string | undefined;
  /** PENDING, ERROR, APPROVED, DENIED or DISABLED. */
  readonly summaryStatus: Open<IdentityStatus>;
  /** The newer name of the summary status, when Paxos sends it. */
  readonly status?: Open<IdentityStatus> | undefined;
  /** Why the identity has its status: active controls and the requirements still open (SPEC26), when Paxos sends them. */
  readonly statusDetails?: IdentityStatusDetails | undefined;
  readonly person?: PersonDetails | undefined;
  readonly institution?: InstitutionDetails | undefined;
  readonly institutionMembers?: readonly InstitutionMember[] | undefined;
  readonly taxDetails?: readonly TaxDetail[] | undefined;
  readonly taxDetailsNotRequired?: boolean | undefined;
  readonly summaryTinVerificationStatus?: Open<TinVerificationStatus> | undefined;
  readonly customerDueDiligence?: CustomerDueDiligence | undefined;
  readonly isMerchant?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
  readonly userDisabled?: boolean | undefined;
  readonly adminDisabled?: boolean | undefined;
  /** RFC 3339. */
  readonly lastKycRefreshDate?: string | undefined;
  /** RFC 3339 with Paxos's fractional seconds. */
  readonly createdAt: string;
  /** RFC 3339 with Paxos's fractional seconds. */
  readonly updatedAt: string;
}

/**
 * An identity as Paxos holds it. Obtained from the service (create, get); built from Paxos's data by
 * {@link Identity.rehydrate}, which trusts Paxos and does not re-run the create rules.
 *
 * Personal data inside (`person.cipId`, `person.dateOfBirth`, `taxDetails[].taxPayerId`) is {@link Sensitive}:
 * `console.log(identity)` and `JSON.stringify(identity)` show `[REDACTED]`; call `.reveal()` to read a value.
 */
export class Identity {
  readonly id: string;
  readonly type: Open<IdentityType>;
  readonly refId: string | undefined;
  readonly summaryStatus: Open<IdentityStatus>;
  readonly status: Open<IdentityStatus> | undefined;
  readonly statusDetails: IdentityStatusDetails | undefined;
  readonly person: PersonDetails | undefined;
  readonly institution: InstitutionDetails | undefined;
  readonly institutionMembers: readonly InstitutionMember[] | undefined;
  readonly taxDetails: readonly TaxDetail[];
  readonly taxDetailsNotRequired: boolean;
  readonly summaryTinVerificationStatus: Open<TinVerificationStatus> | undefined;
  readonly customerDueDiligence: CustomerDueDiligence | undefined;
  readonly isMerchant: boolean;
  readonly metadata: Metadata;
  readonly userDisabled: boolean;
  readonly adminDisabled: boolean;
  readonly lastKycRefreshDate: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;

  private constructor(props: IdentityProps) {
    this.id = props.id;
    this.type = props.type;
    this.refId = props.refId;
    this.summaryStatus = props.summaryStatus;
    this.status = props.status;
    this.statusDetails = props.statusDetails;
    this.person = props.person;
    this.institution = props.institution;
    this.institutionMembers = props.institutionMembers;
    this.taxDetails = props.taxDetails ?? [];
    this.taxDetailsNotRequired = props.taxDetailsNotRequired ?? false;
    this.summaryTinVerificationStatus = props.summaryTinVerificationStatus;
    this.customerDueDiligence = props.customerDueDiligence;
    this.isMerchant = props.isMerchant ?? false;
    this.metadata = props.metadata ?? EMPTY_METADATA;
    this.userDisabled = props.userDisabled ?? false;
    this.adminDisabled = props.adminDisabled ?? false;
    this.lastKycRefreshDate = props.lastKycRefreshDate;
    this.createdAt = props.createdAt;
    this.updatedAt = props.updatedAt;
    Object.freeze(this);
  }

  /** Builds an identity from data Paxos (or a fake of it) returned. */
  static rehydrate(props: IdentityProps): Identity {
    return new Identity(props);
  }

  /** The (cipId, cipIdType, cipIdCountry) triple, when details were included. */
  get cip(): CipTriple | undefined {
    return cipOf(this.person ?? this.institution);
  }

  /** True once Paxos approved the identity: it can transact. */
  get isApproved(): boolean {
    return (this.status ?? this.summaryStatus) === 'APPROVED';
  }

  /** The same identity with some fields replaced (used by gateways to produce Paxos's views of it). */
  with(changes: Partial<IdentityProps>): Identity {
    // Object.assign onto a fresh literal that already has every key: as `{ ...props, ...changes }`, at half the cost.
    return new Identity(Object.assign(this.props(), changes));
  }

  /** The identity's fields as a plain object. */
  props(): IdentityProps {
    // Field by field, in the constructor's order: V8 copies a spread of a frozen object one property at a time, which
    // made every `with` cost several times the identity it builds.
    return {
      id: this.id,
      type: this.type,
      refId: this.refId,
      summaryStatus: this.summaryStatus,
      status: this.status,
      statusDetails: this.statusDetails,
      person: this.person,
      institution: this.institution,
      institutionMembers: this.institutionMembers,
      taxDetails: this.taxDetails,
      taxDetailsNotRequired: this.taxDetailsNotRequired,
      summaryTinVerificationStatus: this.summaryTinVerificationStatus,
      customerDueDiligence: this.customerDueDiligence,
      isMerchant: this.isMerchant,
      metadata: this.metadata,
      userDisabled: this.userDisabled,
      adminDisabled: this.adminDisabled,
      lastKycRefreshDate: this.lastKycRefreshDate,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }
}

const EMPTY_METADATA: Metadata = Object.freeze({});
