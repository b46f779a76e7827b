import { keys, readArray, readBoolean, readEnum, readObject, readString } from '../shared/guard.js';
import { at, type ViolationList } from '../shared/violations.js';
import {
  ACCOUNT_PURPOSES,
  CUSTOMER_REGIONS,
  EMPLOYMENT_STATUSES,
  FUNDS_SOURCES,
  INSTITUTION_SUB_TYPES,
  MERCHANT_FUNDING_SOURCES,
  NET_WORTH_RANGES,
  TRANSFER_VALUE_RANGES,
  WEALTH_SOURCES,
  YEARLY_INCOME_RANGES,
  type AccountPurpose,
  type CustomerRegion,
  type EmploymentStatus,
  type FundsSource,
  type InstitutionSubType,
  type MerchantFundingSource,
  type NetWorthRange,
  type Open,
  type TransferValueRange,
  type WealthSource,
  type YearlyIncomeRange,
} from './enums.js';

/** Customer due-diligence answers, the camelCase of Paxos's `customer_due_diligence`. */
export interface CustomerDueDiligenceInput {
  aliases?: string[];
  estimatedNetWorth?: NetWorthRange;
  estimatedYearlyIncome?: YearlyIncomeRange;
  /** Anticipated monthly transfer volume. */
  expectedTransferValue?: TransferValueRange;
  sourceOfWealth?: WealthSource;
  sourceOfFunds?: FundsSource;
  purposeOfAccount?: AccountPurpose;
  employmentStatus?: EmploymentStatus;
  employmentIndustrySector?: InstitutionSubType;
  industrySector?: InstitutionSubType;
  hasUnderlyingTrustStructure?: boolean;
  hasNomineeShareholders?: boolean;
  isPubliclyTraded?: boolean;
  merchantFundingSource?: MerchantFundingSource;
  customerRegions?: CustomerRegion[];
}

/** Customer due-diligence answers as held by the domain (open enums: Paxos may add values). */
export interface CustomerDueDiligence {
  readonly aliases?: readonly string[];
  readonly estimatedNetWorth?: Open<NetWorthRange>;
  readonly estimatedYearlyIncome?: Open<YearlyIncomeRange>;
  readonly expectedTransferValue?: Open<TransferValueRange>;
  readonly sourceOfWealth?: Open<WealthSource>;
  readonly sourceOfFunds?: Open<FundsSource>;
  readonly purposeOfAccount?: Open<AccountPurpose>;
  readonly employmentStatus?: Open<EmploymentStatus>;
  readonly employmentIndustrySector?: Open<InstitutionSubType>;
  readonly industrySector?: Open<InstitutionSubType>;
  readonly hasUnderlyingTrustStructure?: boolean;
  readonly hasNomineeShareholders?: boolean;
  readonly isPubliclyTraded?: boolean;
  readonly merchantFundingSource?: Open<MerchantFundingSource>;
  readonly customerRegions?: readonly Open<CustomerRegion>[];
  /** Set by Paxos. */
  readonly createdAt?: string;
}

const ENUM_FIELDS: ReadonlyArray<readonly [keyof CustomerDueDiligenceInput, readonly string[]]> = [
  ['estimatedNetWorth', NET_WORTH_RANGES],
  ['estimatedYearlyIncome', YEARLY_INCOME_RANGES],
  ['expectedTransferValue', TRANSFER_VALUE_RANGES],
  ['sourceOfWealth', WEALTH_SOURCES],
  ['sourceOfFunds', FUNDS_SOURCES],
  ['purposeOfAccount', ACCOUNT_PURPOSES],
  ['employmentStatus', EMPLOYMENT_STATUSES],
  ['employmentIndustrySector', INSTITUTION_SUB_TYPES],
  ['industrySector', INSTITUTION_SUB_TYPES],
  ['merchantFundingSource', MERCHANT_FUNDING_SOURCES],
];
const BOOLEAN_FIELDS = ['hasUnderlyingTrustStructure', 'hasNomineeShareholders', 'isPubliclyTraded'] as const;
const CDD_FIELDS = keys('aliases', 'customerRegions', ...ENUM_FIELDS.map(([k]) => k), ...BOOLEAN_FIELDS);

/** Checks due-diligence answers: each enum value known, booleans boolean, aliases strings. */
export function parseCustomerDueDiligence(
  v: ViolationList,
  path: string,
  value: unknown,
): CustomerDueDiligence | undefined {
  const f = readObject(v, path, value, CDD_FIELDS, false);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const out: Record<string, unknown> = {};
  for (const [key, allowed] of ENUM_FIELDS) {
    const read = readEnum(v, at(path, key), f.get(key), allowed);
    if (read !== undefined) out[key] = read;
  }
  for (const key of BOOLEAN_FIELDS) {
    const read = readBoolean(v, at(path, key), f.get(key));
    if (read !== undefined) out[key] = read;
  }
  const aliases = readArray(v, at(path, 'aliases'), f.get('aliases'), { maxItems: 20 }, (itemPath, item) =>
    readString(v, itemPath, item, { required: true, max: 200 }),
  );
  if (aliases !== undefined) out['aliases'] = aliases;
  const regions = readArray(
    v,
    at(path, 'customerRegions'),
    f.get('customerRegions'),
    { maxItems: CUSTOMER_REGIONS.length },
    (itemPath, item) => readEnum(v, itemPath, item, CUSTOMER_REGIONS, true),
  );
  if (regions !== undefined) out['customerRegions'] = regions;
  return v.items.length === before ? out : undefined;
}
