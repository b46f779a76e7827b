/**
 * Every enumeration of Paxos's v2 Identity API (2026 specification). Each is a readonly tuple plus its union type.
 * Input is checked against these lists; values read back from Paxos are typed as {@link Open} because Paxos adds
 * values without notice.
 */

/** A known value, or any other string Paxos may add later. */
export type Open<T extends string> = T | (string & {});

export const IDENTITY_STATUSES = ['PENDING', 'ERROR', 'APPROVED', 'DENIED', 'DISABLED'] as const;
/** Summary status and every sub-status of an identity. */
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

export const IDENTITY_TYPES = ['PERSON', 'INSTITUTION'] as const;
/** PERSON or INSTITUTION; fixed at creation. */
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export const VERIFIER_TYPES = ['PAXOS', 'PASSTHROUGH', 'MANUAL'] as const;
/** Who verified the person's identity. */
export type VerifierType = (typeof VERIFIER_TYPES)[number];

export const PASSTHROUGH_VERIFIER_TYPES = [
  'JUMIO',
  'ALLOY',
  'LEXISNEXIS',
  'MITEK',
  'SUMSUB',
  'MICROBILT',
  'ONFIDO',
  'CUSTOMER',
  'EQUIFAX',
  'ID3_AUTHENTICATE',
  'FIS',
  'PROVE',
  'PERSONA',
  'PLAID',
  'DOTFILE',
  'AIPRISE',
] as const;
/** The third-party verifier behind a PASSTHROUGH verification. */
export type PassthroughVerifierType = (typeof PASSTHROUGH_VERIFIER_TYPES)[number];

export const PASSTHROUGH_VERIFICATION_STATUSES = ['APPROVED', 'DENIED'] as const;
/** The only statuses a client may report for a passthrough verification. */
export type PassthroughVerificationStatus = (typeof PASSTHROUGH_VERIFICATION_STATUSES)[number];

export const PASSTHROUGH_VERIFICATION_FIELDS = ['FULL_LEGAL_NAME', 'ADDRESS', 'DATE_OF_BIRTH', 'CIP_ID'] as const;
/** Which fields the passthrough verifier checked. */
export type PassthroughVerificationField = (typeof PASSTHROUGH_VERIFICATION_FIELDS)[number];

export const PERSON_CIP_ID_TYPES = ['SSN', 'ID_CARD', 'ITIN', 'PASSPORT', 'DRIVING_LICENSE', 'VISA'] as const;
/** Kinds of government id a person can be identified by. */
export type PersonCipIdType = (typeof PERSON_CIP_ID_TYPES)[number];

export const INSTITUTION_CIP_ID_TYPES = ['EIN', 'SSN', 'ITIN', 'REGISTRATION_NUMBER'] as const;
/** Kinds of government id an institution can be identified by. */
export type InstitutionCipIdType = (typeof INSTITUTION_CIP_ID_TYPES)[number];

export const INSTITUTION_TYPES = ['TRUST', 'CORPORATION', 'LLC', 'PARTNERSHIP', 'SOLE_PROPRIETORSHIP'] as const;
/** Legal form of an institution. */
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

export const INSTITUTION_SUB_TYPES = [
  'INVESTMENT',
  'HEDGE_FUND',
  'MONEY_SERVICE_BUSINESS',
  'STO_ISSUER',
  'PRECIOUS_METALS',
  'NON_PROFIT',
  'REGISTERED_INVESTMENT_ADVISOR',
  'AGRICULTURE_FORESTRY_FISHING_HUNTING',
  'MINING',
  'UTILITIES',
  'CONSTRUCTION',
  'MANUFACTURING',
  'WHOLESALE_TRADE',
  'RETAIL_TRADE',
  'TRANSPORTATION_WAREHOUSING',
  'INFORMATION',
  'FINANCE_INSURANCE',
  'REAL_ESTATE_RENTAL_LEASING',
  'PROFESSIONAL_SCIENTIFIC_TECHNICAL_SERVICES',
  'MANAGEMENT_OF_COMPANIES_ENTERPRISES',
  'ADMINISTRATIVE_SUPPORT_WASTE_MANAGEMENT_REMEDIATION_SERVICES',
  'EDUCATIONAL_SERVICES',
  'HEALTH_CARE_SOCIAL_ASSISTANCE',
  'ARTS_ENTERTAINMENT_RECREATION',
  'ACCOMMODATION_FOOD_SERVICES',
  'OTHER_SERVICES',
  'PUBLIC_ADMINISTRATION',
  'NOT_CLASSIFIED',
  'ADULT_ENTERTAINMENT',
  'AUCTIONS',
  'AUTOMOBILES',
  'BLOCKCHAIN',
  'CRYPTO',
  'DRUGS',
  'EXPORT_IMPORT',
  'E_COMMERCE',
  'FINANCIAL_INSTITUTION',
  'GAMBLING',
  'INSURANCE',
  'MARKET_MAKER',
  'SHELL_BANK',
  'TRAVEL_TRANSPORT',
  'WEAPONS',
] as const;
/** Industry of an institution; also used for due-diligence industry sectors. */
export type InstitutionSubType = (typeof INSTITUTION_SUB_TYPES)[number];

