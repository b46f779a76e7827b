import {
  Identity,
  parseCalendarDate,
  parseDateTime,
  Sensitive,
  type Address,
  type CustomerDueDiligence,
  type IdentityDelta,
  type IdentityProps,
  type InstitutionDetails,
  type InstitutionMember,
  type Metadata,
  type NewIdentity,
  type PersonDetails,
  type SandboxStatusChange,
  type TaxDetail,
} from '../../domain/index.js';
import type {
  CreateIdentityRequestDto,
  CustomerDueDiligenceDto,
  IdentityDto,
  InstitutionDetailsDto,
  InstitutionMemberDto,
  MailingAddressDto,
  PersonDetailsDto,
  SandboxSetIdentityStatusDto,
  TaxDetailDto,
  UpdateIdentityRequestDto,
} from './dto/index.js';
import { isPresent } from './present.js';

// The one translation between the camelCase domain and Paxos's snake_case wire. Personal data leaves its
// Sensitive wrapper here, on the way out, and enters one here, on the way in; nowhere else.

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The JSON a DTO class describes, as a plain object. The DTO classes are the decoding schemas; request bodies are
 * plain objects of the same shape, serialised as they are, and never instances of those classes.
 */
type Json<T> = T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** Assigns only present values, so that the JSON sent carries no `null`s and the domain no `undefined` keys. */
function put<T, K extends keyof T>(target: T, key: K, value: T[K] | null | undefined): void {
  if (isPresent(value)) target[key] = value;
}

// ---------------------------------------------------------------------------------------------------------------
// Domain → wire

function addressToWire(address: Address): Json<MailingAddressDto> {
  const wire: Json<MailingAddressDto> = {
    country: address.country,
    address1: address.address1,
    city: address.city,
    province: address.province,
  };
  put(wire, 'address2', address.address2);
  put(wire, 'zip_code', address.zipCode);
  return wire;
}

function personToWire(person: Partial<PersonDetails>): Json<PersonDetailsDto> {
  const wire: Json<PersonDetailsDto> = {};
  put(wire, 'verifier_type', person.verifierType);
  put(wire, 'verifier_id', person.verifierId);
  put(wire, 'passthrough_verifier_type', person.passthroughVerifierType);
  put(wire, 'passthrough_verified_at', person.passthroughVerifiedAt);
  put(wire, 'passthrough_verification_id', person.passthroughVerificationId);
  put(wire, 'passthrough_verification_status', person.passthroughVerificationStatus);
  if (person.passthroughVerificationFields !== undefined) {
    wire.passthrough_verification_fields = [...person.passthroughVerificationFields];
  }
  put(wire, 'first_name', person.firstName);
  put(wire, 'middle_name', person.middleName);
  put(wire, 'last_name', person.lastName);
  put(wire, 'date_of_birth', person.dateOfBirth?.reveal());
  if (person.address !== undefined) wire.address = addressToWire(person.address);
  put(wire, 'phone_number', person.phoneNumber);
  put(wire, 'email', person.email);
  put(wire, 'nationality', person.nationality);
  put(wire, 'cip_id', person.cipId?.reveal());
  put(wire, 'cip_id_type', person.cipIdType);
  put(wire, 'cip_id_country', person.cipIdCountry);
  put(wire, 'profession', person.profession);
  put(wire, 'country_of_birth', person.countryOfBirth);
  return wire;
}

