import { inputNames, readFields, table } from '../shared/field-table.js';
import { readObject } from '../shared/guard.js';
import type { ViolationList } from '../shared/violations.js';
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

const choice = <const N extends string, const W extends string>(name: N, wire: W, values: readonly string[]) =>
  ({ name, wire, type: 'string', kind: 'enum', values }) as const;
const flag = <const N extends string, const W extends string>(name: N, wire: W) =>
  ({ name, wire, type: 'boolean', kind: 'boolean' }) as const;

/** Paxos's `CustomerDueDiligence`, field by field. */
export const CUSTOMER_DUE_DILIGENCE_TABLE = table('CustomerDueDiligence', [
  { name: 'aliases', wire: 'aliases', type: 'strings', kind: 'texts', advise: 200, maxItems: 20 },
  choice('estimatedNetWorth', 'estimated_net_worth', NET_WORTH_RANGES),
  choice('estimatedYearlyIncome', 'estimated_yearly_income', YEARLY_INCOME_RANGES),
  choice('expectedTransferValue', 'expected_transfer_value', TRANSFER_VALUE_RANGES),
  choice('sourceOfWealth', 'source_of_wealth', WEALTH_SOURCES),
  choice('sourceOfFunds', 'source_of_funds', FUNDS_SOURCES),
  choice('purposeOfAccount', 'purpose_of_account', ACCOUNT_PURPOSES),
  choice('employmentStatus', 'employment_status', EMPLOYMENT_STATUSES),
  choice('employmentIndustrySector', 'employment_industry_sector', INSTITUTION_SUB_TYPES),
  choice('industrySector', 'industry_sector', INSTITUTION_SUB_TYPES),
  flag('hasUnderlyingTrustStructure', 'has_underlying_trust_structure'),
  flag('hasNomineeShareholders', 'has_nominee_shareholders'),
  flag('isPubliclyTraded', 'is_publicly_traded'),
  choice('merchantFundingSource', 'merchant_funding_source', MERCHANT_FUNDING_SOURCES),
  { name: 'customerRegions', wire: 'customer_regions', type: 'strings', kind: 'enums', values: CUSTOMER_REGIONS },
  { name: 'createdAt', wire: 'created_at', type: 'string', kind: 'text', serverSet: true },
]);

const CDD_FIELDS = inputNames(CUSTOMER_DUE_DILIGENCE_TABLE);

/** Checks due-diligence answers: each enum value known, booleans boolean, aliases strings (more than 20, or longer than 200 characters, are warned about). */
export function parseCustomerDueDiligence(
  v: ViolationList,
  path: string,
  value: unknown,
): CustomerDueDiligence | undefined {
  const f = readObject(v, path, value, CDD_FIELDS, false);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const got = readFields(v, path, f, CUSTOMER_DUE_DILIGENCE_TABLE);
  return v.items.length === before ? got : undefined;
}
