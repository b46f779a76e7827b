import { CUSTOMER_DUE_DILIGENCE_TABLE } from '../../domain/identity/customer-due-diligence.js';
import { INSTITUTION_MEMBER_TABLE } from '../../domain/identity/institution-member.js';
import { INSTITUTION_TABLE } from '../../domain/identity/institution.js';
import { PERSON_TABLE } from '../../domain/identity/person.js';
import { TAX_DETAIL_TABLE } from '../../domain/identity/tax-detail.js';
import { table, type FieldSpec, type FieldTable } from '../../domain/shared/field-table.js';
import {
  IdentityValidationError,
  NewIdentity,
  type CreateIdentityCommand,
  type Identity,
  type Violation,
  type ViolationCode,
} from '../../domain/index.js';
import { detailsToWire, type WireWriteOptions } from './mapper.js';
import { statusDetailsToWire } from './status-details-mapper.js';

// Paxos's JSON for people who write it by hand (the CLI): a create body read into the camelCase command, every
// violation named by its wire path, and an identity printed as Paxos returns it. Field names come from the same
// tables as the mapper's; nothing here knows a person field by name.

/** A JSON object as Paxos sends or takes it. */
export type WireObject = { [key: string]: unknown };

/** `CreateIdentityRequest`: the top level of a create body, its nested objects by their tables. */
const CREATE_REQUEST: FieldTable = table('CreateIdentityRequest', [
  { name: 'refId', wire: 'ref_id', type: 'string', kind: 'text' },
  { name: 'person', wire: 'person_details', type: 'object', kind: 'object', of: PERSON_TABLE },
  { name: 'institution', wire: 'institution_details', type: 'object', kind: 'object', of: INSTITUTION_TABLE },
  {
    name: 'institutionMembers',
    wire: 'institution_members',
    type: 'objects',
    kind: 'objects',
    of: INSTITUTION_MEMBER_TABLE,
  },
  { name: 'taxDetails', wire: 'tax_details', type: 'objects', kind: 'objects', of: TAX_DETAIL_TABLE },
  { name: 'taxDetailsNotRequired', wire: 'tax_details_not_required', type: 'boolean', kind: 'boolean' },
  {
    name: 'customerDueDiligence',
    wire: 'customer_due_diligence',
    type: 'object',
    kind: 'object',
    of: CUSTOMER_DUE_DILIGENCE_TABLE,
  },
  { name: 'isMerchant', wire: 'is_merchant', type: 'boolean', kind: 'boolean' },
  // The caller's own keys: copied as they are, never renamed.
  { name: 'metadata', wire: 'metadata', type: 'object', kind: 'custom' },
]);

/** Paxos-set fields that are a client error in a request rather than ignored. */
const FORBIDDEN: ReadonlyMap<FieldTable, Readonly<Record<string, string>>> = new Map([
  [
    INSTITUTION_MEMBER_TABLE,
    { id: 'is set by Paxos: specifying an institution member id on create is a client error' },
  ],
]);

function isPlainObject(value: unknown): value is WireObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A key that is really a value (an SSN, a date of birth: a file converted without its header row, a metadata key)
 * shows its runs of digits as `#`, so that a path says where it is without printing it.
 */
function maskDigitRuns(key: string): string {
  return key.replace(/\d{3,}/g, (run) => '#'.repeat(run.length));
}

function wireAt(path: string, key: string): string {
  // A key is named so that a typo can be fixed, but an odd one (or one holding a value) is quoted and cut short.
  const cut = maskDigitRuns(key.slice(0, 64));
  const shown = /^[A-Za-z0-9_$-]{1,64}$/.test(key) ? cut : JSON.stringify(cut);
  return path === '' ? shown : `${path}.${shown}`;
}

/** Copies an object's own entries into a prototype-less object, so keys such as `__proto__` stay plain data. */
function copyOpaque(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out = Object.create(null) as WireObject;
  for (const key of Object.keys(value)) out[key] = value[key];
  return out;
}

function violation(path: string, code: ViolationCode, message: string): Violation {
  return { path, code, message: `${path}: ${message}` };
}