function institutionToWire(institution: Partial<InstitutionDetails>): Json<InstitutionDetailsDto> {
  const wire: Json<InstitutionDetailsDto> = {};
  put(wire, 'name', institution.name);
  if (institution.businessAddress !== undefined) wire.business_address = addressToWire(institution.businessAddress);
  if (institution.incorporationAddress !== undefined)
    wire.incorporation_address = addressToWire(institution.incorporationAddress);
  put(wire, 'phone_number', institution.phoneNumber);
  put(wire, 'email', institution.email);
  put(wire, 'institution_type', institution.institutionType);
  put(wire, 'institution_sub_type', institution.institutionSubType);
  put(wire, 'cip_id', institution.cipId?.reveal());
  put(wire, 'cip_id_type', institution.cipIdType);
  put(wire, 'cip_id_country', institution.cipIdCountry);
  put(wire, 'govt_registration_date', institution.govtRegistrationDate);
  put(wire, 'regulation_status', institution.regulationStatus);
  put(wire, 'trading_type', institution.tradingType);
  put(wire, 'listed_exchange', institution.listedExchange);
  put(wire, 'ticker_symbol', institution.tickerSymbol);
  put(wire, 'parent_institution_name', institution.parentInstitutionName);
  put(wire, 'regulator_name', institution.regulatorName);
  put(wire, 'regulator_jurisdiction', institution.regulatorJurisdiction);
  put(wire, 'regulator_register_number', institution.regulatorRegisterNumber);
  put(wire, 'doing_business_as', institution.doingBusinessAs);
  put(wire, 'business_description', institution.businessDescription);
  return wire;
}

export function memberToWire(member: InstitutionMember): Json<InstitutionMemberDto> {
  const wire: Json<InstitutionMemberDto> = { identity_id: member.identityId, roles: [...member.roles] };
  put(wire, 'ownership', member.ownership);
  put(wire, 'position', member.position);
  return wire;
}

function dueDiligenceToWire(cdd: CustomerDueDiligence): Json<CustomerDueDiligenceDto> {
  const wire: Json<CustomerDueDiligenceDto> = {};
  if (cdd.aliases !== undefined) wire.aliases = [...cdd.aliases];
  put(wire, 'estimated_net_worth', cdd.estimatedNetWorth);
  put(wire, 'estimated_yearly_income', cdd.estimatedYearlyIncome);
  put(wire, 'expected_transfer_value', cdd.expectedTransferValue);
  put(wire, 'source_of_wealth', cdd.sourceOfWealth);
  put(wire, 'source_of_funds', cdd.sourceOfFunds);
  put(wire, 'purpose_of_account', cdd.purposeOfAccount);
  put(wire, 'employment_status', cdd.employmentStatus);
  put(wire, 'employment_industry_sector', cdd.employmentIndustrySector);
  put(wire, 'industry_sector', cdd.industrySector);
  put(wire, 'has_underlying_trust_structure', cdd.hasUnderlyingTrustStructure);
  put(wire, 'has_nominee_shareholders', cdd.hasNomineeShareholders);
  put(wire, 'is_publicly_traded', cdd.isPubliclyTraded);
  put(wire, 'merchant_funding_source', cdd.merchantFundingSource);
  if (cdd.customerRegions !== undefined) wire.customer_regions = [...cdd.customerRegions];
  return wire;
}

/** One tax detail as Paxos takes it; the tax payer id leaves its `Sensitive` wrapper only here, for the wire. */
function taxDetailToWire(detail: TaxDetail): { tax_payer_id: string; tax_payer_country: string } {
  return { tax_payer_id: detail.taxPayerId.reveal(), tax_payer_country: detail.taxPayerCountry };
}

/**
 * The `CreateIdentityRequest` for a validated draft. Tax details derived from a US SSN, ITIN or EIN are not sent:
 * Paxos derives them itself, and the seed request carries none.
 */
export function toCreateIdentityRequest(identity: NewIdentity): Json<CreateIdentityRequestDto> {
  const wire: Json<CreateIdentityRequestDto> = {};
  put(wire, 'ref_id', identity.refId);
  if (identity.person !== undefined) wire.person_details = personToWire(identity.person);
  if (identity.institution !== undefined) wire.institution_details = institutionToWire(identity.institution);
  if (identity.institutionMembers !== undefined)
    wire.institution_members = identity.institutionMembers.map(memberToWire);
  if (identity.tax.kind === 'provided') {
    wire.tax_details = identity.tax.details.map(taxDetailToWire);
  } else if (identity.tax.kind === 'not_required') {
    wire.tax_details_not_required = true;
  }
  if (identity.customerDueDiligence !== undefined)
    wire.customer_due_diligence = dueDiligenceToWire(identity.customerDueDiligence);
  put(wire, 'is_merchant', identity.isMerchant);
  if (identity.metadata !== undefined) wire.metadata = { ...identity.metadata };
  return wire;
}

