import { inputNames, readFields, table, type FieldHook, type ReadHooks } from '../shared/field-table.js';
import { PAXOS_TEXT_PATTERN, readObject, readString } from '../shared/guard.js';
import type { Sensitive } from '../shared/sensitive.js';
import { at, type ViolationList } from '../shared/violations.js';
import { ADDRESS_TABLE, parseAddress, type Address, type AddressInput } from './address.js';
import {
  INSTITUTION_CIP_ID_TYPES,
  INSTITUTION_SUB_TYPES,
  INSTITUTION_TYPES,
  PROHIBITED_INSTITUTION_SUB_TYPES,
  REGULATION_STATUSES,
  TRADING_TYPES,
  type IdentityStatus,
  type InstitutionCipIdType,
  type InstitutionSubType,
  type InstitutionType,
  type Open,
  type RegulationStatus,
  type TradingType,
} from './enums.js';
import { readCipId } from './person.js';

/** An institution's details as the create command gives them: the camelCase of Paxos's `institution_details`. */
export interface InstitutionDetailsInput {
  name: string;
  businessAddress: AddressInput;
  incorporationAddress?: AddressInput;
  phoneNumber?: string;
  email?: string;
  institutionType: InstitutionType;
  institutionSubType: InstitutionSubType;
  cipId: string;
  cipIdType: InstitutionCipIdType;
  /** ISO 3166-1 alpha-3. */
  cipIdCountry: string;
  /** RFC 3339 date-time such as `2021-04-14T00:00:00Z`. */
  govtRegistrationDate: string;
  regulationStatus?: RegulationStatus;
  tradingType?: TradingType;
  listedExchange?: string;
  tickerSymbol?: string;
  parentInstitutionName?: string;
  regulatorName?: string;
  regulatorJurisdiction?: string;
  regulatorRegisterNumber?: string;
  doingBusinessAs?: string;
  businessDescription?: string;
}

/** An institution's details as held by the domain; the CIP id is {@link Sensitive}. */
export interface InstitutionDetails {
  readonly name: string;
  readonly businessAddress?: Address;
  readonly incorporationAddress?: Address;
  readonly phoneNumber?: string;
  readonly email?: string;
  readonly institutionType?: Open<InstitutionType>;
  readonly institutionSubType?: Open<InstitutionSubType>;
  readonly cipId?: Sensitive;
  readonly cipIdType?: Open<InstitutionCipIdType>;
  readonly cipIdCountry?: string;
  readonly govtRegistrationDate?: string;
  readonly regulationStatus?: Open<RegulationStatus>;
  readonly tradingType?: Open<TradingType>;
  readonly listedExchange?: string;
  readonly tickerSymbol?: string;
  readonly parentInstitutionName?: string;
  readonly regulatorName?: string;
  readonly regulatorJurisdiction?: string;
  readonly regulatorRegisterNumber?: string;
  readonly doingBusinessAs?: string;
  readonly businessDescription?: string;
  /** Set by Paxos. */
  readonly sanctionsVerificationStatus?: Open<IdentityStatus>;
  /** Set by Paxos. */
  readonly documentVerificationStatus?: Open<IdentityStatus>;
  /** Set by Paxos. */
  readonly additionalScreeningStatus?: Open<IdentityStatus>;
}

/** Free text without a documented limit: sent whatever its length, with a warning past 1000 characters. */
const TEXT = { type: 'string', kind: 'text' } as const;
const SET_BY_PAXOS = { type: 'string', kind: 'text', serverSet: true } as const;

/**
 * Paxos's `institution_details`, field by field, in the order the domain reads them (the type, sub-type and CIP id
 * come first: the other rules depend on them).
 */
