import { CUSTOMER_DUE_DILIGENCE_TABLE } from '../../domain/identity/customer-due-diligence.js';
import { INSTITUTION_MEMBER_TABLE } from '../../domain/identity/institution-member.js';
import { INSTITUTION_TABLE } from '../../domain/identity/institution.js';
import { PERSON_TABLE } from '../../domain/identity/person.js';
import { TAX_DETAIL_TABLE } from '../../domain/identity/tax-detail.js';
import type { FieldSpec, FieldTable } from '../../domain/shared/field-table.js';
import {
  Identity,
  parseCalendarDate,
  parseDateTime,
  Sensitive,
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
  PersonDetailsDto,
  SandboxSetIdentityStatusDto,
  TaxDetailDto,
  UpdateIdentityRequestDto,
} from './dto/index.js';
import { isPresent } from './present.js';
import { statusDetailsFromWire } from './status-details-mapper.js';

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

type Plain = Record<string, unknown>;

/**
 * An object of the domain as Paxos's JSON, field by field from its table: personal values revealed (this is the
 * wire), lists copied, nested objects by their own table. Fields Paxos sets are left out unless `serverSet`.
 */
export function detailsToWire(t: FieldTable, value: object, options: WireWriteOptions = {}): Plain {
  const source = value as Plain;
  const wire: Plain = {};
  for (const field of t.fields) {
    if (field.serverSet === true && options.serverSet !== true) continue;
    const item = source[field.name];
    if (!isPresent(item)) continue;
    wire[field.wire] = valueToWire(field, item, options);
  }
  return wire;
}

/** How {@link detailsToWire} writes. */
export interface WireWriteOptions {
  /** Also write the fields Paxos sets (for printing a record, never for a request). */
  readonly serverSet?: boolean;
  /** Writes each personal value through this instead of revealing it (the CLI's masking). */
  readonly sensitive?: (value: Sensitive<unknown>) => unknown;
}

function valueToWire(field: FieldSpec, item: unknown, options: WireWriteOptions): unknown {
  if (item instanceof Sensitive) return options.sensitive !== undefined ? options.sensitive(item) : item.reveal();
  if (field.of !== undefined) {
    const nested = field.of;
    return Array.isArray(item)
      ? item.map((one: object) => detailsToWire(nested, one, options))
      : detailsToWire(nested, item as object, options);
  }
  return Array.isArray(item) ? [...(item as unknown[])] : item;
}

const personToWire = (person: Partial<PersonDetails>) => detailsToWire(PERSON_TABLE, person) as Json<PersonDetailsDto>;
const institutionToWire = (institution: Partial<InstitutionDetails>) =>
  detailsToWire(INSTITUTION_TABLE, institution) as Json<InstitutionDetailsDto>;
const dueDiligenceToWire = (cdd: CustomerDueDiligence) =>
  detailsToWire(CUSTOMER_DUE_DILIGENCE_TABLE, cdd) as Json<CustomerDueDiligenceDto>;

/** One institution member as Paxos takes it. */
export function memberToWire(member: InstitutionMember): Json<InstitutionMemberDto> {
  return detailsToWire(INSTITUTION_MEMBER_TABLE, member) as Json<InstitutionMemberDto>;
}

/** One tax detail as Paxos takes it; the tax payer id leaves its `Sensitive` wrapper only here, for the wire. */
function taxDetailToWire(detail: TaxDetail): Json<TaxDetailDto> {
  return detailsToWire(TAX_DETAIL_TABLE, detail);
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
  readonly person?: object | undefined;
  readonly institution?: object | undefined;
  readonly taxDetails?: readonly TaxDetail[] | undefined;
}

/** The revealed personal values of `value`, an object of table `t`, nested objects included. */
function personalValues(t: FieldTable, value: object | undefined, out: string[]): void {
  if (value === undefined) return;
  for (const field of t.fields) {
    const item = (value as Plain)[field.name];
    if (item instanceof Sensitive) out.push(String(item.reveal()));
    else if (field.of !== undefined && isPresent(item)) {
      for (const one of Array.isArray(item) ? (item as object[]) : [item as object]) personalValues(field.of, one, out);
    }
  }
}

