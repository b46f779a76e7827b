/**
 * Paxos's own schemas (vendored in paxos-schemas.json by scripts/extract-paxos-schemas.ts), compiled with ajv. This
 * module and rules.ts are the emulator's judge: they import nothing of the library's domain, so a rule the library
 * gets wrong is not repeated here and the contract suite can catch it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import document from './paxos-schemas.json' with { type: 'json' };

/** A JSON object as it travels. */
export type WireObject = { [key: string]: unknown };

/** True for a JSON object: neither null nor an array. */
export function isWireObject(value: unknown): value is WireObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a field is refused: the codes of the emulator's 400s (`meta.violations[].code`). */
export const ISSUE_CODES = [
  'required',
  'type',
  'enum',
  'max_length',
  'pattern',
  'format',
  'min_items',
  'max_items',
  'range',
  'unknown_field',
  'country',
  'forbidden',
  'conflict',
  'prohibited',
  'duplicate',
  'not_found',
] as const;

/** One of {@link ISSUE_CODES}. */
export type IssueCode = (typeof ISSUE_CODES)[number];

/** One refused field: its wire path (`person_details.address.city`), a code, and a message that never quotes a value. */
export interface WireIssue {
  readonly path: string;
  readonly code: IssueCode;
  readonly message: string;
  /**
   * True when the body is refused for the state it meets (a member that does not exist, a type an update cannot
   * change), not for what it says: a client cannot know that before it asks.
   */
  readonly stateful?: boolean;
}

/** A JSON Schema object as the vendored file holds it. */
export interface SchemaObject {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly items?: SchemaObject;
  readonly additionalProperties?: SchemaObject | boolean;
  readonly $ref?: string;
  readonly [keyword: string]: unknown;
}

const SCHEMAS = document.components.schemas as unknown as Readonly<Record<string, SchemaObject>>;
const REF = '#/components/schemas/';

/**
 * The name of a vendored component schema (`CreateIdentityRequest`). A plain string, so that the declarations the
 * package ships do not import the JSON file.
 */
export type SchemaName = string;

/** A vendored schema, `$ref`s resolved one level (a property that is a `$ref` comes back as the schema it names). */
export function schemaOf(name: SchemaName): SchemaObject | undefined {
  return Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
}

/** Follows a `$ref` to the schema it names; other schemas come back as they are. */
export function resolveRef(schema: SchemaObject | undefined): SchemaObject | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(REF)) return schema;
  // Every read and write of a body resolves the same few refs: slicing the name out each time was a measurable cost.
  let target = RESOLVED.get(ref);
  if (target === undefined) {
    target = schemaOf(ref.slice(REF.length)) ?? NO_SCHEMA;
    RESOLVED.set(ref, target);
  }
  return target === NO_SCHEMA ? undefined : target;
}

/** Refs resolved so far; the vendored document is fixed, so this holds at most one entry per schema it names. */
const RESOLVED = new Map<string, SchemaObject>();
/** What an unknown ref resolves to in {@link RESOLVED}. */
const NO_SCHEMA: SchemaObject = Object.freeze({});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The document with `additionalProperties: false` on every object schema that lists properties and says nothing
 * about others: the emulator's strict mode. Only an inference backs it (reference §2: Create Account forbids fields
 * it does not list, so other endpoints may too; §12 #11); Paxos's schemas themselves allow unknown properties, which
 * `unknownFields: 'ignore'` keeps.
 */
function strictCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strictCopy);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = key === 'example' ? item : strictCopy(item);
  if (isPlainObject(value['properties']) && value['additionalProperties'] === undefined) {
    out['additionalProperties'] = false;
  }
  return out;
}

// RFC 3339 date-time, as Paxos's `format: date-time` means: a zone is required and the date must exist.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** True for a real RFC 3339 date-time (`2021-06-16T09:28:14Z`, `…+02:00`, fractions up to nanoseconds). */
function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (m === null) return false;
  // RFC 3339 §5.6: the zone offset is a time of day too (time-numoffset = time-hour ":" time-minute).
  const offsetHour = m[8] === undefined ? 0 : Number(m[8]);
  const offsetMinute = m[9] === undefined ? 0 : Number(m[9]);
  return (
    isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6]) < 61 &&
    offsetHour < 24 &&
    offsetMinute < 60
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the year, month and day name a day of the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Counted without a Date per call (every create judges two dates), with Date.UTC's reading of years 0–99 as
  // 1900–1999, which this check has always had.
  const y = year >= 0 && year <= 99 ? year + 1900 : year;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= days;
}

function build(strict: boolean): Ajv {
  // strict: false because OpenAPI 3.0 keywords (nullable, discriminator, example, title) are not JSON Schema's.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  // The formats the vendored schemas use; ajv-formats is not a dependency, so they are defined here.
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('decimal', { type: 'string', validate: /^[+-]?(\d+(\.\d*)?|\.\d+)$/ });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  // Only `Problem.type` (a response) uses it: responses are written by the emulator, not judged.
  ajv.addFormat('uri', true);
  ajv.addSchema(strict ? (strictCopy(document) as object) : document, 'paxos');
  return ajv;
}