export const INSTITUTION_TABLE = table('InstitutionDetails', [
  { name: 'name', wire: 'name', ...TEXT, max: 200, pattern: PAXOS_TEXT_PATTERN, required: 'always' },
  {
    name: 'institutionType',
    wire: 'institution_type',
    type: 'string',
    kind: 'enum',
    values: INSTITUTION_TYPES,
    required: 'create',
  },
  {
    name: 'institutionSubType',
    wire: 'institution_sub_type',
    type: 'string',
    kind: 'enum',
    values: INSTITUTION_SUB_TYPES,
    required: 'create',
  },
  {
    name: 'cipIdType',
    wire: 'cip_id_type',
    type: 'string',
    kind: 'enum',
    values: INSTITUTION_CIP_ID_TYPES,
    required: 'create',
  },
  {
    name: 'cipId',
    wire: 'cip_id',
    type: 'string',
    kind: 'custom',
    max: 200,
    pattern: PAXOS_TEXT_PATTERN,
    required: 'create',
    sensitive: true,
  },
  { name: 'cipIdCountry', wire: 'cip_id_country', type: 'string', kind: 'country', required: 'create' },
  {
    name: 'govtRegistrationDate',
    wire: 'govt_registration_date',
    type: 'string',
    kind: 'pastDateTime',
    required: 'create',
  },
  {
    name: 'businessAddress',
    wire: 'business_address',
    type: 'object',
    kind: 'object',
    of: ADDRESS_TABLE,
    required: 'create',
  },
  // Required for operating companies, investment advisors and trusts with a business CIP id (see `parseInstitution`).
  { name: 'incorporationAddress', wire: 'incorporation_address', type: 'object', kind: 'object', of: ADDRESS_TABLE },
  { name: 'regulationStatus', wire: 'regulation_status', type: 'string', kind: 'enum', values: REGULATION_STATUSES },
  { name: 'tradingType', wire: 'trading_type', type: 'string', kind: 'enum', values: TRADING_TYPES },
  { name: 'phoneNumber', wire: 'phone_number', ...TEXT, advise: 64 },
  { name: 'email', wire: 'email', ...TEXT, advise: 254 },
  { name: 'listedExchange', wire: 'listed_exchange', ...TEXT },
  { name: 'tickerSymbol', wire: 'ticker_symbol', ...TEXT },
  { name: 'parentInstitutionName', wire: 'parent_institution_name', ...TEXT },
  { name: 'regulatorName', wire: 'regulator_name', ...TEXT },
  { name: 'regulatorJurisdiction', wire: 'regulator_jurisdiction', ...TEXT },
  { name: 'regulatorRegisterNumber', wire: 'regulator_register_number', ...TEXT },
  { name: 'doingBusinessAs', wire: 'doing_business_as', ...TEXT },
  { name: 'businessDescription', wire: 'business_description', ...TEXT },
  { name: 'sanctionsVerificationStatus', wire: 'sanctions_verification_status', ...SET_BY_PAXOS },
  { name: 'documentVerificationStatus', wire: 'document_verification_status', ...SET_BY_PAXOS },
  { name: 'additionalScreeningStatus', wire: 'additional_screening_status', ...SET_BY_PAXOS },
]);

const INSTITUTION_FIELDS = inputNames(INSTITUTION_TABLE);

/** Institution types that must state their incorporation, regulation, trading and business. */
export const OPERATING_COMPANY_TYPES: readonly string[] = ['CORPORATION', 'LLC', 'PARTNERSHIP'];

const REGULATOR_FIELDS = ['regulatorName', 'regulatorJurisdiction', 'regulatorRegisterNumber'] as const;
const LISTING_FIELDS = ['listedExchange', 'tickerSymbol'] as const;

/** The extra fields each regulation × trading combination requires (section 6.4 of the API reference). */
function requiredByRegulation(regulation: RegulationStatus, trading: TradingType): readonly string[] | 'not_allowed' {
  if (regulation === 'NON_REGULATED') {
    if (trading === 'PRIVATE') return [];
    if (trading === 'PUBLIC') return LISTING_FIELDS;
    return 'not_allowed';
  }
  if (trading === 'PRIVATE') return REGULATOR_FIELDS;
  if (trading === 'PUBLIC') return [...LISTING_FIELDS, ...REGULATOR_FIELDS];
  return [...LISTING_FIELDS, ...REGULATOR_FIELDS, 'parentInstitutionName'];
}