/** What a draft and an update delta both carry of personal values. */
interface CarriesPersonalValues {
  readonly person?: { readonly cipId?: Sensitive; readonly dateOfBirth?: Sensitive } | undefined;
  readonly institution?: { readonly cipId?: Sensitive } | undefined;
  readonly taxDetails?: readonly TaxDetail[] | undefined;
}

/** The personal values a draft or a delta carries, so that an error text echoing one of them can be scrubbed. */
export function sensitiveValuesOf(source: CarriesPersonalValues): string[] {
  const out: string[] = [];
  for (const value of [
    source.person?.cipId,
    source.person?.dateOfBirth,
    source.institution?.cipId,
    ...(source.taxDetails ?? []).map((t) => t.taxPayerId),
  ]) {
    if (value !== undefined) out.push(value.reveal());
  }
  return out;
}

/**
 * The `IdentityPublicUpdateIdentityBody` for a checked delta: only the fields that change. A touched address is sent
 * whole, as it will be, so that it meets the address schema's required fields; `address2: ""` clears the line.
 */
export function toUpdateIdentityRequest(delta: IdentityDelta): Json<UpdateIdentityRequestDto> {
  const wire: Json<UpdateIdentityRequestDto> = {};
  put(wire, 'ref_id', delta.refId);
  if (delta.person !== undefined) wire.person_details = personToWire(delta.person);
  if (delta.institution !== undefined) wire.institution_details = institutionToWire(delta.institution);
  if (delta.taxDetails !== undefined) {
    wire.tax_details = delta.taxDetails.map(taxDetailToWire);
  }
  put(wire, 'set_tax_details_not_required', delta.setTaxDetailsNotRequired);
  put(wire, 'set_user_disabled', delta.setUserDisabled);
  if (delta.customerDueDiligence !== undefined)
    wire.customer_due_diligence = dueDiligenceToWire(delta.customerDueDiligence);
  put(wire, 'is_merchant', delta.isMerchant);
  if (delta.metadata !== undefined) wire.metadata = { ...delta.metadata };
  put(wire, 'last_kyc_refresh_date', delta.lastKycRefreshDate);
  return wire;
}

/** The body of `PUT /identity/identities/{id}/sandbox-status`. */
export function toSandboxStatusRequest(change: SandboxStatusChange): Json<SandboxSetIdentityStatusDto> {
  const wire: Json<SandboxSetIdentityStatusDto> = {};
  put(wire, 'id_verification_status', change.idVerification);
  put(wire, 'sanctions_verification_status', change.sanctionsVerification);
  put(wire, 'document_verification_status', change.documentVerification);
  put(wire, 'additional_screening_status', change.additionalScreening);
  if (change.userDisabled !== undefined) wire.user_disabled = { disabled: change.userDisabled };
  if (change.adminDisabled !== undefined) wire.admin_disabled = { disabled: change.adminDisabled };
  return wire;
}

// ---------------------------------------------------------------------------------------------------------------
// Wire → domain

