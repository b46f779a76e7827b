import { IdentityValidationError } from '../shared/errors.js';
import { keys, readArray, readBoolean, readObject, readString } from '../shared/guard.js';
import { ViolationList, type ValidationWarning } from '../shared/violations.js';
import { derivesTaxDetail, type CipTriple } from './cip-id.js';
import {
  parseCustomerDueDiligence,
  type CustomerDueDiligence,
  type CustomerDueDiligenceInput,
} from './customer-due-diligence.js';
import { INSTITUTION_CIP_ID_TYPES, PERSON_CIP_ID_TYPES, type IdentityType } from './enums.js';
import { parseInstitution, type InstitutionDetails, type InstitutionDetailsInput } from './institution.js';
import { parseMembers, type InstitutionMember, type InstitutionMemberInput } from './institution-member.js';
import { parseMetadata, type Metadata } from './metadata.js';
import { parsePerson, type PersonDetails, type PersonDetailsInput } from './person.js';
import { checkProfiles, resolveIdentityRules, type IdentityRules } from './rule-profiles.js';
import { parseTaxDetail, type TaxDetail, type TaxDetailInput, type TaxRequirement } from './tax-detail.js';

/**
 * What a caller sends to create an identity: the camelCase of Paxos's `CreateIdentityRequest`.
 * Give exactly one of `person` or `institution`; an institution also needs `institutionMembers`.
 *
 * @example
 * ```ts
 * const command: CreateIdentityCommand = {
 *   refId: '33ece656-eef1-43b5-a851-b6b9099089a5',
 *   person: { verifierType: 'PASSTHROUGH', passthroughVerifierType: 'JUMIO', passthroughVerifiedAt: '2021-06-16T09:28:14Z',
 *     firstName: 'John', lastName: 'Doe', dateOfBirth: '1980-01-01', nationality: 'USA',
 *     cipId: '111-11-1234', cipIdType: 'SSN', cipIdCountry: 'USA',
 *     address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' } },
 * };
 * ```
 */
export interface CreateIdentityCommand {
  /** Your id for the identity, unique per API user; makes retries safe. A UUID v4 is generated when absent. */
  refId?: string;
  person?: PersonDetailsInput;
  institution?: InstitutionDetailsInput;
  institutionMembers?: InstitutionMemberInput[];
  /** Required unless `taxDetailsNotRequired` is true or the CIP id is an SSN, ITIN or EIN (then Paxos derives it). */
  taxDetails?: TaxDetailInput[];
  /** Set to true when no tax details are legally required; never for a CIP id issued by the USA. */
  taxDetailsNotRequired?: boolean;
  customerDueDiligence?: CustomerDueDiligenceInput;
  isMerchant?: boolean;
  metadata?: Record<string, string>;
}

/** Options for {@link NewIdentity.create}. */
export interface NewIdentityOptions {
  /** The current time, for the "in the future" warnings. Defaults to the system clock. */
  readonly now?: Date;
  /** Which of Paxos's licensing-dependent requirements refuse rather than warn. Default: all advisory. */
  readonly rules?: IdentityRules;
}

const COMMAND_FIELDS = keys(
  'refId',
  'person',
  'institution',
  'institutionMembers',
  'taxDetails',
  'taxDetailsNotRequired',
  'customerDueDiligence',
  'isMerchant',
  'metadata',
);

/** Paxos documents no length for `ref_id`; past 255 characters it is sent with a warning. */
const REF_ID_RULE = { advise: 255 } as const;

interface NewIdentityProps {
  readonly type: IdentityType;
  readonly refId: string | undefined;
  readonly person: PersonDetails | undefined;
  readonly institution: InstitutionDetails | undefined;
  readonly institutionMembers: readonly InstitutionMember[] | undefined;
  readonly tax: TaxRequirement;
  readonly customerDueDiligence: CustomerDueDiligence | undefined;
  readonly isMerchant: boolean | undefined;
  readonly metadata: Metadata | undefined;
  readonly warnings: readonly ValidationWarning[];
}

/**
 * An identity that satisfies every rule Paxos states and has not been sent yet. The only way to get one is
 * {@link NewIdentity.create}, which checks the whole command and throws one {@link IdentityValidationError} listing
 * every violation; so a `NewIdentity` is always valid. What Paxos accepts but is probably a mistake (or what a
 * stricter {@link IdentityRules} profile would refuse) is in {@link NewIdentity.warnings}; it never stops a create.
 */
