/**
 * The emulator's own reading and writing of Paxos's snake_case JSON. It is written from Paxos's schema, independently
 * of the client adapter's DTOs, so that a field name one side gets wrong cannot be hidden by the other side making the
 * same mistake. Every wire name is listed explicitly: nothing is converted by a naming rule on the way in.
 */
import {
  Identity,
  IdentityValidationError,
  NewIdentity,
  parseSandboxStatusChange,
  type CreateIdentityCommand,
  type CustomerDueDiligence,
  type InstitutionDetails,
  type InstitutionMember,
  type PersonDetails,
  type SandboxStatusChange,
  type TaxDetail,
  type Violation,
  type ViolationCode,
} from '../../domain/index.js';
import type { Address } from '../../domain/index.js';

/** A JSON object as it travels. */
export type WireObject = { [key: string]: unknown };

interface FieldSpec {
  /** The command's camelCase name. */
  readonly name: string;
  /** The nested object's own schema, for objects and lists of objects. */
  readonly shape?: ObjectSpec;
  readonly list?: boolean;
  /** Keys below this field belong to the caller (metadata): never renamed. */
  readonly opaque?: boolean;
}

interface ObjectSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Fields Paxos sets itself; a request may carry them (a read-modify-write client does) and they are ignored. */
  readonly readOnly?: readonly string[];
  /** Fields that are a client error when sent. */
  readonly forbidden?: Readonly<Record<string, string>>;
}

const f = (name: string, extra: Omit<FieldSpec, 'name'> = {}): FieldSpec => ({ name, ...extra });

const ADDRESS: ObjectSpec = {
  fields: {
    country: f('country'),
    address1: f('address1'),
    address2: f('address2'),
    city: f('city'),
    province: f('province'),
    zip_code: f('zipCode'),
  },
};

const PERSON: ObjectSpec = {
  fields: {
    verifier_type: f('verifierType'),
    verifier_id: f('verifierId'),
    passthrough_verifier_type: f('passthroughVerifierType'),
    passthrough_verified_at: f('passthroughVerifiedAt'),
    passthrough_verification_id: f('passthroughVerificationId'),
    passthrough_verification_status: f('passthroughVerificationStatus'),
    passthrough_verification_fields: f('passthroughVerificationFields'),
    first_name: f('firstName'),
    middle_name: f('middleName'),
    last_name: f('lastName'),
    date_of_birth: f('dateOfBirth'),
    address: f('address', { shape: ADDRESS }),
    phone_number: f('phoneNumber'),
    email: f('email'),
    nationality: f('nationality'),
    cip_id: f('cipId'),
    cip_id_type: f('cipIdType'),
    cip_id_country: f('cipIdCountry'),
    profession: f('profession'),
    country_of_birth: f('countryOfBirth'),
  },
  readOnly: [
    'id_verification_status',
    'sanctions_verification_status',
    'additional_screening_status',
    'id_verification_url',
  ],
};

const INSTITUTION: ObjectSpec = {
  fields: {
    name: f('name'),
    business_address: f('businessAddress', { shape: ADDRESS }),
    incorporation_address: f('incorporationAddress', { shape: ADDRESS }),
    phone_number: f('phoneNumber'),
    email: f('email'),
    institution_type: f('institutionType'),
    institution_sub_type: f('institutionSubType'),
    cip_id: f('cipId'),
    cip_id_type: f('cipIdType'),
    cip_id_country: f('cipIdCountry'),
    govt_registration_date: f('govtRegistrationDate'),
    regulation_status: f('regulationStatus'),
    trading_type: f('tradingType'),
    listed_exchange: f('listedExchange'),
    ticker_symbol: f('tickerSymbol'),
    parent_institution_name: f('parentInstitutionName'),
    regulator_name: f('regulatorName'),
    regulator_jurisdiction: f('regulatorJurisdiction'),
    regulator_register_number: f('regulatorRegisterNumber'),
    doing_business_as: f('doingBusinessAs'),
    business_description: f('businessDescription'),
  },
  readOnly: ['sanctions_verification_status', 'document_verification_status', 'additional_screening_status'],
};

const MEMBER: ObjectSpec = {
  fields: {
    identity_id: f('identityId'),
    roles: f('roles'),
    ownership: f('ownership'),
    position: f('position'),
  },
  readOnly: ['name', 'summary_status'],
  forbidden: { id: 'is set by Paxos: specifying an institution member id on create is a client error' },
};