/** The result of mapping a decoded identity; `issues` name fields, never values. */
export type Mapped<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly string[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A date of birth as `YYYY-MM-DD`. Paxos's requests and newer responses use that form; older responses sent
 * `1980-01-01T00:00:00Z`, whose calendar date is kept as written.
 */
function parseWireDate(text: string): string | undefined {
  if (parseCalendarDate(text) !== undefined) return text;
  if (parseDateTime(text) === undefined) return undefined;
  const day = text.slice(0, 10);
  return parseCalendarDate(day) === undefined ? undefined : day;
}

function addressFromWire(wire: MailingAddressDto): Address {
  const address: Mutable<Address> = {
    country: wire.country,
    address1: wire.address1,
    city: wire.city,
    province: wire.province,
  };
  put(address, 'address2', wire.address2);
  put(address, 'zipCode', wire.zip_code);
  return address;
}

function personFromWire(wire: PersonDetailsDto, issues: string[]): PersonDetails {
  const person: Mutable<PersonDetails> = { firstName: wire.first_name ?? '', lastName: wire.last_name ?? '' };
  put(person, 'verifierType', wire.verifier_type);
  put(person, 'verifierId', wire.verifier_id);
  put(person, 'passthroughVerifierType', wire.passthrough_verifier_type);
  put(person, 'passthroughVerifiedAt', wire.passthrough_verified_at);
  put(person, 'passthroughVerificationId', wire.passthrough_verification_id);
  put(person, 'passthroughVerificationStatus', wire.passthrough_verification_status);
  put(person, 'passthroughVerificationFields', wire.passthrough_verification_fields);
  put(person, 'middleName', wire.middle_name);
  if (isPresent(wire.date_of_birth)) {
    const day = parseWireDate(wire.date_of_birth);
    if (day === undefined) issues.push('person_details.date_of_birth: isDate');
    else person.dateOfBirth = Sensitive.of(day);
  }
  if (isPresent(wire.address)) person.address = addressFromWire(wire.address);
  put(person, 'phoneNumber', wire.phone_number);
  put(person, 'email', wire.email);
  put(person, 'nationality', wire.nationality);
  if (isPresent(wire.cip_id)) person.cipId = Sensitive.of(wire.cip_id);
  put(person, 'cipIdType', wire.cip_id_type);
  put(person, 'cipIdCountry', wire.cip_id_country);
  put(person, 'profession', wire.profession);
  put(person, 'countryOfBirth', wire.country_of_birth);
  put(person, 'idVerificationStatus', wire.id_verification_status);
  put(person, 'sanctionsVerificationStatus', wire.sanctions_verification_status);
  put(person, 'additionalScreeningStatus', wire.additional_screening_status);
  put(person, 'idVerificationUrl', wire.id_verification_url);
  return person;
}

function institutionFromWire(wire: InstitutionDetailsDto): InstitutionDetails {
  const institution: Mutable<InstitutionDetails> = { name: wire.name ?? '' };
  if (isPresent(wire.business_address)) {
    institution.businessAddress = addressFromWire(wire.business_address);
  }
  if (isPresent(wire.incorporation_address)) {
    institution.incorporationAddress = addressFromWire(wire.incorporation_address);
  }
  put(institution, 'phoneNumber', wire.phone_number);
  put(institution, 'email', wire.email);
  put(institution, 'institutionType', wire.institution_type);
  put(institution, 'institutionSubType', wire.institution_sub_type);
  if (isPresent(wire.cip_id)) institution.cipId = Sensitive.of(wire.cip_id);
  put(institution, 'cipIdType', wire.cip_id_type);
  put(institution, 'cipIdCountry', wire.cip_id_country);
  put(institution, 'govtRegistrationDate', wire.govt_registration_date);
  put(institution, 'regulationStatus', wire.regulation_status);
  put(institution, 'tradingType', wire.trading_type);
  put(institution, 'listedExchange', wire.listed_exchange);
  put(institution, 'tickerSymbol', wire.ticker_symbol);
  put(institution, 'parentInstitutionName', wire.parent_institution_name);
  put(institution, 'regulatorName', wire.regulator_name);
  put(institution, 'regulatorJurisdiction', wire.regulator_jurisdiction);
  put(institution, 'regulatorRegisterNumber', wire.regulator_register_number);
  put(institution, 'doingBusinessAs', wire.doing_business_as);
  put(institution, 'businessDescription', wire.business_description);
  put(institution, 'sanctionsVerificationStatus', wire.sanctions_verification_status);
  put(institution, 'documentVerificationStatus', wire.document_verification_status);
  put(institution, 'additionalScreeningStatus', wire.additional_screening_status);
  return institution;
}

export function memberFromWire(wire: InstitutionMemberDto): InstitutionMember {
  const member: Mutable<InstitutionMember> = { identityId: wire.identity_id, roles: wire.roles ?? [] };
  put(member, 'id', wire.id);
  put(member, 'ownership', wire.ownership);
  put(member, 'position', wire.position);
  put(member, 'name', wire.name);
  put(member, 'summaryStatus', wire.summary_status);
  return member;
}

function taxFromWire(wire: TaxDetailDto): TaxDetail {
  const tax: Mutable<TaxDetail> = {
    taxPayerId: Sensitive.of(wire.tax_payer_id ?? ''),
    taxPayerCountry: wire.tax_payer_country ?? '',
  };
  put(tax, 'tinVerificationStatus', wire.tin_verification_status);
  return tax;
}

function dueDiligenceFromWire(wire: CustomerDueDiligenceDto): CustomerDueDiligence {
  const cdd: Mutable<CustomerDueDiligence> = {};
  put(cdd, 'aliases', wire.aliases);
  put(cdd, 'estimatedNetWorth', wire.estimated_net_worth);
  put(cdd, 'estimatedYearlyIncome', wire.estimated_yearly_income);
  put(cdd, 'expectedTransferValue', wire.expected_transfer_value);
  put(cdd, 'sourceOfWealth', wire.source_of_wealth);
  put(cdd, 'sourceOfFunds', wire.source_of_funds);
  put(cdd, 'purposeOfAccount', wire.purpose_of_account);
  put(cdd, 'employmentStatus', wire.employment_status);
  put(cdd, 'employmentIndustrySector', wire.employment_industry_sector);
  put(cdd, 'industrySector', wire.industry_sector);
  put(cdd, 'hasUnderlyingTrustStructure', wire.has_underlying_trust_structure);
  put(cdd, 'hasNomineeShareholders', wire.has_nominee_shareholders);
  put(cdd, 'isPubliclyTraded', wire.is_publicly_traded);
  put(cdd, 'merchantFundingSource', wire.merchant_funding_source);
  put(cdd, 'customerRegions', wire.customer_regions);
  put(cdd, 'createdAt', wire.created_at);
  return cdd;
}

function metadataFromWire(wire: Record<string, string>): Metadata {
  const out: Record<string, string> = {};
  for (const key of Object.keys(wire)) {
    // JSON.parse keeps `__proto__` as an own key; copying it by assignment would swap the object's prototype.
    if (!FORBIDDEN_KEYS.has(key)) out[key] = wire[key] as string;
  }
  return Object.freeze(out);
}

/** Builds the domain identity from a decoded `Identity`, or names what cannot be mapped. */
export function toIdentity(wire: IdentityDto): Mapped<Identity> {
  const issues: string[] = [];
  const person = wire.person_details ?? undefined;
  const institution = wire.institution_details ?? undefined;
  const type = wire.type ?? (person !== undefined ? 'PERSON' : institution !== undefined ? 'INSTITUTION' : undefined);
  if (type === undefined) issues.push('type: isDefined');
  const props: Mutable<IdentityProps> = {
    id: wire.id,
    type: type ?? '',
    // Paxos has always sent summary_status; `status` is its 2026 name. An identity with neither is not approved.
    summaryStatus: wire.summary_status ?? wire.status ?? 'PENDING',
    createdAt: wire.created_at ?? '',
    updatedAt: wire.updated_at ?? '',
  };
  put(props, 'refId', wire.ref_id);
  put(props, 'status', wire.status);
  if (person !== undefined) props.person = personFromWire(person, issues);
  if (institution !== undefined) props.institution = institutionFromWire(institution);
  if (wire.institution_members != null) props.institutionMembers = wire.institution_members.map(memberFromWire);
  if (wire.tax_details != null) props.taxDetails = wire.tax_details.map(taxFromWire);
  put(props, 'taxDetailsNotRequired', wire.tax_details_not_required);
  put(props, 'summaryTinVerificationStatus', wire.summary_tin_verification_status);
  if (wire.customer_due_diligence != null)
    props.customerDueDiligence = dueDiligenceFromWire(wire.customer_due_diligence);
  put(props, 'isMerchant', wire.is_merchant);
  if (wire.metadata != null) props.metadata = metadataFromWire(wire.metadata);
  put(props, 'userDisabled', wire.user_disabled);
  put(props, 'adminDisabled', wire.admin_disabled);
  put(props, 'lastKycRefreshDate', wire.last_kyc_refresh_date);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: Identity.rehydrate(props) };
}
