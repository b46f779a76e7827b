import { inputNames, readFields, table, type ReadHooks } from '../shared/field-table.js';
import { PAXOS_TEXT_PATTERN, readObject, readString } from '../shared/guard.js';
import type { Sensitive } from '../shared/sensitive.js';
import { at, type ViolationList } from '../shared/violations.js';
import { ADDRESS_TABLE, parseAddress, type Address, type AddressInput } from './address.js';
import { cipIdFormat } from './cip-id.js';
import {
  PASSTHROUGH_VERIFICATION_FIELDS,
  PASSTHROUGH_VERIFICATION_STATUSES,
  PASSTHROUGH_VERIFIER_TYPES,
  PERSON_CIP_ID_TYPES,
  VERIFIER_TYPES,
  type IdentityStatus,
  type Open,
  type PassthroughVerificationField,
  type PassthroughVerificationStatus,
  type PassthroughVerifierType,
  type PersonCipIdType,
  type VerifierType,
} from './enums.js';

/**
 * A person's details as the create command gives them: the camelCase of Paxos's `person_details`.
 *
 * @example
 * ```ts
 * const person: PersonDetailsInput = {
 *   verifierType: 'PASSTHROUGH', passthroughVerifierType: 'JUMIO', passthroughVerifiedAt: '2021-06-16T09:28:14Z',
 *   firstName: 'John', lastName: 'Doe', dateOfBirth: '1980-01-01', nationality: 'USA',
 *   cipId: '111-11-1234', cipIdType: 'SSN', cipIdCountry: 'USA',
 *   address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
 * };
 * ```
 */
export interface PersonDetailsInput {
  verifierType?: VerifierType;
  verifierId?: string;
  /** The verifier vendor; Paxos adds vendors over time, so a value it has not published yet is sent (with a warning). */
  passthroughVerifierType?: Open<PassthroughVerifierType>;
  /** RFC 3339 date-time. Required for PASSTHROUGH. */
  passthroughVerifiedAt?: string;
  passthroughVerificationId?: string;
  passthroughVerificationStatus?: PassthroughVerificationStatus;
  passthroughVerificationFields?: PassthroughVerificationField[];
  firstName: string;
  middleName?: string;
  lastName: string;
  /** `YYYY-MM-DD`, a real calendar date. */
  dateOfBirth: string;
  address: AddressInput;
  phoneNumber?: string;
  email?: string;
  /** ISO 3166-1 alpha-3 (three capitals). */
  nationality: string;
  cipId: string;
  /** A US resident (address country `USA`) identifies with an SSN or ITIN. */
  cipIdType: PersonCipIdType;
  /** ISO 3166-1 alpha-3 (three capitals): the country that issued the CIP id. */
  cipIdCountry: string;
  profession?: string;
  countryOfBirth?: string;
}

/**
 * A person's details as held by the domain. The CIP id and the date of birth are {@link Sensitive}: they print as
 * `[REDACTED]`; call `reveal()` where the value is really needed.
 */
export interface PersonDetails {
  readonly verifierType?: Open<VerifierType>;
  readonly verifierId?: string;
  readonly passthroughVerifierType?: Open<PassthroughVerifierType>;
  readonly passthroughVerifiedAt?: string;
  readonly passthroughVerificationId?: string;
  readonly passthroughVerificationStatus?: Open<PassthroughVerificationStatus>;
  readonly passthroughVerificationFields?: readonly Open<PassthroughVerificationField>[];
  readonly firstName: string;
  readonly middleName?: string;
  readonly lastName: string;
  readonly dateOfBirth?: Sensitive;
  readonly address?: Address;
  readonly phoneNumber?: string;
  readonly email?: string;
  readonly nationality?: string;
  readonly cipId?: Sensitive;
  readonly cipIdType?: Open<PersonCipIdType>;
  readonly cipIdCountry?: string;
  readonly profession?: string;
  readonly countryOfBirth?: string;
  /** Set by Paxos: the identity-verification check. */
  readonly idVerificationStatus?: Open<IdentityStatus>;
  /** Set by Paxos: the sanctions screening. */
  readonly sanctionsVerificationStatus?: Open<IdentityStatus>;
  /** Set by Paxos: PEP and adverse-media screening. */
  readonly additionalScreeningStatus?: Open<IdentityStatus>;
  /** Set by Paxos for some verifier types. */
  readonly idVerificationUrl?: string;
}