/** Businesses Paxos does not onboard. */
export const PROHIBITED_INSTITUTION_SUB_TYPES: readonly InstitutionSubType[] = [
  'ADULT_ENTERTAINMENT',
  'DRUGS',
  'SHELL_BANK',
  'WEAPONS',
];

export const REGULATION_STATUSES = ['US_REGULATED', 'INTL_REGULATED', 'NON_REGULATED'] as const;
/** Whether and where an institution is regulated. */
export type RegulationStatus = (typeof REGULATION_STATUSES)[number];

export const TRADING_TYPES = ['PRIVATE', 'PUBLIC', 'PUBLICLY_TRADED_SUBSIDIARY'] as const;
/** How an institution's shares trade. */
export type TradingType = (typeof TRADING_TYPES)[number];

export const INSTITUTION_ROLE_TYPES = [
  'BENEFICIAL_OWNER',
  'ACCOUNT_OPENER',
  'TRUSTEE',
  'AUTHORIZED_USER',
  'GRANTOR',
  'MANAGEMENT_CONTROL_PERSON',
  'BENEFICIARY',
  'SOLE_PROPRIETOR',
] as const;
/** Role of a member within an institution. */
export type InstitutionRoleType = (typeof INSTITUTION_ROLE_TYPES)[number];

export const TIN_VERIFICATION_STATUSES = [
  'TIN_VERIFICATION_PENDING',
  'TIN_VERIFICATION_ERROR',
  'TIN_VERIFICATION_VALID',
] as const;
/** Outcome of Paxos's US tax id check. */
export type TinVerificationStatus = (typeof TIN_VERIFICATION_STATUSES)[number];

export const NET_WORTH_RANGES = [
  'NET_WORTH_0_TO_100K',
  'NET_WORTH_100K_TO_500K',
  'NET_WORTH_500K_TO_1M',
  'NET_WORTH_1M_TO_2_5M',
  'NET_WORTH_2_5M_TO_5M',
  'NET_WORTH_5M_TO_7_5M',
  'NET_WORTH_7_5M_TO_10M',
  'NET_WORTH_10M_TO_25M',
  'NET_WORTH_25M_TO_50M',
  'NET_WORTH_OVER_50M',
] as const;
export type NetWorthRange = (typeof NET_WORTH_RANGES)[number];

export const YEARLY_INCOME_RANGES = [
  'INCOME_0_TO_50K',
  'INCOME_50K_TO_100K',
  'INCOME_100K_TO_250K',
  'INCOME_250K_TO_500K',
  'INCOME_500K_TO_750K',
  'INCOME_750K_TO_1M',
  'INCOME_ABOVE_1M',
] as const;
export type YearlyIncomeRange = (typeof YEARLY_INCOME_RANGES)[number];

export const TRANSFER_VALUE_RANGES = [
  'TRANSFER_VALUE_0_TO_25K',
  'TRANSFER_VALUE_25K_TO_50K',
  'TRANSFER_VALUE_50K_TO_100K',
  'TRANSFER_VALUE_100K_TO_250K',
  'TRANSFER_VALUE_250K_TO_500K',
  'TRANSFER_VALUE_500K_TO_750K',
  'TRANSFER_VALUE_750K_TO_1M',
  'TRANSFER_VALUE_1M_TO_2_5M',
  'TRANSFER_VALUE_2_5M_TO_5M',
  'TRANSFER_VALUE_ABOVE_5M',
] as const;
export type TransferValueRange = (typeof TRANSFER_VALUE_RANGES)[number];

export const WEALTH_SOURCES = [
  'INHERITANCE',
  'INVESTMENT_GAINS',
  'BUSINESS_OWNERSHIP_DIVIDENDS',
  'EMPLOYMENT_INCOME',
  'REAL_ESTATE',
  'OTHER_SOURCE_OF_WEALTH',
] as const;
export type WealthSource = (typeof WEALTH_SOURCES)[number];