const TAX_DETAIL: ObjectSpec = {
  fields: { tax_payer_id: f('taxPayerId'), tax_payer_country: f('taxPayerCountry') },
  readOnly: ['tin_verification_status'],
};

const DUE_DILIGENCE: ObjectSpec = {
  fields: {
    aliases: f('aliases'),
    estimated_net_worth: f('estimatedNetWorth'),
    estimated_yearly_income: f('estimatedYearlyIncome'),
    expected_transfer_value: f('expectedTransferValue'),
    source_of_wealth: f('sourceOfWealth'),
    source_of_funds: f('sourceOfFunds'),
    purpose_of_account: f('purposeOfAccount'),
    employment_status: f('employmentStatus'),
    employment_industry_sector: f('employmentIndustrySector'),
    industry_sector: f('industrySector'),
    has_underlying_trust_structure: f('hasUnderlyingTrustStructure'),
    has_nominee_shareholders: f('hasNomineeShareholders'),
    is_publicly_traded: f('isPubliclyTraded'),
    merchant_funding_source: f('merchantFundingSource'),
    customer_regions: f('customerRegions'),
  },
  readOnly: ['created_at'],
};

const CREATE_REQUEST: ObjectSpec = {
  fields: {
    ref_id: f('refId'),
    person_details: f('person', { shape: PERSON }),
    institution_details: f('institution', { shape: INSTITUTION }),
    institution_members: f('institutionMembers', { shape: MEMBER, list: true }),
    tax_details: f('taxDetails', { shape: TAX_DETAIL, list: true }),
    tax_details_not_required: f('taxDetailsNotRequired'),
    customer_due_diligence: f('customerDueDiligence', { shape: DUE_DILIGENCE }),
    is_merchant: f('isMerchant'),
    metadata: f('metadata', { opaque: true }),
  },
};

const SANDBOX_STATUS: ObjectSpec = {
  fields: {
    id_verification_status: f('idVerification'),
    sanctions_verification_status: f('sanctionsVerification'),
    document_verification_status: f('documentVerification'),
    additional_screening_status: f('additionalScreening'),
    user_disabled: f('userDisabled'),
    admin_disabled: f('adminDisabled'),
  },
  // Paxos's own example body repeats the identity id; the path is what counts.
  readOnly: ['id'],
};

/** Behaviour switches of the wire reader. */
export interface WireReadOptions {
  /** `'reject'` (default) reports every field Paxos's schema does not have; `'ignore'` drops them silently. */
  readonly unknownFields?: 'reject' | 'ignore';
}

/** What a create body turned into: the camelCase command, and the wire-level problems found on the way. */
export interface CreateRequestReading {
  /** Undefined when the body is not a JSON object. */
  readonly command: CreateIdentityCommand | undefined;
  /** Unknown, forbidden or conflicting fields, with snake_case wire paths. */
  readonly violations: readonly Violation[];
}

function isPlainObject(value: unknown): value is WireObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function wireAt(path: string, key: string): string {
  const shown = /^[A-Za-z0-9_$-]{1,64}$/.test(key) ? key : JSON.stringify(key.slice(0, 64));
  return path === '' ? shown : `${path}.${shown}`;
}

/** Copies an object's own entries into a prototype-less object, so keys such as `__proto__` stay plain data. */
function copyOpaque(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out: WireObject = Object.create(null) as WireObject;
  for (const key of Object.keys(value)) out[key] = value[key];
  return out;
}

class Translator {
  readonly violations: Violation[] = [];

  constructor(private readonly options: WireReadOptions) {}

  add(path: string, code: ViolationCode, message: string): void {
    this.violations.push({ path, code, message: `${path}: ${message}` });
  }

  object(value: unknown, spec: ObjectSpec, path: string): unknown {
    // Anything but a plain object is passed on untouched: the domain names the type error.
    if (!isPlainObject(value)) return value;
    const out: WireObject = {};
    for (const key of Object.keys(value)) {
      const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
      const forbidden =
        spec.forbidden !== undefined && Object.hasOwn(spec.forbidden, key) ? spec.forbidden[key] : undefined;
      if (field !== undefined) {
        out[field.name] = this.field(value[key], field, wireAt(path, key));
      } else if (forbidden !== undefined) {
        this.add(wireAt(path, key), 'forbidden', forbidden);
      } else if (!spec.readOnly?.includes(key) && this.options.unknownFields !== 'ignore') {
        this.add(wireAt(path, key), 'unknown_field', "is not a field of this request in Paxos's schema");
      }
    }
    return out;
  }

