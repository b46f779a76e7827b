import {
  RequiredString,
  SchemaRequiredString,
  WireBoolean,
  WireNested,
  WireNestedList,
  WireObject,
  WireString,
  WireStringMap,
  WireStrings,
} from './wire.js';

// The snake_case shapes of Paxos's v2 OpenAPI schemas. Request and response share them, as in Paxos's file.
// Fields Paxos sets (sub-statuses, ids, timestamps) are declared so that responses keep them; the mapper never
// sends them.

/** `IdentityMailingAddress`. */
export class MailingAddressDto {
  @SchemaRequiredString() country!: string;
  @SchemaRequiredString() address1!: string;
  @WireString() address2?: string;
  @SchemaRequiredString() city!: string;
  @SchemaRequiredString() province!: string;
  @WireString() zip_code?: string;
}

/** `PersonDetails`. `cip_id` and `date_of_birth` are personal data: never log a DTO. */
export class PersonDetailsDto {
  @WireString() verifier_type?: string;
  @WireString() verifier_id?: string;
  @WireString() passthrough_verifier_type?: string;
  @WireString() passthrough_verified_at?: string;
  @WireString() passthrough_verification_id?: string;
  @WireString() passthrough_verification_status?: string;
  @WireStrings() passthrough_verification_fields?: string[];
  @WireString() first_name?: string;
  @WireString() middle_name?: string;
  @WireString() last_name?: string;
  /** `1980-01-01` on requests; responses have sent `1980-01-01T00:00:00Z` too. */
  @WireString() date_of_birth?: string;
  @WireNested(() => MailingAddressDto) address?: MailingAddressDto;
  @WireString() phone_number?: string;
  @WireString() email?: string;
  @WireString() nationality?: string;
  @WireString() cip_id?: string;
  @WireString() cip_id_type?: string;
  @WireString() cip_id_country?: string;
  @WireString() profession?: string;
  @WireString() country_of_birth?: string;
  @WireString() id_verification_status?: string;
  @WireString() sanctions_verification_status?: string;
  @WireString() additional_screening_status?: string;
  @WireString() id_verification_url?: string;
}

/** `InstitutionDetails`. */
export class InstitutionDetailsDto {
  @WireString() name?: string;
  @WireNested(() => MailingAddressDto) business_address?: MailingAddressDto;
  @WireNested(() => MailingAddressDto) incorporation_address?: MailingAddressDto;
  @WireString() phone_number?: string;
  @WireString() email?: string;
  @WireString() institution_type?: string;
  @WireString() institution_sub_type?: string;
  @WireString() cip_id?: string;
  @WireString() cip_id_type?: string;
  @WireString() cip_id_country?: string;
  @WireString() govt_registration_date?: string;
  @WireString() regulation_status?: string;
  @WireString() trading_type?: string;
  @WireString() listed_exchange?: string;
  @WireString() ticker_symbol?: string;
  @WireString() parent_institution_name?: string;
  @WireString() regulator_name?: string;
  @WireString() regulator_jurisdiction?: string;
  @WireString() regulator_register_number?: string;
  @WireString() doing_business_as?: string;
  @WireString() business_description?: string;
  @WireString() sanctions_verification_status?: string;
  @WireString() document_verification_status?: string;
  @WireString() additional_screening_status?: string;
}

/** `InstitutionMember`. */
export class InstitutionMemberDto {
  @WireString() id?: string;
  @RequiredString() identity_id!: string;
  @WireStrings() roles?: string[];
  /** A decimal percentage as a string: `"25"`. */
  @WireString() ownership?: string;
  @WireString() position?: string;
  @WireString() name?: string;
  @WireString() summary_status?: string;
}

/** `TaxDetail`. `tax_payer_id` is personal data. */
export class TaxDetailDto {
  @WireString() tax_payer_id?: string;
  @WireString() tax_payer_country?: string;
  @WireString() tin_verification_status?: string;
}