const PASSTHROUGH = Object.freeze({ when: 'verifierType', is: 'PASSTHROUGH' });
const NAME = { type: 'string', kind: 'text', max: 200, pattern: PAXOS_TEXT_PATTERN } as const;
/** Free text without a documented limit: sent whatever its length, with a warning past 200 characters. */
const TEXT = { type: 'string', kind: 'text', advise: 200 } as const;
const SET_BY_PAXOS = { type: 'string', kind: 'text', serverSet: true } as const;

/**
 * Paxos's `person_details`, field by field, in the order the domain reads them: the one list that the interfaces
 * above, the domain's reading, the update rules, the wire DTO and the mapper follow.
 */
export const PERSON_TABLE = table('PersonDetails', [
  { name: 'verifierType', wire: 'verifier_type', type: 'string', kind: 'enum', values: VERIFIER_TYPES },
  { name: 'verifierId', wire: 'verifier_id', type: 'string', kind: 'custom' },
  {
    name: 'passthroughVerifierType',
    wire: 'passthrough_verifier_type',
    type: 'string',
    kind: 'enum',
    values: PASSTHROUGH_VERIFIER_TYPES,
    open: true,
    required: PASSTHROUGH,
    allowedWhen: PASSTHROUGH,
  },
  {
    name: 'passthroughVerifiedAt',
    wire: 'passthrough_verified_at',
    type: 'string',
    kind: 'pastDateTime',
    required: PASSTHROUGH,
    allowedWhen: PASSTHROUGH,
  },
  { name: 'passthroughVerificationId', wire: 'passthrough_verification_id', ...TEXT, allowedWhen: PASSTHROUGH },
  {
    name: 'passthroughVerificationStatus',
    wire: 'passthrough_verification_status',
    type: 'string',
    kind: 'enum',
    values: PASSTHROUGH_VERIFICATION_STATUSES,
    allowedWhen: PASSTHROUGH,
  },
  {
    name: 'passthroughVerificationFields',
    wire: 'passthrough_verification_fields',
    type: 'strings',
    kind: 'enums',
    values: PASSTHROUGH_VERIFICATION_FIELDS,
    allowedWhen: PASSTHROUGH,
  },
  { name: 'firstName', wire: 'first_name', ...NAME, required: 'always' },
  { name: 'middleName', wire: 'middle_name', type: 'string', kind: 'text', max: 200 },
  { name: 'lastName', wire: 'last_name', ...NAME, required: 'always' },
  // Longer than the date so that a date-time (as Paxos's older responses show it) is reported as a format error.
  {
    name: 'dateOfBirth',
    wire: 'date_of_birth',
    type: 'string',
    kind: 'pastDate',
    max: 64,
    required: 'create',
    sensitive: true,
  },
  { name: 'address', wire: 'address', type: 'object', kind: 'object', of: ADDRESS_TABLE, required: 'create' },
  { name: 'phoneNumber', wire: 'phone_number', type: 'string', kind: 'text', advise: 64 },
  { name: 'email', wire: 'email', type: 'string', kind: 'text', advise: 254 },
  { name: 'nationality', wire: 'nationality', type: 'string', kind: 'country', required: 'create' },
  {
    name: 'cipIdType',
    wire: 'cip_id_type',
    type: 'string',
    kind: 'enum',
    values: PERSON_CIP_ID_TYPES,
    required: 'create',
  },
  { name: 'cipIdCountry', wire: 'cip_id_country', type: 'string', kind: 'country', required: 'create' },
  { name: 'cipId', wire: 'cip_id', ...NAME, kind: 'custom', required: 'create', sensitive: true },
  { name: 'profession', wire: 'profession', ...TEXT },
  { name: 'countryOfBirth', wire: 'country_of_birth', ...TEXT },
  { name: 'idVerificationStatus', wire: 'id_verification_status', ...SET_BY_PAXOS },
  { name: 'sanctionsVerificationStatus', wire: 'sanctions_verification_status', ...SET_BY_PAXOS },
  { name: 'additionalScreeningStatus', wire: 'additional_screening_status', ...SET_BY_PAXOS },
  { name: 'idVerificationUrl', wire: 'id_verification_url', ...SET_BY_PAXOS },
]);