export class NewIdentity {
  readonly type: IdentityType;
  readonly refId: string | undefined;
  readonly person: PersonDetails | undefined;
  readonly institution: InstitutionDetails | undefined;
  readonly institutionMembers: readonly InstitutionMember[] | undefined;
  readonly tax: TaxRequirement;
  readonly customerDueDiligence: CustomerDueDiligence | undefined;
  readonly isMerchant: boolean | undefined;
  readonly metadata: Metadata | undefined;
  /** Advice about the command (path, code, message; never a value). Empty when there is none. */
  readonly warnings: readonly ValidationWarning[];

  private constructor(props: NewIdentityProps) {
    this.type = props.type;
    this.refId = props.refId;
    this.person = props.person;
    this.institution = props.institution;
    this.institutionMembers = props.institutionMembers;
    this.tax = props.tax;
    this.customerDueDiligence = props.customerDueDiligence;
    this.isMerchant = props.isMerchant;
    this.metadata = props.metadata;
    this.warnings = props.warnings;
    Object.freeze(this);
  }

  /**
   * Checks a create command of any JavaScript value against Paxos's rules.
   *
   * @param command a `CreateIdentityCommand`, or any value an untyped caller sends (it is checked all the same).
   * @throws {IdentityValidationError} listing every violation; never a `TypeError`.
   */
  static create(command: unknown, options: NewIdentityOptions = {}): NewIdentity {
    const now = options.now ?? new Date();
    const rules = resolveIdentityRules(options.rules);
    const v = new ViolationList();
    const f = readObject(v, '', command, COMMAND_FIELDS, true);
    if (f === undefined) throw new IdentityValidationError(v.items);

    const refId = readString(v, 'refId', f.get('refId'), REF_ID_RULE);
    const rawPerson = f.get('person');
    const rawInstitution = f.get('institution');
    let type: IdentityType | undefined;
    let person: PersonDetails | undefined;
    let institution: InstitutionDetails | undefined;
    let institutionMembers: InstitutionMember[] | undefined;
    if (rawPerson !== undefined && rawInstitution !== undefined) {
      v.add(
        'institution',
        'conflict',
        'must not be given together with person: an identity is a person or an institution',
      );
    } else if (rawPerson === undefined && rawInstitution === undefined) {
      v.add('person', 'required', 'one of person or institution is required');
    } else if (rawPerson !== undefined) {
      type = 'PERSON';
      person = parsePerson(v, 'person', rawPerson, now);
      if (f.get('institutionMembers') !== undefined) {
        v.add('institutionMembers', 'forbidden', 'is only allowed for an institution');
      }
    } else {
      type = 'INSTITUTION';
      institution = parseInstitution(v, 'institution', rawInstitution, now);
      const institutionType = institution?.institutionType ?? rawString(rawInstitution, 'institutionType');
      institutionMembers = parseMembers(v, 'institutionMembers', f.get('institutionMembers'), institutionType);
    }

    const cip = cipOf(person ?? institution);
    const owner: CipOwner =
      rawPerson !== undefined
        ? { raw: rawPerson, cipIdTypes: PERSON_CIP_ID_TYPES }
        : { raw: rawInstitution, cipIdTypes: INSTITUTION_CIP_ID_TYPES };
    const tax = parseTax(v, f.get('taxDetails'), f.get('taxDetailsNotRequired'), cip, owner);
    const customerDueDiligence = parseCustomerDueDiligence(v, 'customerDueDiligence', f.get('customerDueDiligence'));
    const isMerchant = readBoolean(v, 'isMerchant', f.get('isMerchant'));
    const metadata = parseMetadata(v, 'metadata', f.get('metadata'));
    // The profiles judge a command that is otherwise valid: on a broken one their verdicts would only add noise.
    if (v.isEmpty) checkProfiles(v, { person, institution, customerDueDiligence }, rules);

    if (!v.isEmpty || type === undefined || tax === undefined) throw new IdentityValidationError(v.items);
    return new NewIdentity({
      type,
      refId: refId === '' ? undefined : refId,
      person,
      institution,
      institutionMembers,
      tax,
      customerDueDiligence,
      isMerchant,
      metadata,
      warnings: v.frozenWarnings(),
    });
  }