  private field(value: unknown, field: FieldSpec, path: string): unknown {
    if (field.opaque) return copyOpaque(value);
    const shape = field.shape;
    if (shape === undefined) return value;
    if (field.list) {
      return Array.isArray(value) ? value.map((item, i) => this.object(item, shape, `${path}[${i}]`)) : value;
    }
    return this.object(value, shape, path);
  }
}

/**
 * Reads the body of `POST /identity/identities` into a create command. Deprecated `govt_id` / `govt_id_type` stand in
 * for `cip_id` / `cip_id_type` when those are absent, and `metadata` inside `person_details` (as on Paxos's own
 * create page) is taken as the identity's metadata; the top-level keys win when both are sent.
 */
export function readCreateRequest(body: unknown, options: WireReadOptions = {}): CreateRequestReading {
  const t = new Translator(options);
  if (!isPlainObject(body)) {
    t.add('body', 'type', 'must be a JSON object');
    return { command: undefined, violations: t.violations };
  }
  let person = isPlainObject(body['person_details']) ? { ...body['person_details'] } : undefined;
  let personMetadata: unknown;
  if (person !== undefined) {
    personMetadata = person['metadata'];
    delete person['metadata'];
    person = takeAlias(t, person, 'govt_id', 'cip_id');
    person = takeAlias(t, person, 'govt_id_type', 'cip_id_type');
  }
  const command = t.object(
    person === undefined ? body : { ...body, person_details: person },
    CREATE_REQUEST,
    '',
  ) as WireObject;
  if (personMetadata !== undefined) {
    if (isPlainObject(personMetadata) && (command['metadata'] === undefined || isPlainObject(command['metadata']))) {
      const merged: WireObject = Object.create(null) as WireObject;
      for (const key of Object.keys(personMetadata)) merged[key] = personMetadata[key];
      const top = command['metadata'];
      if (top !== undefined) for (const key of Object.keys(top)) merged[key] = top[key];
      command['metadata'] = merged;
    } else if (!isPlainObject(personMetadata)) {
      t.add('person_details.metadata', 'type', 'must be an object of string values');
    }
  }
  return { command: command, violations: t.violations };
}

/** `details` with the deprecated `alias` folded into `name` (a copy; `details` itself is left alone). */
function takeAlias(t: Translator, details: WireObject, alias: string, name: string): WireObject {
  const value = details[alias];
  if (value === undefined) return details;
  const out = withoutKeys(details, new Set([alias]));
  if (out[name] === undefined) out[name] = value;
  else if (out[name] !== value) {
    t.add(`person_details.${alias}`, 'conflict', `is a deprecated alias of ${name} and must match it`);
  }
  return out;
}

/** A copy of `object` without the `keys`, the other keys kept in order (as data properties, `__proto__` included). */
function withoutKeys(object: WireObject, keys: ReadonlySet<string>): WireObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.has(key)));
}

/**
 * Reads a create body and checks it with the domain's rules, as Paxos would. Every violation carries the snake_case
 * wire path (`person_details.address.city`), so a 400 names the fields the way the caller sent them.
 */
export function parseCreateRequest(
  body: unknown,
  options: WireReadOptions & { readonly now?: Date } = {},
): { ok: true; identity: NewIdentity } | { ok: false; violations: readonly Violation[] } {
  const reading = readCreateRequest(body, options);
  if (reading.command === undefined) return { ok: false, violations: reading.violations };
  try {
    const identity = NewIdentity.create(reading.command, { now: options.now });
    return reading.violations.length === 0 ? { ok: true, identity } : { ok: false, violations: reading.violations };
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    return { ok: false, violations: [...reading.violations, ...toWireViolations(error.violations, CREATE_REQUEST)] };
  }
}