// By mode, then by name: a key string built per judged body was a measurable cost of every create.
const validators = { strict: new Map<string, ValidateFunction>(), lenient: new Map<string, ValidateFunction>() };
const engines: { strict?: Ajv; lenient?: Ajv } = {};

function validatorFor(name: SchemaName, strict: boolean): ValidateFunction {
  const compiled = strict ? validators.strict : validators.lenient;
  let validate = compiled.get(name);
  if (validate === undefined) {
    const ajv = strict ? (engines.strict ??= build(true)) : (engines.lenient ??= build(false));
    validate = ajv.getSchema(`paxos${REF}${name}`);
    if (validate === undefined) throw new Error(`no schema named ${name} in paxos-schemas.json`);
    compiled.set(name, validate);
  }
  return validate;
}

/** `/person_details/address/0/city` → `person_details.address[0].city`. */
function pathOf(pointer: string, child?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/');
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else {
      // A key is the client's text (a metadata key, a misspelled field): it is named only when it has the shape of a
      // field name, so that an SSN, a date or an e-mail address sent as a key is not echoed in a 400.
      const shown = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(part) ? part : '<key>';
      out = out === '' ? shown : `${out}.${shown}`;
    }
  }
  return out === '' ? 'body' : out;
}

function issueOf(error: ErrorObject): WireIssue {
  const params = error.params as Record<string, unknown>;
  let path = pathOf(error.instancePath);
  let code: IssueCode;
  let text: string;
  switch (error.keyword) {
    case 'required':
      path = pathOf(error.instancePath, String(params['missingProperty']));
      code = 'required';
      text = 'is required';
      break;
    case 'additionalProperties':
      path = pathOf(error.instancePath, String(params['additionalProperty']));
      code = 'unknown_field';
      text = "is not a field of this request in Paxos's schema";
      break;
    case 'type':
      code = 'type';
      text = `must be of type ${String(params['type'])}`;
      break;
    case 'enum':
      code = 'enum';
      text = `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
      break;
    case 'maxLength':
      code = 'max_length';
      text = `must be at most ${String(params['limit'])} characters`;
      break;
    case 'pattern':
      code = 'pattern';
      text = `must match ${String(params['pattern'])}`;
      break;
    case 'format':
      code = 'format';
      text = `must be formatted as ${String(params['format'])}`;
      break;
    case 'minItems':
      code = 'min_items';
      text = `must have at least ${String(params['limit'])} items`;
      break;
    case 'maxItems':
      code = 'max_items';
      text = `must have at most ${String(params['limit'])} items`;
      break;
    default:
      code = 'range';
      // ajv's own messages name the rule and its limit, never the value.
      text = error.message ?? `breaks the ${error.keyword} rule`;
  }
  return { path, code, message: `${path}: ${text}` };
}

/**
 * Checks `body` against the vendored schema `name`. Every refused field is reported once (the first rule it breaks),
 * by its wire path. `strict` (the emulator's default) also refuses fields the schema does not list.
 */
export function validateAgainst(name: SchemaName, body: unknown, strict: boolean): WireIssue[] {
  const validate = validatorFor(name, strict);
  if (validate(body)) return [];
  const seen = new Set<string>();
  const issues: WireIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = issueOf(error);
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    issues.push(issue);
  }
  return issues;
}

/** A query parameter of a vendored operation, as Paxos's spec declares it. */
interface QueryParameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: SchemaObject;
}

const OPERATIONS = document.operations as unknown as Readonly<
  Record<string, { readonly parameters?: readonly QueryParameter[] }>
>;
const queryValidators = new Map<string, ValidateFunction>();

/** A query string value as the JSON type its schema declares, so that ajv judges what a gateway would decode. */
function decodeQueryValue(text: string, type: string | undefined): unknown {
  if (type === 'integer' || type === 'number') return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

/**
 * Checks the query of the vendored operation `operationId` against the schemas of its query parameters (types,
 * formats, enums; an array parameter is its repeated keys, each value checked). Parameters the operation does not
 * declare are not judged, and a scalar parameter given more than once is left to the route.
 */
export function validateQueryParameters(operationId: string, query: URLSearchParams): WireIssue[] {
  const issues: WireIssue[] = [];
  for (const parameter of OPERATIONS[operationId]?.parameters ?? []) {
    const schema = parameter.schema;
    const values = query.getAll(parameter.name);
    if (parameter.in !== 'query' || schema === undefined || values.length === 0) continue;
    const isArray = schema.type === 'array';
    if (!isArray && values.length > 1) continue;
    const key = `${operationId}:${parameter.name}`;
    let validate = queryValidators.get(key);
    if (validate === undefined) {
      validate = (engines.lenient ??= build(false)).compile(schema);
      queryValidators.set(key, validate);
    }
    const value = isArray
      ? values.map((v) => decodeQueryValue(v, schema.items?.type))
      : decodeQueryValue(values[0] ?? '', schema.type);
    if (validate(value)) continue;
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const issue = issueOf(error);
      // issueOf names the value's own position (`body`, `[1]`); the parameter's name goes in front.
      const path = `${parameter.name}${issue.path === 'body' ? '' : issue.path}`;
      if (seen.has(path)) continue;
      seen.add(path);
      issues.push({ path, code: issue.code, message: `${path}${issue.message.slice(issue.path.length)}` });
    }
  }
  return issues;
}