  /** The same identity with `refId` set (the create use case gives one to every command that has none). */
  withRefId(refId: string): NewIdentity {
    const v = new ViolationList();
    const checked = readString(v, 'refId', refId, { ...REF_ID_RULE, required: true });
    if (checked === undefined) throw new IdentityValidationError(v.items);
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- copies the frozen own fields into new props; the prototype is not wanted
    return new NewIdentity({ ...this, refId: checked });
  }

  /** The tax details Paxos will hold: the provided list, the one derived from an SSN, ITIN or EIN, or none. */
  get taxDetails(): readonly TaxDetail[] {
    return this.tax.kind === 'not_required' ? [] : this.tax.details;
  }

  /** True when the caller stated that no tax details are legally required. */
  get taxDetailsNotRequired(): boolean {
    return this.tax.kind === 'not_required';
  }

  /** The (cipId, cipIdType, cipIdCountry) triple Paxos keeps unique. */
  get cip(): CipTriple {
    return cipOf(this.person ?? this.institution) as CipTriple;
  }
}

/**
 * A string field of person or institution details that did not pass their own checks, so that rules depending on
 * it (allowed member roles, whether tax details are needed) can still report their problems in the same error.
 */
function rawString(raw: unknown, key: string): string | undefined {
  try {
    if (raw !== null && typeof raw === 'object' && Object.hasOwn(raw, key)) {
      const value: unknown = (raw as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    }
  } catch {
    // Reported by the details parser already.
  }
  return undefined;
}

/** The CIP triple of person or institution details, when all three parts are present. */
export function cipOf(details: PersonDetails | InstitutionDetails | undefined): CipTriple | undefined {
  if (details?.cipId === undefined || details.cipIdType === undefined || details.cipIdCountry === undefined)
    return undefined;
  return { cipId: details.cipId, cipIdType: details.cipIdType, cipIdCountry: details.cipIdCountry };
}

/** The raw person or institution details the CIP triple comes from, and the CIP id types allowed there. */
interface CipOwner {
  readonly raw: unknown;
  readonly cipIdTypes: readonly string[];
}

function parseTax(
  v: ViolationList,
  rawDetails: unknown,
  rawNotRequired: unknown,
  cip: CipTriple | undefined,
  owner: CipOwner,
): TaxRequirement | undefined {
  const notRequired = readBoolean(v, 'taxDetailsNotRequired', rawNotRequired);
  const before = v.items.length;
  // Most commands give no list: readArray would answer undefined, after its rule and callback were made.
  const details =
    rawDetails === undefined
      ? undefined
      : readArray(v, 'taxDetails', rawDetails, {}, (path, item) => parseTaxDetail(v, path, item));
  const detailsReported = v.items.length !== before;
  const cipIdType = cip?.cipIdType ?? rawString(owner.raw, 'cipIdType');
  const cipIdCountry = cip?.cipIdCountry ?? rawString(owner.raw, 'cipIdCountry');
  // Only a valid type tells whether Paxos would derive the detail; a typo there is reported on its own.
  const knownCip = cipIdType !== undefined && owner.cipIdTypes.includes(cipIdType);
  const given = details !== undefined && details.length > 0;
  if (notRequired === true) {
    // §6.6 (SPEC26): never for a CIP id issued by the USA, whatever else is given.
    if (cipIdCountry === 'USA') {
      v.add('taxDetailsNotRequired', 'forbidden', 'must not be true when cipIdCountry is USA');
    }
    // Paxos documents no rule against both; the details are the more specific statement, so they are what is sent.
    if (rawDetails !== undefined) {
      v.warn('taxDetailsNotRequired', 'conflict', 'is ignored: taxDetails are given, and they are sent instead');
      if (given) return { kind: 'provided', details };
    }
    return { kind: 'not_required' };
  }
  if (given) return { kind: 'provided', details };
  // §6.4, §6.6: Paxos fills tax_details from an SSN, ITIN or EIN, whichever country the caller named.
  if (cip !== undefined && derivesTaxDetail(cip.cipIdType)) {
    return {
      kind: 'derived',
      // The CIP id's own wrapper: a Sensitive cannot change, so the two fields can share it.
      details: [{ taxPayerId: cip.cipId, taxPayerCountry: cip.cipIdCountry }],
    };
  }
  // Also when the details themselves were invalid: the caller learns about missing tax details in the same error.
  if (!detailsReported && knownCip && !derivesTaxDetail(cipIdType)) {
    v.add(
      'taxDetails',
      'required',
      'are required unless taxDetailsNotRequired is true or the CIP id is an SSN, ITIN or EIN',
    );
  }
  return undefined;
}