/** Reads the body of `PUT …/sandbox-status`; `user_disabled` and `admin_disabled` are `{ "disabled": bool }` objects. */
export function parseSandboxStatusRequest(
  body: unknown,
  options: WireReadOptions = {},
): { ok: true; change: SandboxStatusChange } | { ok: false; violations: readonly Violation[] } {
  const t = new Translator(options);
  if (!isPlainObject(body)) {
    t.add('body', 'type', 'must be a JSON object');
    return { ok: false, violations: t.violations };
  }
  const read = t.object(body, SANDBOX_STATUS, '') as WireObject;
  const rejected = new Set<string>();
  for (const [key, name] of [
    ['user_disabled', 'userDisabled'],
    ['admin_disabled', 'adminDisabled'],
  ] as const) {
    const value = read[name];
    if (value === undefined) continue;
    if (
      isPlainObject(value) &&
      Object.keys(value).every((k) => k === 'disabled') &&
      typeof (value['disabled'] ?? false) === 'boolean'
    ) {
      read[name] = value['disabled'] ?? false;
    } else {
      t.add(key, 'type', 'must be an object {"disabled": true|false}');
      rejected.add(name);
    }
  }
  const change = withoutKeys(read, rejected);
  try {
    const parsed = parseSandboxStatusChange(change);
    return t.violations.length === 0 ? { ok: true, change: parsed } : { ok: false, violations: t.violations };
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    return { ok: false, violations: [...t.violations, ...toWireViolations(error.violations, SANDBOX_STATUS)] };
  }
}

const UPDATE_REQUEST: ObjectSpec = {
  fields: {
    ref_id: f('refId'),
    person_details: f('person', { shape: PERSON }),
    institution_details: f('institution', { shape: INSTITUTION }),
    tax_details: f('taxDetails', { shape: TAX_DETAIL, list: true }),
    set_tax_details_not_required: f('setTaxDetailsNotRequired'),
    set_user_disabled: f('setUserDisabled'),
    customer_due_diligence: f('customerDueDiligence', { shape: DUE_DILIGENCE }),
    is_merchant: f('isMerchant'),
    metadata: f('metadata', { opaque: true }),
    last_kyc_refresh_date: f('lastKycRefreshDate'),
  },
  // Paxos's own example body repeats the identity id; the path is what counts.
  readOnly: ['id'],
  forbidden: {
    institution_members:
      'cannot be changed by an update: use POST /identity/institution-members and DELETE /identity/institution-members/{id}',
    tax_details_not_required: 'is set_tax_details_not_required in an update',
  },
};

/**
 * Reads the body of `PUT /identity/identities/{id}` (`IdentityPublicUpdateIdentityBody`) into the camelCase changes
 * the domain checks. Unknown and forbidden fields are reported with their wire paths.
 */
export function readUpdateRequest(
  body: unknown,
  options: WireReadOptions = {},
): { ok: true; changes: WireObject } | { ok: false; violations: readonly Violation[] } {
  const t = new Translator(options);
  if (!isPlainObject(body)) {
    t.add('body', 'type', 'must be a JSON object');
    return { ok: false, violations: t.violations };
  }
  const changes = t.object(body, UPDATE_REQUEST, '') as WireObject;
  return t.violations.length === 0 ? { ok: true, changes } : { ok: false, violations: t.violations };
}

/** Rewrites violations of an update (camelCase paths, as the domain reports them) with the update body's wire names. */
export function updateViolationsToWire(violations: readonly Violation[]): Violation[] {
  return toWireViolations(violations, UPDATE_REQUEST);
}

// ---------------------------------------------------------------------------------------------------------------
// camelCase paths back to wire names

/** Maps a command path (`person.address.zipCode`, `taxDetails[0].taxPayerId`) to its wire path. */
export function toWirePath(path: string, spec: ObjectSpec = CREATE_REQUEST): string {
  if (path === '') return 'body';
  const out: string[] = [];
  let current: ObjectSpec | undefined = spec;
  const segments = path.split('.');
  for (const [i, segment] of segments.entries()) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(segment);
    const name = match?.[1] ?? segment;
    const index = match?.[2] ?? '';
    const entry: [string, FieldSpec] | undefined =
      current === undefined ? undefined : Object.entries(current.fields).find(([, field]) => field.name === name);
    if (entry === undefined) {
      out.push(snake(name) + index);
      current = undefined;
      continue;
    }
    out.push(entry[0] + index);
    if (entry[1].opaque) {
      out.push(...segments.slice(i + 1));
      break;
    }
    current = entry[1].shape;
  }
  return out.join('.');
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** camelCase field names that differ on the wire, longest first so `taxDetailsNotRequired` wins over `taxDetails`. */
function renamesOf(spec: ObjectSpec, into = new Map<string, string>()): Map<string, string> {
  for (const [wire, field] of Object.entries(spec.fields)) {
    if (wire !== field.name) into.set(field.name, wire);
    if (field.shape !== undefined) renamesOf(field.shape, into);
  }
  return into;
}