export const FUNDS_SOURCES = [
  'SALARY_DISBURSEMENT',
  'INHERITANCE_DISTRIBUTION',
  'INVESTMENT_RETURNS',
  'BUSINESS_DIVIDENDS_PROFITS',
  'PROPERTY_SALE',
  'LOAN_DISBURSEMENT',
  'SAVINGS_ACCOUNT_WITHDRAWAL',
  'GOVERNMENT_BENEFITS',
] as const;
export type FundsSource = (typeof FUNDS_SOURCES)[number];

export const ACCOUNT_PURPOSES = ['INVESTMENT_TRADING', 'SAVINGS', 'STABLECOIN_PURCHASE_REDEMPTION'] as const;
export type AccountPurpose = (typeof ACCOUNT_PURPOSES)[number];

export const EMPLOYMENT_STATUSES = [
  'CONTRACTUAL',
  'FULL_TIME',
  'PART_TIME',
  'RETIRED',
  'SELF_EMPLOYED',
  'STUDENT',
  'UNEMPLOYED',
] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const MERCHANT_FUNDING_SOURCES = [
  'BUSINESS_LOANS_FINANCING',
  'SALARY_SAVINGS',
  'INVESTMENT_GAINS',
  'INHERITANCE',
  'REAL_ESTATE_INCOME',
  'NON_PROFIT_SOURCES',
  'OTHER_BUSINESS_INCOME',
] as const;
export type MerchantFundingSource = (typeof MERCHANT_FUNDING_SOURCES)[number];

export const CUSTOMER_REGIONS = [
  'US_CANADA',
  'MEXICO_CENTRAL_AMERICA',
  'SOUTH_AMERICA',
  'EUROPE',
  'ASIA',
  'AFRICA',
  'OCEANIA',
] as const;
export type CustomerRegion = (typeof CUSTOMER_REGIONS)[number];

export const DOCUMENT_TYPES = [
  'OTHER_DOCUMENTS',
  'APPLICATION',
  'ORGANIZATIONAL_DOCUMENTS',
  'CERTIFICATE_OF_GOOD_STANDING',
  'TAX_IDENTIFICATION',
  'IDENTITY_VERIFICATION',
  'PROOF_OF_RESIDENCY',
  'PROOF_OF_FUNDS',
  'SAMPLE_INVOICE',
  'OPERATING_AGREEMENT',
  'TRUST_DOCUMENTS',
  'MONEY_SERVICE_DOCUMENTS',
  'INVESTMENT_DOCUMENTS',
  'CURP',
  'AML_DOCUMENTS',
  'FUND_STRUCTURE_CHART',
  'FUND_MANAGER_REGISTRATION',
  'MEMORANDUM_OF_ASSOCIATION',
  'ORGANIZATIONAL_CHART',
  'FOUNDATION_BY_LAWS',
  'APPOINTMENT_OF_GUARDIAN_EVIDENCE',
  'LEGAL_DOMICILE_OF_BENEFICIAL_OWNERS',
  'GOVERNING_BODY_MEMBER_NAMES',
  'INDEPENDENT_AUDIT',
] as const;
/** Kinds of document Paxos accepts for an identity. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const LIST_ORDERS = ['DESC', 'ASC'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

export const ACCOUNT_TYPES = ['BROKERAGE', 'TRADITIONAL_IRA', 'ROTH_IRA', 'SEP_IRA', 'FINANCIAL_ADVISOR'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const ACCOUNT_MEMBER_ROLES = ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'FINANCIAL_ADVISOR'] as const;
export type AccountMemberRole = (typeof ACCOUNT_MEMBER_ROLES)[number];

export const IDENTITY_CONTROL_TYPES = ['SELL_ONLY', 'CLOSED', 'FROZEN', 'DORMANT'] as const;
export type IdentityControlType = (typeof IDENTITY_CONTROL_TYPES)[number];

export const IDENTITY_CONTROL_REASON_CODES = [
  'OTHER',
  'END_USER_REQUEST',
  'INACTIVITY',
  'COMPLIANCE_KYC',
  'COMPLIANCE_EDD',
  'COMPLIANCE_SCREENING',
  'COMPLIANCE_INVESTIGATION',
  'COMPLIANCE_INCOMPLETE',
  'RISK_FRAUD',
  'LEGAL_ORDER',
  'ADMINISTRATIVE',
] as const;
export type IdentityControlReasonCode = (typeof IDENTITY_CONTROL_REASON_CODES)[number];