/** The personal values a draft or a delta carries, so that an error text echoing one of them can be scrubbed. */
export function sensitiveValuesOf(source: CarriesPersonalValues): string[] {
  const out: string[] = [];
  personalValues(PERSON_TABLE, source.person, out);
  personalValues(INSTITUTION_TABLE, source.institution, out);
  for (const detail of source.taxDetails ?? []) personalValues(TAX_DETAIL_TABLE, detail, out);
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

/**
 * A Paxos object as the domain holds it, field by field from its table: personal values wrapped, dates of birth in
 * their calendar form, fields the domain always has defaulted when Paxos left them out. `issues` name fields.
 */
function detailsFromWire(t: FieldTable, wire: object, path: string, issues: string[]): Plain {
  const source = wire as Plain;
  const out: Plain = {};
  for (const field of t.fields) {
    const item = source[field.wire];
    if (!isPresent(item)) {
      if (field.required === 'always' || field.required === 'held') {
        const empty = field.type === 'strings' ? [] : '';
        out[field.name] = field.sensitive === true ? Sensitive.of(empty) : empty;
      }
      continue;
    }
    let value: unknown = item;
    if (field.of !== undefined) {
      const nested = field.of;
      value = Array.isArray(item)
        ? item.map((one: object, i) => detailsFromWire(nested, one, `${path}.${field.wire}[${i}]`, issues))
        : detailsFromWire(nested, item as object, `${path}.${field.wire}`, issues);
    } else if (field.kind === 'pastDate' && typeof item === 'string') {
      value = parseWireDate(item);
      if (value === undefined) {
        issues.push(`${path}.${field.wire}: isDate`);
        continue;
      }
    }
    out[field.name] = field.sensitive === true ? Sensitive.of(value) : value;
  }
  return out;
}

const personFromWire = (wire: PersonDetailsDto, issues: string[]) =>
  detailsFromWire(PERSON_TABLE, wire, 'person_details', issues) as unknown as PersonDetails;
const institutionFromWire = (wire: InstitutionDetailsDto, issues: string[]) =>
  detailsFromWire(INSTITUTION_TABLE, wire, 'institution_details', issues) as unknown as InstitutionDetails;
const taxFromWire = (wire: TaxDetailDto, issues: string[]) =>
  detailsFromWire(TAX_DETAIL_TABLE, wire, 'tax_details', issues) as unknown as TaxDetail;
const dueDiligenceFromWire = (wire: CustomerDueDiligenceDto, issues: string[]) =>
  detailsFromWire(CUSTOMER_DUE_DILIGENCE_TABLE, wire, 'customer_due_diligence', issues) as CustomerDueDiligence;

/** One institution member as the domain holds it. */
export function memberFromWire(wire: InstitutionMemberDto): InstitutionMember {
  return detailsFromWire(INSTITUTION_MEMBER_TABLE, wire, 'institution_members', []) as unknown as InstitutionMember;
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
  if (wire.status_details != null) props.statusDetails = statusDetailsFromWire(wire.status_details);
  if (person !== undefined) props.person = personFromWire(person, issues);
  if (institution !== undefined) props.institution = institutionFromWire(institution, issues);
  if (wire.institution_members != null) props.institutionMembers = wire.institution_members.map(memberFromWire);
  if (wire.tax_details != null) props.taxDetails = wire.tax_details.map((t) => taxFromWire(t, issues));
  put(props, 'taxDetailsNotRequired', wire.tax_details_not_required);
  put(props, 'summaryTinVerificationStatus', wire.summary_tin_verification_status);
  if (wire.customer_due_diligence != null)
    props.customerDueDiligence = dueDiligenceFromWire(wire.customer_due_diligence, issues);
  put(props, 'isMerchant', wire.is_merchant);
  if (wire.metadata != null) props.metadata = metadataFromWire(wire.metadata);
  put(props, 'userDisabled', wire.user_disabled);
  put(props, 'adminDisabled', wire.admin_disabled);
  put(props, 'lastKycRefreshDate', wire.last_kyc_refresh_date);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: Identity.rehydrate(props) };
}