/** Renames the keys of a wire object to the camelCase of its table, reporting keys the table does not have. */
function fromWire(value: unknown, t: FieldTable, path: string, out: Violation[]): unknown {
  // Anything but a plain object is passed on untouched: the domain names the type error.
  if (!isPlainObject(value)) return value;
  const command: WireObject = {};
  for (const key of Object.keys(value)) {
    const field = t.fields.find((f) => f.wire === key);
    const forbidden = FORBIDDEN.get(t)?.[key];
    if (forbidden !== undefined) out.push(violation(wireAt(path, key), 'forbidden', forbidden));
    else if (field === undefined) {
      out.push(violation(wireAt(path, key), 'unknown_field', "is not a field of this request in Paxos's schema"));
    } else if (field.serverSet !== true) {
      // Paxos-set fields are ignored: a client that reads, edits and sends back a record carries them.
      command[field.name] = fieldFromWire(value[key], field, wireAt(path, key), out);
    }
  }
  return command;
}

function fieldFromWire(value: unknown, field: FieldSpec, path: string, out: Violation[]): unknown {
  if (field.kind === 'custom' && field.type === 'object') return copyOpaque(value);
  const nested = field.of;
  if (nested === undefined) return value;
  if (field.type === 'objects') {
    return Array.isArray(value) ? value.map((item, i) => fromWire(item, nested, `${path}[${i}]`, out)) : value;
  }
  return fromWire(value, nested, path, out);
}

/** `details` with the deprecated `alias` folded into `name`; a conflicting pair is reported. */
function takeAlias(details: WireObject, alias: string, name: string, out: Violation[]): WireObject {
  const value = details[alias];
  if (value === undefined) return details;
  const copy = Object.fromEntries(Object.entries(details).filter(([key]) => key !== alias));
  if (copy[name] === undefined) copy[name] = value;
  else if (copy[name] !== value) {
    out.push(violation(`person_details.${alias}`, 'conflict', `is a deprecated alias of ${name} and must match it`));
  }
  return copy;
}

/**
 * Paxos's own examples put `metadata` inside `person_details` and still show the deprecated `govt_id` /
 * `govt_id_type`: both are read as Paxos reads them, the top-level and current names winning.
 */
function normalised(body: WireObject, out: Violation[]): WireObject {
  const person = body['person_details'];
  if (!isPlainObject(person)) return body;
  const { metadata, ...rest } = person;
  let details: WireObject = rest;
  details = takeAlias(details, 'govt_id', 'cip_id', out);
  details = takeAlias(details, 'govt_id_type', 'cip_id_type', out);
  const normal: WireObject = { ...body, person_details: details };
  if (metadata === undefined) return normal;
  const top = body['metadata'];
  if (!isPlainObject(metadata)) {
    out.push(violation('person_details.metadata', 'type', 'must be an object of string values'));
  } else if (top === undefined || isPlainObject(top)) {
    const merged = Object.create(null) as WireObject;
    for (const key of Object.keys(metadata)) merged[key] = metadata[key];
    if (top !== undefined) for (const key of Object.keys(top)) merged[key] = top[key];
    normal['metadata'] = merged;
  }
  return normal;
}

/** A create body read and checked: the command to send, or every problem by its wire path. */
export type CreateRequestCheck =
  | { readonly ok: true; readonly command: CreateIdentityCommand }
  | { readonly ok: false; readonly violations: readonly Violation[] };

/**
 * Reads the JSON body of `POST /identity/identities` (snake_case, as in Paxos's examples) into a create command and
 * checks it with every create rule. Violations carry wire paths (`person_details.address.city`) and wire names in
 * their messages; like every violation, they never quote a value.
 */
export function readCreateIdentityRequest(body: unknown, options: { readonly now?: Date } = {}): CreateRequestCheck {
  if (!isPlainObject(body)) return { ok: false, violations: [violation('body', 'type', 'must be a JSON object')] };
  const found: Violation[] = [];
  const command = fromWire(normalised(body, found), CREATE_REQUEST, '', found) as CreateIdentityCommand;
  try {
    NewIdentity.create(command, options);
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    found.push(...createViolationsToWire(error.violations));
  }
  return found.length === 0 ? { ok: true, command } : { ok: false, violations: found };
}

// ---------------------------------------------------------------------------------------------------------------
// camelCase paths back to wire names

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Maps a command path (`person.address.zipCode`, `taxDetails[0].taxPayerId`) to its wire path. */
function toWirePath(path: string): string {
  if (path === '') return 'body';
  const out: string[] = [];
  let current: FieldTable | undefined = CREATE_REQUEST;
  const segments = path.split('.');
  for (const [i, segment] of segments.entries()) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(segment);
    const name = match?.[1] ?? segment;
    const index = match?.[2] ?? '';
    const field: FieldSpec | undefined = current?.fields.find((f) => f.name === name);
    if (field === undefined) {
      out.push(snake(name) + index);
      current = undefined;
      continue;
    }
    out.push(field.wire + index);
    if (field.kind === 'custom' && field.type === 'object') {
      // The caller's own keys (metadata), as the domain names them.
      out.push(...segments.slice(i + 1).map(maskDigitRuns));
      break;
    }
    current = field.of;
  }
  return out.join('.');
}