const MESSAGE_RENAMES = [...renamesOf(CREATE_REQUEST)].sort((a, b) => b[0].length - a[0].length);
const RENAME_PATTERN = new RegExp(`\\b(${MESSAGE_RENAMES.map(([camel]) => camel).join('|')})\\b`, 'g');
const RENAME_LOOKUP = new Map(MESSAGE_RENAMES);

/**
 * Rewrites violations of a create command (camelCase paths, as the domain reports them) with the wire names of
 * `CreateIdentityRequest`, for people who wrote the snake_case body.
 */
export function createViolationsToWire(violations: readonly Violation[]): Violation[] {
  return toWireViolations(violations, CREATE_REQUEST);
}

function toWireViolations(violations: readonly Violation[], spec: ObjectSpec): Violation[] {
  return violations.map((violation) => {
    const path = toWirePath(violation.path, spec);
    const prefix = `${violation.path || 'command'}: `;
    const text = violation.message.startsWith(prefix) ? violation.message.slice(prefix.length) : violation.message;
    const reworded = text.replace(RENAME_PATTERN, (camel) => RENAME_LOOKUP.get(camel) ?? camel);
    return { path, code: violation.code, message: `${path}: ${reworded}` };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Identity → wire

function put(out: WireObject, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

function writeAddress(address: Address | undefined): WireObject | undefined {
  if (address === undefined) return undefined;
  const out: WireObject = {};
  put(out, 'address1', address.address1);
  put(out, 'address2', address.address2);
  put(out, 'city', address.city);
  put(out, 'country', address.country);
  put(out, 'province', address.province);
  put(out, 'zip_code', address.zipCode);
  return out;
}

function writePerson(p: PersonDetails): WireObject {
  const out: WireObject = {};
  put(out, 'additional_screening_status', p.additionalScreeningStatus);
  put(out, 'address', writeAddress(p.address));
  const cipId = p.cipId?.reveal();
  put(out, 'cip_id', cipId);
  put(out, 'cip_id_country', p.cipIdCountry);
  put(out, 'cip_id_type', p.cipIdType);
  put(out, 'country_of_birth', p.countryOfBirth);
  // The schema's pattern is YYYY-MM-DD; Paxos's older example showed a date-time.
  put(out, 'date_of_birth', p.dateOfBirth?.reveal());
  put(out, 'email', p.email);
  put(out, 'first_name', p.firstName);
  // Paxos still echoes the deprecated names of the CIP id (seed response).
  put(out, 'govt_id', cipId);
  put(out, 'govt_id_type', p.cipIdType);
  put(out, 'id_verification_status', p.idVerificationStatus);
  put(out, 'id_verification_url', p.idVerificationUrl);
  put(out, 'last_name', p.lastName);
  put(out, 'middle_name', p.middleName);
  put(out, 'nationality', p.nationality);
  put(out, 'passthrough_verification_fields', p.passthroughVerificationFields?.slice());
  put(out, 'passthrough_verification_id', p.passthroughVerificationId);
  put(out, 'passthrough_verification_status', p.passthroughVerificationStatus);
  put(out, 'passthrough_verified_at', p.passthroughVerifiedAt);
  put(out, 'passthrough_verifier_type', p.passthroughVerifierType);
  put(out, 'phone_number', p.phoneNumber);
  put(out, 'profession', p.profession);
  put(out, 'sanctions_verification_status', p.sanctionsVerificationStatus);
  put(out, 'verifier_id', p.verifierId);
  put(out, 'verifier_type', p.verifierType);
  return out;
}

function writeInstitution(i: InstitutionDetails): WireObject {
  const out: WireObject = {};
  put(out, 'additional_screening_status', i.additionalScreeningStatus);
  put(out, 'business_address', writeAddress(i.businessAddress));
  put(out, 'business_description', i.businessDescription);
  put(out, 'cip_id', i.cipId?.reveal());
  put(out, 'cip_id_country', i.cipIdCountry);
  put(out, 'cip_id_type', i.cipIdType);
  put(out, 'document_verification_status', i.documentVerificationStatus);
  put(out, 'doing_business_as', i.doingBusinessAs);
  put(out, 'email', i.email);
  put(out, 'govt_registration_date', i.govtRegistrationDate);
  put(out, 'incorporation_address', writeAddress(i.incorporationAddress));
  put(out, 'institution_sub_type', i.institutionSubType);
  put(out, 'institution_type', i.institutionType);
  put(out, 'listed_exchange', i.listedExchange);
  put(out, 'name', i.name);
  put(out, 'parent_institution_name', i.parentInstitutionName);
  put(out, 'phone_number', i.phoneNumber);
  put(out, 'regulation_status', i.regulationStatus);
  put(out, 'regulator_jurisdiction', i.regulatorJurisdiction);
  put(out, 'regulator_name', i.regulatorName);
  put(out, 'regulator_register_number', i.regulatorRegisterNumber);
  put(out, 'sanctions_verification_status', i.sanctionsVerificationStatus);
  put(out, 'ticker_symbol', i.tickerSymbol);
  put(out, 'trading_type', i.tradingType);
  return out;
}

function writeMember(m: InstitutionMember): WireObject {
  const out: WireObject = {};
  put(out, 'id', m.id);
  put(out, 'identity_id', m.identityId);
  put(out, 'name', m.name);
  put(out, 'ownership', m.ownership);
  put(out, 'position', m.position);
  put(out, 'roles', m.roles.slice());
  put(out, 'summary_status', m.summaryStatus);
  return out;
}

function writeTaxDetail(t: TaxDetail): WireObject {
  const out: WireObject = {};
  put(out, 'tax_payer_country', t.taxPayerCountry);
  put(out, 'tax_payer_id', t.taxPayerId.reveal());
  put(out, 'tin_verification_status', t.tinVerificationStatus);
  return out;
}

function writeDueDiligence(c: CustomerDueDiligence): WireObject {
  const out: WireObject = {};
  put(out, 'aliases', c.aliases?.slice());
  put(out, 'created_at', c.createdAt);
  put(out, 'customer_regions', c.customerRegions?.slice());
  put(out, 'employment_industry_sector', c.employmentIndustrySector);
  put(out, 'employment_status', c.employmentStatus);
  put(out, 'estimated_net_worth', c.estimatedNetWorth);
  put(out, 'estimated_yearly_income', c.estimatedYearlyIncome);
  put(out, 'expected_transfer_value', c.expectedTransferValue);
  put(out, 'has_nominee_shareholders', c.hasNomineeShareholders);
  put(out, 'has_underlying_trust_structure', c.hasUnderlyingTrustStructure);
  put(out, 'industry_sector', c.industrySector);
  put(out, 'is_publicly_traded', c.isPubliclyTraded);
  put(out, 'merchant_funding_source', c.merchantFundingSource);
  put(out, 'purpose_of_account', c.purposeOfAccount);
  put(out, 'source_of_funds', c.sourceOfFunds);
  put(out, 'source_of_wealth', c.sourceOfWealth);
  return out;
}

/**
 * Writes an identity as Paxos's `Identity` JSON. Like Paxos's grpc-gateway, fields at their zero value (false, empty
 * lists and maps) are left out; details and members appear only when the identity carries them.
 */
export function writeIdentity(identity: Identity): WireObject {
  const out: WireObject = {};
  put(out, 'admin_disabled', identity.adminDisabled || undefined);
  put(out, 'created_at', identity.createdAt);
  put(out, 'customer_due_diligence', identity.customerDueDiligence && writeDueDiligence(identity.customerDueDiligence));
  put(out, 'id', identity.id);
  put(out, 'institution_details', identity.institution && writeInstitution(identity.institution));
  put(out, 'institution_members', identity.institutionMembers?.map(writeMember));
  put(out, 'is_merchant', identity.isMerchant || undefined);
  put(out, 'last_kyc_refresh_date', identity.lastKycRefreshDate);
  put(out, 'metadata', Object.keys(identity.metadata).length > 0 ? { ...identity.metadata } : undefined);
  put(out, 'person_details', identity.person && writePerson(identity.person));
  put(out, 'ref_id', identity.refId);
  put(out, 'summary_status', identity.summaryStatus);
  put(out, 'summary_tin_verification_status', identity.summaryTinVerificationStatus);
  put(out, 'tax_details', identity.taxDetails.length > 0 ? identity.taxDetails.map(writeTaxDetail) : undefined);
  put(out, 'tax_details_not_required', identity.taxDetailsNotRequired || undefined);
  put(out, 'type', identity.type);
  put(out, 'updated_at', identity.updatedAt);
  put(out, 'user_disabled', identity.userDisabled || undefined);
  return out;
}
