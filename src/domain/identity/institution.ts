import { keys, PAXOS_TEXT_PATTERN, readEnum, readObject, readString } from '../shared/guard.js';
import { Sensitive } from '../shared/sensitive.js';
import { at, type ViolationList } from '../shared/violations.js';
import { parseAddress, type Address, type AddressInput } from './address.js';
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
import { readCipId, readPastDateTime } from './person.js';
import { readCountry } from './tax-detail.js';

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

const INSTITUTION_FIELDS = keys(
  'name',
  'businessAddress',
  'incorporationAddress',
  'phoneNumber',
  'email',
  'institutionType',
  'institutionSubType',
  'cipId',
  'cipIdType',
  'cipIdCountry',
  'govtRegistrationDate',
  'regulationStatus',
  'tradingType',
  'listedExchange',
  'tickerSymbol',
  'parentInstitutionName',
  'regulatorName',
  'regulatorJurisdiction',
  'regulatorRegisterNumber',
  'doingBusinessAs',
  'businessDescription',
);

const OPTIONAL_TEXT = [
  'listedExchange',
  'tickerSymbol',
  'parentInstitutionName',
  'regulatorName',
  'regulatorJurisdiction',
  'regulatorRegisterNumber',
  'doingBusinessAs',
  'businessDescription',
] as const;

/** Institution types that must state their incorporation, regulation, trading and business. */
const OPERATING_COMPANY_TYPES: readonly string[] = ['CORPORATION', 'LLC', 'PARTNERSHIP'];

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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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

  const name = readString(v, p('name'), f.get('name'), { required: true, max: 200, pattern: PAXOS_TEXT_PATTERN });
  const institutionType = readEnum(v, p('institutionType'), f.get('institutionType'), INSTITUTION_TYPES, true);
  const institutionSubType = readEnum(
    v,
    p('institutionSubType'),
    f.get('institutionSubType'),
    INSTITUTION_SUB_TYPES,
    true,
  );
  const cipIdType = readEnum(v, p('cipIdType'), f.get('cipIdType'), INSTITUTION_CIP_ID_TYPES, true);
  const cipId = readCipId(v, p('cipId'), f.get('cipId'), cipIdType);
  const cipIdCountry = readCountry(v, p('cipIdCountry'), f.get('cipIdCountry'), true);
  const govtRegistrationDate = readPastDateTime(v, p('govtRegistrationDate'), f.get('govtRegistrationDate'), now, true);
  const operating = institutionType !== undefined && OPERATING_COMPANY_TYPES.includes(institutionType);
  const ria = institutionSubType === 'REGISTERED_INVESTMENT_ADVISOR';
  const trustNeedsIncorporation =
    institutionType === 'TRUST' && cipIdType !== undefined && cipIdType !== 'SSN' && cipIdType !== 'ITIN';

  const businessAddress = parseAddress(v, p('businessAddress'), f.get('businessAddress'), true);
  const incorporationAddress = parseAddress(
    v,
    p('incorporationAddress'),
    f.get('incorporationAddress'),
    operating || ria || trustNeedsIncorporation,
  );
  const regulationStatus = readEnum(
    v,
    p('regulationStatus'),
    f.get('regulationStatus'),
    REGULATION_STATUSES,
    operating || ria,
  );
  const tradingType = readEnum(v, p('tradingType'), f.get('tradingType'), TRADING_TYPES, operating || ria);
  const phoneNumber = readString(v, p('phoneNumber'), f.get('phoneNumber'), { max: 64 });
  const email = readString(v, p('email'), f.get('email'), { max: 254 });
  const needed =
    regulationStatus !== undefined && tradingType !== undefined
      ? requiredByRegulation(regulationStatus, tradingType)
      : [];
  const neededBy = `when regulationStatus is ${regulationStatus ?? ''} and tradingType is ${tradingType ?? ''}`;
  const text: Partial<Record<(typeof OPTIONAL_TEXT)[number], string>> = {};
  for (const key of OPTIONAL_TEXT) {
    // Read as required where the table requires it, so that an empty string counts as missing.
    const byTable = needed !== 'not_allowed' && needed.includes(key);
    const raw = f.get(key);
    if (byTable && (raw === undefined || raw === '')) {
      v.add(p(key), 'required', `is required ${neededBy}`);
      continue;
    }
    const read = readString(v, p(key), raw, { required: key === 'businessDescription' && operating, max: 200 });
    if (read !== undefined) text[key] = read;
  }

  if (institutionSubType !== undefined && PROHIBITED_INSTITUTION_SUB_TYPES.includes(institutionSubType)) {
    v.add(p('institutionSubType'), 'prohibited', 'names a business Paxos does not onboard');
  }
  if (institutionType === 'TRUST' && institutionSubType !== undefined && institutionSubType !== 'INVESTMENT') {
    v.add(p('institutionSubType'), 'forbidden', 'must be INVESTMENT when institutionType is TRUST');
  }
  if (needed === 'not_allowed') {
    v.add(
      p('tradingType'),
      'forbidden',
      `must not be ${tradingType ?? ''} when regulationStatus is ${regulationStatus ?? ''}`,
    );
  }

  if (v.items.length !== before || name === undefined) return undefined;
  const institution: Mutable<InstitutionDetails> = { name, ...text };
  if (businessAddress !== undefined) institution.businessAddress = businessAddress;
  if (incorporationAddress !== undefined) institution.incorporationAddress = incorporationAddress;
  if (phoneNumber !== undefined) institution.phoneNumber = phoneNumber;
  if (email !== undefined) institution.email = email;
  if (institutionType !== undefined) institution.institutionType = institutionType;
  if (institutionSubType !== undefined) institution.institutionSubType = institutionSubType;
  if (cipId !== undefined) institution.cipId = Sensitive.of(cipId);
  if (cipIdType !== undefined) institution.cipIdType = cipIdType;
  if (cipIdCountry !== undefined) institution.cipIdCountry = cipIdCountry;
  if (govtRegistrationDate !== undefined) institution.govtRegistrationDate = govtRegistrationDate;
  if (regulationStatus !== undefined) institution.regulationStatus = regulationStatus;
  if (tradingType !== undefined) institution.tradingType = tradingType;
  return institution;
}
