import { parseCalendarDate, parseDateTime } from '../shared/dates.js';
import { keys, PAXOS_TEXT_PATTERN, readArray, readEnum, readObject, readString } from '../shared/guard.js';
import { Sensitive } from '../shared/sensitive.js';
import { at, type ViolationList } from '../shared/violations.js';
import { parseAddress, type Address, type AddressInput } from './address.js';
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
import { readCountry } from './tax-detail.js';

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
  passthroughVerifierType?: PassthroughVerifierType;
  /** RFC 3339 date-time, not in the future. Required for PASSTHROUGH. */
  passthroughVerifiedAt?: string;
  passthroughVerificationId?: string;
  passthroughVerificationStatus?: PassthroughVerificationStatus;
  passthroughVerificationFields?: PassthroughVerificationField[];
  firstName: string;
  middleName?: string;
  lastName: string;
  /** `YYYY-MM-DD`, a real date, not in the future. */
  dateOfBirth: string;
  address: AddressInput;
  phoneNumber?: string;
  email?: string;
  /** ISO 3166-1 alpha-3. */
  nationality: string;
  cipId: string;
  cipIdType: PersonCipIdType;
  /** ISO 3166-1 alpha-3. */
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

const PERSON_FIELDS = keys(
  'verifierType',
  'verifierId',
  'passthroughVerifierType',
  'passthroughVerifiedAt',
  'passthroughVerificationId',
  'passthroughVerificationStatus',
  'passthroughVerificationFields',
  'firstName',
  'middleName',
  'lastName',
  'dateOfBirth',
  'address',
  'phoneNumber',
  'email',
  'nationality',
  'cipId',
  'cipIdType',
  'cipIdCountry',
  'profession',
  'countryOfBirth',
);

const PASSTHROUGH_ONLY = [
  'passthroughVerifierType',
  'passthroughVerifiedAt',
  'passthroughVerificationId',
  'passthroughVerificationStatus',
  'passthroughVerificationFields',
] as const;

const NAME_RULE = { max: 200, pattern: PAXOS_TEXT_PATTERN };
// Rules built once: a create reads these for every person, and a literal per call is garbage per field.
const REQUIRED_NAME = Object.freeze({ required: true, ...NAME_RULE });
const MAX_200 = Object.freeze({ max: 200 });
const MAX_64 = Object.freeze({ max: 64 });
const MAX_254 = Object.freeze({ max: 254 });
const REQUIRED_MAX_64 = Object.freeze({ required: true, max: 64 });
const OPTIONAL_MAX_64 = Object.freeze({ required: false, max: 64 });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads an RFC 3339 date-time that is not later than `now`. */
export function readPastDateTime(
  v: ViolationList,
  path: string,
  value: unknown,
  now: Date,
  required: boolean,
): string | undefined {
  const text = readString(v, path, value, required ? REQUIRED_MAX_64 : OPTIONAL_MAX_64);
  if (text === undefined || text === '') {
    if (text === '') v.add(path, 'format', 'must be an RFC 3339 date-time such as 2021-06-16T09:28:14Z');
    return undefined;
  }
  const date = parseDateTime(text);
  if (date === undefined) {
    v.add(path, 'format', 'must be an RFC 3339 date-time such as 2021-06-16T09:28:14Z');
    return undefined;
  }
  if (date.getTime() > now.getTime()) {
    v.add(path, 'future_date', 'must not be in the future');
    return undefined;
  }
  return text;
}

/** Reads a CIP id: ≤ 200 characters of pattern P, and the documented format for SSN, ITIN and EIN. */
export function readCipId(
  v: ViolationList,
  path: string,
  value: unknown,
  cipIdType: string | undefined,
): string | undefined {
  const cipId = readString(v, path, value, REQUIRED_NAME);
  if (cipId === undefined || cipIdType === undefined) return cipId;
  const format = cipIdFormat(cipIdType);
  if (format !== undefined && !format.pattern.test(cipId)) {
    v.add(path, 'format', `must be formatted ${format.shape} for ${cipIdType}`);
    return undefined;
  }
  return cipId;
}