const PERSON_FIELDS = inputNames(PERSON_TABLE);

const CIP_ID_RULE = Object.freeze({ required: true, max: 200, pattern: PAXOS_TEXT_PATTERN });

/** Reads a CIP id: ≤ 200 characters of pattern P, and the documented format for SSN, ITIN and EIN. */
export function readCipId(
  v: ViolationList,
  path: string,
  value: unknown,
  cipIdType: string | undefined,
): string | undefined {
  const cipId = readString(v, path, value, CIP_ID_RULE);
  if (cipId === undefined || cipIdType === undefined) return cipId;
  const format = cipIdFormat(cipIdType);
  if (format !== undefined && !format.pattern.test(cipId)) {
    v.add(path, 'format', `must be formatted ${format.shape} for ${cipIdType}`);
    return undefined;
  }
  return cipId;
}

const HOOKS: ReadHooks = {
  read: {
    verifierId: (v, fieldPath, raw, sofar) => {
      const verifierId = readString(v, fieldPath, raw);
      if (verifierId !== undefined && sofar['verifierType'] !== undefined) {
        v.add(fieldPath, 'forbidden', `must not be set when verifierType is ${sofar['verifierType'] as string}`);
      }
      return verifierId;
    },
    address: (v, fieldPath, raw) => parseAddress(v, fieldPath, raw, true),
    cipId: (v, fieldPath, raw, sofar) => readCipId(v, fieldPath, raw, sofar['cipIdType'] as string | undefined),
  },
};

/** The CIP id types of a US resident. */
const US_RESIDENT_CIP_TYPES: readonly string[] = ['SSN', 'ITIN'];

/** The country of the person's address: the checked one, or the raw one when the address failed its own checks. */
function residenceOf(address: unknown, raw: unknown): unknown {
  if (address !== undefined) return (address as Address).country;
  try {
    const given: unknown = (raw as { address?: unknown }).address;
    return given !== null && typeof given === 'object' ? (given as { country?: unknown }).country : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a person's details against Paxos's rules (names, date of birth, countries, CIP id, address, verifier).
 * A US resident (address country `USA`) must identify with an SSN or ITIN (API reference §6.2).
 */
export function parsePerson(v: ViolationList, path: string, value: unknown, now: Date): PersonDetails | undefined {
  const f = readObject(v, path, value, PERSON_FIELDS, true);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const got = readFields(v, path, f, PERSON_TABLE, HOOKS, now);
  const cipIdType = got['cipIdType'];
  // Residence decides, not the CIP id's country: a US citizen abroad may identify with a US passport, and a US
  // resident with a foreign passport may not (whatever the tax flag says).
  if (
    residenceOf(got['address'], value) === 'USA' &&
    cipIdType !== undefined &&
    !US_RESIDENT_CIP_TYPES.includes(cipIdType as string)
  ) {
    v.add(at(path, 'cipIdType'), 'forbidden', 'must be SSN or ITIN for a US resident (address.country USA)');
  }
  if (v.items.length !== before || got['firstName'] === undefined || got['lastName'] === undefined) return undefined;
  return got as unknown as PersonDetails;
}
