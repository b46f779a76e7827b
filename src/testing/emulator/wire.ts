/**
 * The emulator's translation between Paxos's snake_case JSON and the simulator's identities. It holds no field list
 * of its own: every walk follows the vendored schema's property names (paxos-schemas.json), and a wire name becomes
 * the simulator's camelCase name by one naming rule plus the few renames below. No rule is checked here: a body
 * reaches this module only after schemas.ts and rules.ts accepted it.
 */
import {
  Identity,
  Sensitive,
  type CipTriple,
  type IdentityProps,
  type InstitutionMember,
  type PersonDetails,
  type SandboxStatusChange,
  type TaxDetail,
} from '../../domain/index.js';
import type { IdentityDraft } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import { resolveRef, schemaOf, type SchemaName, type SchemaObject, type WireObject } from './schemas.js';

export type { WireObject } from './schemas.js';

/** Wire names whose camelCase name is not the plain conversion. */
const RENAMES: Readonly<Record<string, string>> = {
  person_details: 'person',
  institution_details: 'institution',
};

/** Deprecated wire names Paxos still echoes (seed response) for the value of another field. */
const ECHOES: Readonly<Record<string, string>> = { govt_id: 'cip_id', govt_id_type: 'cip_id_type' };

/** Personal data the simulator keeps wrapped (the library's Sensitive), revealed only when written back. */
const SENSITIVE = new Set(['cip_id', 'date_of_birth', 'tax_payer_id']);

/** Fields Paxos sets itself (§4.4, §4.6, §4.7, §4.8): a request may carry them back and they are not taken. */
export const SERVER_SET = new Set([
  'id_verification_status',
  'sanctions_verification_status',
  'additional_screening_status',
  'document_verification_status',
  'id_verification_url',
  'tin_verification_status',
]);

/** An institution member as the simulator links it: the id, name and status Paxos sets are not taken (§3.7). */
export function memberFromWire(member: WireObject): InstitutionMember {
  const taken = Object.entries(member).filter(([key]) => key !== 'id' && key !== 'name' && key !== 'summaryStatus');
  return Object.fromEntries(taken) as unknown as InstitutionMember;
}

// Every answer walks every property of the schema: converting the same few hundred names by regex each time was the
// largest cost of serving a create. The cache is bounded, since free-form keys (metadata) pass through here too.
const CAMEL = new Map<string, string>();

/** `zip_code` → `zipCode`, `person_details` → `person`. */
function camelOf(wire: string): string {
  let camel = CAMEL.get(wire);
  if (camel === undefined) {
    camel = RENAMES[wire] ?? wire.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (CAMEL.size < 4096) CAMEL.set(wire, camel);
  }
  return camel;
}