const MATRIX_FIELDS: readonly string[] = [...LISTING_FIELDS, ...REGULATOR_FIELDS, 'parentInstitutionName'];

/** What the type, sub-type and CIP id type read so far make the institution. */
function companyOf(got: Readonly<Record<string, unknown>>) {
  const institutionType = got['institutionType'] as string | undefined;
  const cipIdType = got['cipIdType'] as string | undefined;
  return {
    operating: institutionType !== undefined && OPERATING_COMPANY_TYPES.includes(institutionType),
    ria: got['institutionSubType'] === 'REGISTERED_INVESTMENT_ADVISOR',
    trustNeedsIncorporation:
      institutionType === 'TRUST' && cipIdType !== undefined && cipIdType !== 'SSN' && cipIdType !== 'ITIN',
  };
}

function neededOf(got: Readonly<Record<string, unknown>>): readonly string[] | 'not_allowed' {
  const regulation = got['regulationStatus'] as RegulationStatus | undefined;
  const trading = got['tradingType'] as TradingType | undefined;
  return regulation !== undefined && trading !== undefined ? requiredByRegulation(regulation, trading) : [];
}

// Read as required where the matrix requires it, so that an empty string counts as missing.
const matrixText: FieldHook = (v, fieldPath, raw, got) => {
  const key = fieldPath.slice(fieldPath.lastIndexOf('.') + 1);
  const needed = neededOf(got);
  if (needed !== 'not_allowed' && needed.includes(key) && (raw === undefined || raw === '')) {
    const regulation = (got['regulationStatus'] as string | undefined) ?? '';
    const trading = (got['tradingType'] as string | undefined) ?? '';
    v.add(fieldPath, 'required', `is required when regulationStatus is ${regulation} and tradingType is ${trading}`);
    return undefined;
  }
  return readString(v, fieldPath, raw);
};

const HOOKS: ReadHooks = {
  read: {
    cipId: (v, fieldPath, raw, got) => readCipId(v, fieldPath, raw, got['cipIdType'] as string | undefined),
    businessAddress: (v, fieldPath, raw) => parseAddress(v, fieldPath, raw, true),
    incorporationAddress: (v, fieldPath, raw, got) => {
      const { operating, ria, trustNeedsIncorporation } = companyOf(got);
      return parseAddress(v, fieldPath, raw, operating || ria || trustNeedsIncorporation);
    },
    ...Object.fromEntries(MATRIX_FIELDS.map((key) => [key, matrixText])),
  },
  required: (name, got) => {
    if (name === 'regulationStatus' || name === 'tradingType') {
      const { operating, ria } = companyOf(got);
      return operating || ria;
    }
    if (name === 'businessDescription') return companyOf(got).operating;
    return undefined;
  },
};

/** Checks an institution's details against Paxos's required-field matrix, sub-type and regulation rules. */
export function parseInstitution(
  v: ViolationList,
  path: string,
  value: unknown,
  now: Date,
): InstitutionDetails | undefined {
  const f = readObject(v, path, value, INSTITUTION_FIELDS, true);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const p = (key: string) => at(path, key);

  const got = readFields(v, path, f, INSTITUTION_TABLE, HOOKS, now);

  const institutionType = got['institutionType'] as string | undefined;
  const institutionSubType = got['institutionSubType'] as InstitutionSubType | undefined;
  if (institutionSubType !== undefined && PROHIBITED_INSTITUTION_SUB_TYPES.includes(institutionSubType)) {
    v.add(p('institutionSubType'), 'prohibited', 'names a business Paxos does not onboard');
  }
  if (institutionType === 'TRUST' && institutionSubType !== undefined && institutionSubType !== 'INVESTMENT') {
    v.add(p('institutionSubType'), 'forbidden', 'must be INVESTMENT when institutionType is TRUST');
  }
  if (neededOf(got) === 'not_allowed') {
    v.add(
      p('tradingType'),
      'forbidden',
      `must not be ${String(got['tradingType'])} when regulationStatus is ${String(got['regulationStatus'])}`,
    );
  }

  if (v.items.length !== before || got['name'] === undefined) return undefined;
  return got as unknown as InstitutionDetails;
}