/** `CustomerDueDiligence`. */
export class CustomerDueDiligenceDto {
  @WireStrings() aliases?: string[];
  @WireString() estimated_net_worth?: string;
  @WireString() estimated_yearly_income?: string;
  @WireString() expected_transfer_value?: string;
  @WireString() source_of_wealth?: string;
  @WireString() source_of_funds?: string;
  @WireString() purpose_of_account?: string;
  @WireString() employment_status?: string;
  @WireString() employment_industry_sector?: string;
  @WireString() industry_sector?: string;
  @WireBoolean() has_underlying_trust_structure?: boolean;
  @WireBoolean() has_nominee_shareholders?: boolean;
  @WireBoolean() is_publicly_traded?: boolean;
  @WireString() merchant_funding_source?: string;
  @WireStrings() customer_regions?: string[];
  @WireString() created_at?: string;
}

/**
 * `Identity`, the response of create and get. Only `id` is required, as in Paxos's schema; unknown properties
 * (the deprecated `govt_id`, whatever comes next) are dropped when decoding.
 */
export class IdentityDto {
  @RequiredString() id!: string;
  @WireString() type?: string;
  @WireString() status?: string;
  @WireString() summary_status?: string;
  /** SPEC26's `IdentityStatusDetails`, kept as parsed: the mapper reads it item by item, dropping what it cannot. */
  @WireObject() status_details?: Record<string, unknown>;
  @WireString() ref_id?: string;
  @WireStringMap() metadata?: Record<string, string>;
  @WireBoolean() user_disabled?: boolean;
  @WireBoolean() admin_disabled?: boolean;
  @WireNested(() => PersonDetailsDto) person_details?: PersonDetailsDto;
  @WireNested(() => InstitutionDetailsDto) institution_details?: InstitutionDetailsDto;
  @WireNestedList(() => InstitutionMemberDto) institution_members?: InstitutionMemberDto[];
  @WireNestedList(() => TaxDetailDto) tax_details?: TaxDetailDto[];
  @WireBoolean() tax_details_not_required?: boolean;
  @WireString() summary_tin_verification_status?: string;
  @WireNested(() => CustomerDueDiligenceDto) customer_due_diligence?: CustomerDueDiligenceDto;
  @WireBoolean() is_merchant?: boolean;
  @WireString() last_kyc_refresh_date?: string;
  @WireString() created_at?: string;
  @WireString() updated_at?: string;
}

/** `CreateIdentityRequest`: `metadata` at the top level, where Paxos's schema puts it. */
export class CreateIdentityRequestDto {
  @WireString() ref_id?: string;
  @WireNested(() => PersonDetailsDto) person_details?: PersonDetailsDto;
  @WireNested(() => InstitutionDetailsDto) institution_details?: InstitutionDetailsDto;
  @WireNestedList(() => InstitutionMemberDto) institution_members?: InstitutionMemberDto[];
  @WireNestedList(() => TaxDetailDto) tax_details?: TaxDetailDto[];
  @WireBoolean() tax_details_not_required?: boolean;
  @WireNested(() => CustomerDueDiligenceDto) customer_due_diligence?: CustomerDueDiligenceDto;
  @WireBoolean() is_merchant?: boolean;
  @WireStringMap() metadata?: Record<string, string>;
}

/** `ListIdentitiesResponse`: a page of identities (without details) and the cursor of the next one. */
export class ListIdentitiesResponseDto {
  @WireNestedList(() => IdentityDto) items?: IdentityDto[];
  /** Absent or empty on the last page. */
  @WireString() next_page_cursor?: string;
}

/**
 * `IdentityPublicUpdateIdentityBody`, the body of `PUT /identity/identities/{id}`: only the fields that change.
 * The create flag `tax_details_not_required` is `set_tax_details_not_required` here; members are not updatable.
 */
export class UpdateIdentityRequestDto {
  @WireString() ref_id?: string;
  @WireNested(() => PersonDetailsDto) person_details?: PersonDetailsDto;
  @WireNested(() => InstitutionDetailsDto) institution_details?: InstitutionDetailsDto;
  @WireNestedList(() => TaxDetailDto) tax_details?: TaxDetailDto[];
  @WireBoolean() set_tax_details_not_required?: boolean;
  @WireBoolean() set_user_disabled?: boolean;
  @WireNested(() => CustomerDueDiligenceDto) customer_due_diligence?: CustomerDueDiligenceDto;
  @WireBoolean() is_merchant?: boolean;
  @WireStringMap() metadata?: Record<string, string>;
  @WireString() last_kyc_refresh_date?: string;
}