/** `zipCode` → `zip_code`. */
export function snakeOf(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isPlainObject(value: unknown): value is WireObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own entries copied into a prototype-less object, so keys such as `__proto__` stay plain data. */
function copyMap(value: WireObject): WireObject {
  const out = Object.create(null) as WireObject;
  for (const key of Object.keys(value)) out[key] = value[key];
  return out;
}

function schemaNamed(name: SchemaName): SchemaObject {
  const schema = schemaOf(name);
  if (schema === undefined) throw new Error(`no schema named ${name}`);
  return schema;
}

/** How a walk reads wire values: whether personal data is wrapped and which wire keys are left out. */
interface ReadOptions {
  readonly wrap: boolean;
  readonly skip?: ReadonlySet<string>;
}

type Reader = (value: WireObject, options: ReadOptions) => WireObject;

// Each schema's reader is a function of its own, with a case per property that reads and writes it by its literal
// name, for the reason the writers below are (draftFromWire of the bench's create body: 4.3 -> 2.9 us in process).
// Keys are read in the body's order; keys the schema does not list, the deprecated echoes (folded into their fields
// before reading) and `options.skip` are dropped; a scalar is taken as it is, or wrapped when it is personal data.
const READERS = new WeakMap<object, Reader>();

function readerOf(properties: Readonly<Record<string, SchemaObject>>): Reader {
  let reader = READERS.get(properties);
  if (reader === undefined) {
    reader = compileReader(properties);
    READERS.set(properties, reader);
  }
  return reader;
}

function compileReader(properties: Readonly<Record<string, SchemaObject>>): Reader {
  const schemas: SchemaObject[] = [];
  const cases: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (Object.hasOwn(ECHOES, name)) continue;
    const wire = JSON.stringify(name);
    const scalar = SENSITIVE.has(name)
      ? "options.wrap && typeof item === 'string' ? Sensitive.of(item) : item"
      : 'item';
    cases.push(
      `case ${wire}:`,
      `  if (skip !== undefined && skip.has(${wire})) break;`,
      `  item = value[${wire}];`,
      `  out[${JSON.stringify(camelOf(name))}] = item === null || typeof item !== 'object' ? ${scalar} : fromWire(item, schemas[${String(schemas.length)}], options, ${wire});`,
      '  break;',
    );
    schemas.push(property);
  }
  const body = [
    'return (value, options) => {',
    'const out = {};',
    'const skip = options.skip;',
    'let item;',
    'for (const name of Object.keys(value)) {',
    'switch (name) {',
    ...cases,
    '}',
    '}',
    'return out;',
    '};',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the vendored schema's names only, each quoted by JSON.stringify
  const make = new Function('fromWire', 'Sensitive', 'schemas', body) as (
    read: typeof fromWire,
    sensitive: typeof Sensitive,
    properties: readonly SchemaObject[],
  ) => Reader;
  return make(fromWire, Sensitive, schemas);
}

/** A wire value as the camelCase value its schema describes; keys the schema does not list are dropped. */
export function fromWire(value: unknown, schema: SchemaObject | undefined, options: ReadOptions, key = ''): unknown {
  const s = resolveRef(schema);
  if (Array.isArray(value)) return value.map((item) => fromWire(item, s?.items, options, key));
  if (options.wrap && SENSITIVE.has(key) && typeof value === 'string') return Sensitive.of(value);
  if (!isPlainObject(value) || s === undefined) return value;
  if (s.properties === undefined) return copyMap(value);
  return readerOf(s.properties)(value, options);
}

/** Leaves out values Paxos's grpc-gateway omits at their zero value: false, empty lists and maps. */
function isZero(value: unknown): boolean {
  return (
    value === undefined ||
    value === false ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

/**
 * A camelCase value written as the wire JSON its schema describes, walking the schema's property names. `omitZero`
 * leaves zero values out (an identity's top level); nested values are left out only when absent.
 */
/** One schema property as an answer writes it: the wire name, the domain's name it is read from, and its schema. */
interface WriteStep {
  readonly name: string;
  readonly from: string;
  readonly property: SchemaObject;
}

// Worked out once per schema: every answer walks its schema's properties, and naming them afresh was a top cost.
const WRITE_PLANS = new WeakMap<object, readonly WriteStep[]>();

function writePlanOf(properties: Readonly<Record<string, SchemaObject>>): readonly WriteStep[] {
  let plan = WRITE_PLANS.get(properties);
  if (plan === undefined) {
    plan = Object.entries(properties).map(([name, property]) => ({
      name,
      from: camelOf(ECHOES[name] ?? name),
      property,
    }));
    WRITE_PLANS.set(properties, plan);
  }
  return plan;
}

function toWire(value: unknown, schema: SchemaObject | undefined, omitZero = false): unknown {
  const s = resolveRef(schema);
  if (Sensitive.isSensitive(value)) return value.reveal();
  if (Array.isArray(value)) return value.map((item) => toWire(item, s?.items));
  if (value === null || typeof value !== 'object') return value;
  const source = value as WireObject;
  if (s?.properties === undefined) {
    // A free-form object (metadata, an event's payload): keys converted, values as they are.
    const out: WireObject = {};
    for (const [name, item] of Object.entries(source)) out[s === undefined ? name : snakeOf(name)] = item;
    return out;
  }
  return writerOf(s.properties, omitZero)(source);
}

type Writer = (source: WireObject) => WireObject;

// Each schema's writer is a function of its own with the schema's names as literal property names. Walking the plan
// read and wrote every field by a computed key, and those megamorphic lookups were most of the cost of writing an
// answer (writeIdentity of the bench's create: 6.9 -> 4.0 us in process). The names are the vendored schema's,
// quoted by JSON.stringify; each field does what the walk did: absent is left out, a scalar is taken as it is,
// `metadata` is copied, anything else is written by toWire, and `omitZero` leaves zero values out.
const WRITERS = new WeakMap<object, { zeroes?: Writer; absent?: Writer }>();

function writerOf(properties: Readonly<Record<string, SchemaObject>>, omitZero: boolean): Writer {
  let writers = WRITERS.get(properties);
  if (writers === undefined) WRITERS.set(properties, (writers = {}));
  return omitZero
    ? (writers.zeroes ??= compileWriter(writePlanOf(properties), true))
    : (writers.absent ??= compileWriter(writePlanOf(properties), false));
}

/** `!isZero(item)`, with the scalars (most fields) decided without the call. */
const KEPT = "item !== undefined && item !== false && (item === null || typeof item !== 'object' || !isZero(item))";

function compileWriter(plan: readonly WriteStep[], omitZero: boolean): Writer {
  const fields = plan.map(({ name, from }, i) => {
    const metadata = name === 'metadata';
    const item = metadata
      ? 'given'
      : `given === null || typeof given !== 'object' ? given : toWire(given, plan[${String(i)}].property)`;
    return [
      `given = source[${JSON.stringify(from)}];`,
      'if (given !== undefined) {',
      `  item = ${item};`,
      `  if (${omitZero ? KEPT : 'item !== undefined'}) out[${JSON.stringify(name)}] = ${metadata ? '{ ...item }' : 'item'};`,
      '}',
    ].join('\n');
  });
  const body = `return (source) => {\nconst out = {};\nlet given, item;\n${fields.join('\n')}\nreturn out;\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the vendored schema's names only, each quoted by JSON.stringify
  const make = new Function('toWire', 'isZero', 'plan', body) as (
    write: typeof toWire,
    zero: typeof isZero,
    steps: readonly WriteStep[],
  ) => Writer;
  return make(toWire, isZero, plan);
}

/**
 * Writes an identity as Paxos's `Identity` JSON. Like Paxos's grpc-gateway, fields at their zero value (false, empty
 * lists and maps) are left out; details and members appear only when the identity carries them.
 */
export function writeIdentity(identity: Identity): WireObject {
  return toWire(identity, schemaNamed('Identity'), true) as WireObject;
}

/** Writes any value as the vendored response schema `name` describes it. */
export function writeAs(name: SchemaName, value: unknown): WireObject {
  return toWire(value, schemaNamed(name)) as WireObject;
}

/** `person_details.metadata` (Paxos's own create example puts it there, §12 #8) lifted to the top; the top wins. */
export function liftPersonMetadata(body: WireObject): WireObject {
  const person = body['person_details'];
  if (!isPlainObject(person) || person['metadata'] === undefined) return body;
  const { metadata: inner, ...rest } = person;
  const top = body['metadata'];
  const metadata =
    isPlainObject(inner) && (top === undefined || isPlainObject(top)) ? { ...copyMap(inner), ...top } : (top ?? inner);
  return { ...body, person_details: rest, metadata };
}

function hasEcho(details: WireObject): boolean {
  for (const echo in ECHOES) if (details[echo] !== undefined) return true;
  return false;
}

/** Details with the deprecated `govt_id` / `govt_id_type` folded into `cip_id` / `cip_id_type` when those are absent. */
function foldEchoes(details: unknown): unknown {
  if (!isPlainObject(details)) return details;
  // Nearly every body uses the current names only: nothing to fold, and nothing to copy.
  if (!hasEcho(details)) return details;
  const out: WireObject = { ...details };
  for (const [echo, name] of Object.entries(ECHOES)) {
    if (out[echo] !== undefined && out[name] === undefined) out[name] = out[echo];
  }
  return out;
}

/** Details without the deprecated names Paxos echoes, so that a new `cip_id` does not meet the old echo. */
function withoutEchoes(details: unknown): unknown {
  if (!isPlainObject(details)) return details;
  return Object.fromEntries(Object.entries(details).filter(([key]) => !Object.hasOwn(ECHOES, key)));
}

const US_TAX_CIP = ['SSN', 'ITIN', 'EIN'];

function cipOfWire(details: WireObject | undefined): CipTriple | undefined {
  const cipId = details?.['cip_id'];
  const cipIdType = details?.['cip_id_type'];
  const cipIdCountry = details?.['cip_id_country'];
  if (typeof cipId !== 'string' || typeof cipIdType !== 'string' || typeof cipIdCountry !== 'string') return undefined;
  return { cipId: Sensitive.of(cipId), cipIdType, cipIdCountry };
}

/** §6.4, §6.6: Paxos fills `tax_details` from an SSN, ITIN or EIN when none were sent and they are required. */
function taxDetailsOf(body: WireObject, details: WireObject | undefined, notRequired: boolean): TaxDetail[] {
  const given = fromWire(body['tax_details'], schemaNamed('CreateIdentityRequest').properties?.['tax_details'], {
    wrap: true,
    skip: SERVER_SET,
  });
  if (Array.isArray(given) && given.length > 0) return given as TaxDetail[];
  const cip = cipOfWire(details);
  if (notRequired || cip === undefined || !US_TAX_CIP.includes(cip.cipIdType)) return [];
  return [{ taxPayerId: Sensitive.of(cip.cipId.reveal()), taxPayerCountry: cip.cipIdCountry }];
}

/** What the simulator stores for a create body that Paxos's schema and rules accepted. */
export function draftFromWire(accepted: WireObject): IdentityDraft {
  const folded = foldEchoes(accepted['person_details']);
  const body: WireObject = folded === accepted['person_details'] ? accepted : { ...accepted, person_details: folded };
  const read = fromWire(body, schemaNamed('CreateIdentityRequest'), { wrap: true, skip: SERVER_SET }) as WireObject;
  const details =
    (isPlainObject(body['person_details']) ? body['person_details'] : undefined) ??
    (isPlainObject(body['institution_details']) ? body['institution_details'] : undefined);
  const notRequired = body['tax_details_not_required'] === true;
  const members = read['institutionMembers'] as WireObject[] | undefined;
  return {
    type: body['person_details'] === undefined ? 'INSTITUTION' : 'PERSON',
    refId: typeof body['ref_id'] === 'string' && body['ref_id'] !== '' ? body['ref_id'] : undefined,
    person: read['person'] as PersonDetails | undefined,
    institution: read['institution'] as IdentityProps['institution'],
    institutionMembers: members?.map(memberFromWire),
    taxDetails: taxDetailsOf(body, details, notRequired),
    taxDetailsNotRequired: notRequired,
    customerDueDiligence: read['customerDueDiligence'] as IdentityProps['customerDueDiligence'],
    isMerchant: read['isMerchant'] as boolean | undefined,
    metadata: read['metadata'] as IdentityProps['metadata'],
    cip: cipOfWire(details),
  };
}

/** Details merged field by field, one level deeper for nested objects (addresses); `address2: ""` clears it (§3.4). */
function mergeDetails(base: unknown, delta: WireObject): WireObject {
  const out: WireObject = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(delta)) {
    if (SERVER_SET.has(key)) continue;
    if (isPlainObject(value) && isPlainObject(out[key])) {
      const nested: WireObject = { ...out[key], ...value };
      if (nested['address2'] === '') delete nested['address2'];
      out[key] = nested;
    } else if (isPlainObject(value)) {
      const nested = { ...value };
      if (nested['address2'] === '') delete nested['address2'];
      out[key] = nested;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The identity as an update will leave it, in wire form (§3.4): only what is sent changes; details and due diligence
 * merge field by field; `tax_details` and `metadata` replace the whole value; the `set_…` flags set their field.
 */
export function mergeUpdate(current: WireObject, body: WireObject): WireObject {
  const merged: WireObject = { ...current };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'person_details' || key === 'institution_details' || key === 'customer_due_diligence') {
      if (isPlainObject(value))
        merged[key] = mergeDetails(withoutEchoes(current[key]), foldEchoes(value) as WireObject);
    } else if (key === 'set_tax_details_not_required') {
      merged['tax_details_not_required'] = value;
      if (value === true && body['tax_details'] === undefined) delete merged['tax_details'];
    } else if (key === 'set_user_disabled') {
      merged['user_disabled'] = value;
    } else {
      merged[key] = value;
    }
  }
  // New tax details end a "not required" statement unless the same body repeats it.
  if (body['tax_details'] !== undefined && body['set_tax_details_not_required'] === undefined)
    merged['tax_details_not_required'] = false;
  return merged;
}

/** The identity fields an accepted update sets, read from the merged wire identity (see {@link mergeUpdate}). */
export function changesFromWire(merged: WireObject, current: Identity): Partial<IdentityProps> {
  const read = fromWire(merged, schemaNamed('Identity'), { wrap: true }) as WireObject;
  const details =
    (isPlainObject(merged['person_details']) ? merged['person_details'] : undefined) ??
    (isPlainObject(merged['institution_details']) ? merged['institution_details'] : undefined);
  const notRequired = merged['tax_details_not_required'] === true;
  // The sub-statuses are Paxos's: the merged details never took them from the body.
  const person = current.person && { ...current.person, ...(read['person'] as object) };
  const institution = current.institution && { ...current.institution, ...(read['institution'] as object) };
  return {
    refId: typeof merged['ref_id'] === 'string' && merged['ref_id'] !== '' ? merged['ref_id'] : undefined,
    person: person,
    institution: institution,
    taxDetails: taxDetailsOf(merged, details, notRequired),
    taxDetailsNotRequired: notRequired,
    customerDueDiligence: read['customerDueDiligence'] as IdentityProps['customerDueDiligence'],
    isMerchant: merged['is_merchant'] === true,
    metadata: read['metadata'] as IdentityProps['metadata'],
    userDisabled: merged['user_disabled'] === true,
    lastKycRefreshDate: read['lastKycRefreshDate'] as string | undefined,
  };
}

/**
 * An accepted sandbox-status body as the simulator's change: `id_verification_status` → `idVerification`, and the
 * `{disabled}` objects as booleans.
 */
export function sandboxChangeFromWire(accepted: WireObject): SandboxStatusChange {
  const change: WireObject = {};
  for (const [key, value] of Object.entries(accepted)) {
    const name = camelOf(key.replace(/_status$/, ''));
    change[name] = isPlainObject(value) ? value['disabled'] === true : value;
  }
  return change;
}