/** camelCase names that differ on the wire, from every table of a create body. */
function renamesOf(t: FieldTable, into = new Map<string, string>()): Map<string, string> {
  for (const field of t.fields) {
    if (field.wire !== field.name) into.set(field.name, field.wire);
    if (field.of !== undefined) renamesOf(field.of, into);
  }
  return into;
}

// Longest first, so that `taxDetailsNotRequired` wins over `taxDetails`.
const RENAMES = [...renamesOf(CREATE_REQUEST)].sort((a, b) => b[0].length - a[0].length);
const RENAME_PATTERN = new RegExp(`\\b(${RENAMES.map(([camel]) => camel).join('|')})\\b`, 'g');
const RENAME_LOOKUP = new Map(RENAMES);

/**
 * Rewrites violations of a create command (camelCase paths, as the domain reports them) with the wire names of
 * `CreateIdentityRequest`, for people who wrote the snake_case body.
 */
export function createViolationsToWire(violations: readonly Violation[]): Violation[] {
  return violations.map((v) => {
    const path = toWirePath(v.path);
    const prefix = `${v.path || 'command'}: `;
    const text = v.message.startsWith(prefix) ? v.message.slice(prefix.length) : v.message;
    return violation(
      path,
      v.code,
      text.replace(RENAME_PATTERN, (camel) => RENAME_LOOKUP.get(camel) ?? camel),
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Identity → Paxos's JSON

/** How {@link identityToJson} prints personal values. */
export interface IdentityJsonOptions {
  /** Print CIP ids, tax payer ids and dates of birth in clear. Default: masked as `[REDACTED]`. */
  readonly reveal?: boolean;
}

const MASKED = '[REDACTED]';

function put(out: WireObject, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/**
 * An identity as Paxos's `Identity` JSON, to print. Like Paxos's grpc-gateway, fields at their zero value (false,
 * empty lists and maps) are left out. Personal values are masked unless `reveal` is set.
 */
export function identityToJson(identity: Identity, options: IdentityJsonOptions = {}): WireObject {
  const write: WireWriteOptions = {
    serverSet: true,
    ...(options.reveal !== true && { sensitive: () => MASKED }),
  };
  const out: WireObject = {};
  put(out, 'id', identity.id);
  put(out, 'type', identity.type);
  put(out, 'ref_id', identity.refId);
  put(out, 'summary_status', identity.summaryStatus);
  put(out, 'status', identity.status);
  put(out, 'status_details', identity.statusDetails && statusDetailsToWire(identity.statusDetails));
  put(out, 'person_details', identity.person && detailsToWire(PERSON_TABLE, identity.person, write));
  put(
    out,
    'institution_details',
    identity.institution && detailsToWire(INSTITUTION_TABLE, identity.institution, write),
  );
  put(
    out,
    'institution_members',
    identity.institutionMembers?.map((m) => detailsToWire(INSTITUTION_MEMBER_TABLE, m, write)),
  );
  if (identity.taxDetails.length > 0) {
    out['tax_details'] = identity.taxDetails.map((t) => detailsToWire(TAX_DETAIL_TABLE, t, write));
  }
  put(out, 'tax_details_not_required', identity.taxDetailsNotRequired || undefined);
  put(out, 'summary_tin_verification_status', identity.summaryTinVerificationStatus);
  put(
    out,
    'customer_due_diligence',
    identity.customerDueDiligence && detailsToWire(CUSTOMER_DUE_DILIGENCE_TABLE, identity.customerDueDiligence, write),
  );
  put(out, 'is_merchant', identity.isMerchant || undefined);
  if (Object.keys(identity.metadata).length > 0) out['metadata'] = { ...identity.metadata };
  put(out, 'user_disabled', identity.userDisabled || undefined);
  put(out, 'admin_disabled', identity.adminDisabled || undefined);
  put(out, 'last_kyc_refresh_date', identity.lastKycRefreshDate);
  put(out, 'created_at', identity.createdAt);
  put(out, 'updated_at', identity.updatedAt);
  return out;
}