/** Checks a person's details against Paxos's rules (names, date of birth, countries, CIP id, address, verifier). */
export function parsePerson(v: ViolationList, path: string, value: unknown, now: Date): PersonDetails | undefined {
  const f = readObject(v, path, value, PERSON_FIELDS, true);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const p = (key: string) => at(path, key);

  const verifierType = readEnum(v, p('verifierType'), f.get('verifierType'), VERIFIER_TYPES);
  const verifierId = readString(v, p('verifierId'), f.get('verifierId'));
  if (verifierId !== undefined && verifierType !== undefined) {
    v.add(p('verifierId'), 'forbidden', `must not be set when verifierType is ${verifierType}`);
  }
  const passthroughVerifierType = readEnum(
    v,
    p('passthroughVerifierType'),
    f.get('passthroughVerifierType'),
    PASSTHROUGH_VERIFIER_TYPES,
    verifierType === 'PASSTHROUGH',
  );
  const passthroughVerifiedAt = readPastDateTime(
    v,
    p('passthroughVerifiedAt'),
    f.get('passthroughVerifiedAt'),
    now,
    verifierType === 'PASSTHROUGH',
  );
  const passthroughVerificationId = readString(
    v,
    p('passthroughVerificationId'),
    f.get('passthroughVerificationId'),
    MAX_200,
  );
  const passthroughVerificationStatus = readEnum(
    v,
    p('passthroughVerificationStatus'),
    f.get('passthroughVerificationStatus'),
    PASSTHROUGH_VERIFICATION_STATUSES,
  );
  const passthroughVerificationFields = readArray(
    v,
    p('passthroughVerificationFields'),
    f.get('passthroughVerificationFields'),
    { maxItems: PASSTHROUGH_VERIFICATION_FIELDS.length },
    (itemPath, item) => readEnum(v, itemPath, item, PASSTHROUGH_VERIFICATION_FIELDS, true),
  );
  if (verifierType !== undefined && verifierType !== 'PASSTHROUGH') {
    for (const key of PASSTHROUGH_ONLY) {
      if (f.get(key) !== undefined) v.add(p(key), 'forbidden', 'is only allowed when verifierType is PASSTHROUGH');
    }
  }

  const firstName = readString(v, p('firstName'), f.get('firstName'), REQUIRED_NAME);
  const middleName = readString(v, p('middleName'), f.get('middleName'), MAX_200);
  const lastName = readString(v, p('lastName'), f.get('lastName'), REQUIRED_NAME);

  // Longer than the date so that a date-time (as Paxos's older responses show it) is reported as a format error.
  const dobText = readString(v, p('dateOfBirth'), f.get('dateOfBirth'), REQUIRED_MAX_64);
  let dateOfBirth: string | undefined;
  if (dobText !== undefined) {
    const dob = parseCalendarDate(dobText);
    if (dob === undefined) v.add(p('dateOfBirth'), 'format', 'must be a real calendar date formatted YYYY-MM-DD');
    else if (dob.getTime() > now.getTime()) v.add(p('dateOfBirth'), 'future_date', 'must not be in the future');
    else dateOfBirth = dobText;
  }

  const address = parseAddress(v, p('address'), f.get('address'), true);
  const phoneNumber = readString(v, p('phoneNumber'), f.get('phoneNumber'), MAX_64);
  const email = readString(v, p('email'), f.get('email'), MAX_254);
  const nationality = readCountry(v, p('nationality'), f.get('nationality'), true);
  const cipIdType = readEnum(v, p('cipIdType'), f.get('cipIdType'), PERSON_CIP_ID_TYPES, true);
  const cipIdCountry = readCountry(v, p('cipIdCountry'), f.get('cipIdCountry'), true);
  const cipId = readCipId(v, p('cipId'), f.get('cipId'), cipIdType);
  if (cipIdCountry === 'USA' && cipIdType !== undefined && cipIdType !== 'SSN' && cipIdType !== 'ITIN') {
    v.add(p('cipIdType'), 'forbidden', 'must be SSN or ITIN when cipIdCountry is USA');
  }
  const profession = readString(v, p('profession'), f.get('profession'), MAX_200);
  const countryOfBirth = readString(v, p('countryOfBirth'), f.get('countryOfBirth'), MAX_200);

  if (v.items.length !== before || firstName === undefined || lastName === undefined) return undefined;

  const person: Mutable<PersonDetails> = { firstName, lastName };
  if (verifierType !== undefined) person.verifierType = verifierType;
  if (verifierId !== undefined) person.verifierId = verifierId;
  if (passthroughVerifierType !== undefined) person.passthroughVerifierType = passthroughVerifierType;
  if (passthroughVerifiedAt !== undefined) person.passthroughVerifiedAt = passthroughVerifiedAt;
  if (passthroughVerificationId !== undefined) person.passthroughVerificationId = passthroughVerificationId;
  if (passthroughVerificationStatus !== undefined) person.passthroughVerificationStatus = passthroughVerificationStatus;
  if (passthroughVerificationFields !== undefined) person.passthroughVerificationFields = passthroughVerificationFields;
  if (middleName !== undefined) person.middleName = middleName;
  if (dateOfBirth !== undefined) person.dateOfBirth = Sensitive.of(dateOfBirth);
  if (address !== undefined) person.address = address;
  if (phoneNumber !== undefined) person.phoneNumber = phoneNumber;
  if (email !== undefined) person.email = email;
  if (nationality !== undefined) person.nationality = nationality;
  if (cipId !== undefined) person.cipId = Sensitive.of(cipId);
  if (cipIdType !== undefined) person.cipIdType = cipIdType;
  if (cipIdCountry !== undefined) person.cipIdCountry = cipIdCountry;
  if (profession !== undefined) person.profession = profession;
  if (countryOfBirth !== undefined) person.countryOfBirth = countryOfBirth;
  return person;
}
