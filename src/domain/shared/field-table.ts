import { isCountryCode } from './country-code.js';
import { parseCalendarDate, parseDateTime } from './dates.js';
import { readArray, readBoolean, readEnum, readString, type Fields, type StringRule } from './guard.js';
import { Sensitive } from './sensitive.js';
import { at, type ViolationList } from './violations.js';

/**
 * The JSON type of a field on Paxos's wire: what the wire DTO declares and the mapper copies. `decimal` is a string
 * on the wire that the domain also accepts as a number.
 */
export type WireType = 'string' | 'boolean' | 'strings' | 'decimal' | 'object' | 'objects';

/**
 * How the domain reads a field of a command:
 * - `text`: a string within `max` characters, of `pattern` when given (control characters refused otherwise);
 * - `enum`: one of `values`; `enums`: a list of them, each at most once in number (`maxItems` defaults to the count);
 * - `texts`: a list of strings within `max`;
 * - `country`: an assigned ISO 3166-1 alpha-3 code;
 * - `pastDate`: a real `YYYY-MM-DD` calendar date, not in the future;
 * - `pastDateTime`: an RFC 3339 date-time, not in the future;
 * - `boolean`;
 * - `object` / `objects`: one or a list of nested objects of the table `of`;
 * - `custom`: read by the module that owns the table (a rule that depends on other fields).
 */
export type FieldKind =
  | 'text'
  | 'enum'
  | 'enums'
  | 'texts'
  | 'country'
  | 'pastDate'
  | 'pastDateTime'
  | 'boolean'
  | 'object'
  | 'objects'
  | 'custom';

/**
 * Whether a create must give the field: `always` (and the held object always has it), `create` (required on create,
 * but a record Paxos returns may lack it), or a condition on a sibling field read before it.
 */
export type Requirement = 'always' | 'create' | { readonly when: string; readonly is: string };

/** One field of a Paxos object: its names on both sides, its rule, and whether its value is personal data. */
export interface FieldSpec {
  /** The domain's camelCase name. */
  readonly name: string;
  /** Paxos's snake_case name. */
  readonly wire: string;
  readonly type: WireType;
  readonly kind: FieldKind;
  /** Absent: optional. */
  readonly required?: Requirement;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly patternMessage?: string;
  readonly values?: readonly string[];
  readonly maxItems?: number;
  readonly minItems?: number;
  /** The nested object's table, for `object` and `objects`. */
  readonly of?: FieldTable;
  /** Personal data (CIP ids, tax payer ids, dates of birth): held as {@link Sensitive}, scrubbed from error texts. */
  readonly sensitive?: boolean;
  /** Set by Paxos on reads: never part of a command, never sent. */
  readonly serverSet?: boolean;
  /** The field may only be given when this sibling (read before it) is absent or has this value. */
  readonly allowedWhen?: { readonly when: string; readonly is: string };
}

/** The fields of one Paxos object (its OpenAPI schema name), in the order the domain reads them. */
export interface FieldTable {
  readonly schema: string;
  readonly fields: readonly FieldSpec[];
}

/**
 * A frozen table: the one place an object's fields are listed. The field literals keep their types, so that the
 * object's TypeScript interfaces can be checked against the table (see {@link InputName} and its siblings).
 */
export function table<const F extends readonly FieldSpec[]>(
  schema: string,
  fields: F,
): { readonly schema: string; readonly fields: F } {
  return Object.freeze({ schema, fields: Object.freeze(fields.map((f) => Object.freeze(f))) as unknown as F });
}

type SpecOf<T> = T extends { readonly fields: readonly (infer F extends FieldSpec)[] } ? F : never;
type NameOf<S> = S extends { readonly name: infer N } ? N : never;
type InputSpecOf<T> = Exclude<SpecOf<T>, { readonly serverSet: true }>;

/** Every camelCase name of a table, Paxos-set fields included: the keys of the object the domain holds. */
export type FieldName<T> = NameOf<SpecOf<T>>;
/** The camelCase names a command may give. */
export type InputName<T> = NameOf<InputSpecOf<T>>;
/** The names a create must give unconditionally. */
export type RequiredInputName<T> = NameOf<Extract<InputSpecOf<T>, { readonly required: 'always' | 'create' }>>;
/** The names the object the domain holds always has. */
export type AlwaysName<T> = NameOf<Extract<SpecOf<T>, { readonly required: 'always' }>>;
/** The names of personal-data fields. */
export type SensitiveName<T> = NameOf<Extract<SpecOf<T>, { readonly sensitive: true }>>;
/** The names of fields of one wire type. */
export type NameOfType<T, W extends WireType> = NameOf<Extract<SpecOf<T>, { readonly type: W }>>;

/** The fields a command may give (everything but what Paxos sets). */
export function inputFields(t: FieldTable): readonly FieldSpec[] {
  return t.fields.filter((f) => f.serverSet !== true);
}

/** The camelCase names a command may give, as the lookup set `readObject` takes. */
export function inputNames(t: FieldTable): ReadonlySet<string> {
  return new Set(inputFields(t).map((f) => f.name));
}

/** The field called `name` in the table, if any. */
export function fieldNamed(t: FieldTable, name: string): FieldSpec | undefined {
  return t.fields.find((f) => f.name === name);
}

/** The names of the table's nested-object fields (addresses), for delta merging one level deeper. */
export function objectFieldNames(t: FieldTable): readonly string[] {
  return t.fields.filter((f) => f.kind === 'object').map((f) => f.name);
}

/** The names of the table's personal-data fields. */
export function sensitiveNames(t: FieldTable): readonly string[] {
  return t.fields.filter((f) => f.sensitive === true).map((f) => f.name);
}

/** Hooks of {@link readFields} for what a table cannot state as data. */
export interface ReadHooks {
  /** Reads a `custom` field (or overrides the reading of any field), given the values read before it. */
  readonly read?: Readonly<
    Record<string, (path: string, value: unknown, got: Readonly<Record<string, unknown>>) => unknown>
  >;
  /** Decides whether a field is required when that depends on more than one sibling; undefined keeps the table's. */
  readonly required?: (name: string, got: Readonly<Record<string, unknown>>) => boolean | undefined;
  /** The current time, for the "not in the future" rules. Default: the system clock. */
  readonly now?: Date;
}

const COUNTRY_SHAPE = /^[A-Z]{3}$/;
const COUNTRY_MESSAGE = 'must be an ISO 3166-1 alpha-3 country code';
const DATE_TIME_MESSAGE = 'must be an RFC 3339 date-time such as 2021-06-16T09:28:14Z';

// String rules are derived once per field: a create reads every field of every object, and a literal per call is
// garbage per field.
const RULES = new WeakMap<FieldSpec, Map<boolean, StringRule>>();

function stringRule(field: FieldSpec, required: boolean): StringRule {
  let byRequired = RULES.get(field);
  if (byRequired === undefined) {
    byRequired = new Map();
    RULES.set(field, byRequired);
  }
  let rule = byRequired.get(required);
  if (rule === undefined) {
    const isCountry = field.kind === 'country';
    rule = Object.freeze({
      required,
      // The country bound only keeps hostile input small: a country name must fail as "not an alpha-3 code".
      ...(field.max !== undefined || isCountry ? { max: field.max ?? 64 } : {}),
      ...(isCountry
        ? { pattern: COUNTRY_SHAPE, patternMessage: COUNTRY_MESSAGE }
        : field.pattern !== undefined
          ? { pattern: field.pattern }
          : {}),
      ...(field.patternMessage !== undefined && { patternMessage: field.patternMessage }),
    });
    byRequired.set(required, rule);
  }
  return rule;
}

/** Reads an ISO 3166-1 alpha-3 code that exists. */
export function readCountryCode(v: ViolationList, path: string, value: unknown, rule: StringRule): string | undefined {
  const code = readString(v, path, value, rule);
  if (code === undefined || code === '') return undefined;
  if (!isCountryCode(code)) {
    v.add(path, 'country', 'is not an assigned ISO 3166-1 alpha-3 country code');
    return undefined;
  }
  return code;
}

/** Reads an RFC 3339 date-time that is not later than `now`. */
export function readPastDateTimeText(
  v: ViolationList,
  path: string,
  value: unknown,
  now: Date,
  rule: StringRule,
): string | undefined {
  const text = readString(v, path, value, rule);
  if (text === undefined || text === '') {
    if (text === '') v.add(path, 'format', DATE_TIME_MESSAGE);
    return undefined;
  }
  const date = parseDateTime(text);
  if (date === undefined) {
    v.add(path, 'format', DATE_TIME_MESSAGE);
    return undefined;
  }
  if (date.getTime() > now.getTime()) {
    v.add(path, 'future_date', 'must not be in the future');
    return undefined;
  }
  return text;
}

function readPastDate(v: ViolationList, path: string, value: unknown, now: Date, rule: StringRule): string | undefined {
  const text = readString(v, path, value, rule);
  if (text === undefined) return undefined;
  const date = parseCalendarDate(text);
  if (date === undefined) v.add(path, 'format', 'must be a real calendar date formatted YYYY-MM-DD');
  else if (date.getTime() > now.getTime()) v.add(path, 'future_date', 'must not be in the future');
  else return text;
  return undefined;
}

function isRequired(field: FieldSpec, got: Readonly<Record<string, unknown>>, hooks: ReadHooks): boolean {
  const decided = hooks.required?.(field.name, got);
  if (decided !== undefined) return decided;
  const r = field.required;
  if (r === undefined) return false;
  if (r === 'always' || r === 'create') return true;
  return got[r.when] === r.is;
}

/**
 * Reads one field by its table rule. `object` and `objects` fields need a hook (their reading is the nested
 * module's), as do `custom` ones; without one they are taken as they are.
 */
function readField(
  v: ViolationList,
  path: string,
  field: FieldSpec,
  value: unknown,
  required: boolean,
  now: Date,
): unknown {
  switch (field.kind) {
    case 'text':
      return readString(v, path, value, stringRule(field, required));
    case 'enum':
      return readEnum(v, path, value, field.values ?? [], required);
    case 'country':
      return readCountryCode(v, path, value, stringRule(field, required));
    case 'pastDate':
      return readPastDate(v, path, value, now, stringRule(field, required));
    case 'pastDateTime':
      return readPastDateTime(v, path, value, now, required);
    case 'boolean':
      return readBoolean(v, path, value);
    case 'enums':
      return readArray(
        v,
        path,
        value,
        { required, maxItems: field.maxItems ?? field.values?.length ?? 0, ...minItemsOf(field) },
        (itemPath, item) => readEnum(v, itemPath, item, field.values ?? [], true),
      );
    case 'texts':
      return readArray(
        v,
        path,
        value,
        { required, ...(field.maxItems !== undefined && { maxItems: field.maxItems }), ...minItemsOf(field) },
        (itemPath, item) => readString(v, itemPath, item, stringRule(field, true)),
      );
    default:
      return value;
  }
}

function minItemsOf(field: FieldSpec): { minItems?: number } {
  return field.minItems === undefined ? {} : { minItems: field.minItems };
}

const PAST_DATE_TIME_RULES = [false, true].map((required) => Object.freeze({ required, max: 64 }));

/** Reads an RFC 3339 date-time not later than `now`, at most 64 characters. */
export function readPastDateTime(
  v: ViolationList,
  path: string,
  value: unknown,
  now: Date,
  required: boolean,
): string | undefined {
  return readPastDateTimeText(v, path, value, now, PAST_DATE_TIME_RULES[required ? 1 : 0] as StringRule);
}

/**
 * Reads every input field of `t` from `f`, in table order, reporting each broken rule at `path.name`. Returns the
 * values that passed, by camelCase name, personal data wrapped in {@link Sensitive}; absent fields have no key.
 */
export function readFields(
  v: ViolationList,
  path: string,
  f: Fields,
  t: FieldTable,
  hooks: ReadHooks = {},
): Record<string, unknown> {
  const got: Record<string, unknown> = {};
  const now = hooks.now ?? new Date();
  for (const field of t.fields) {
    if (field.serverSet === true) continue;
    const fieldPath = at(path, field.name);
    const value = f.get(field.name);
    const hook = hooks.read?.[field.name];
    const read =
      hook !== undefined
        ? hook(fieldPath, value, got)
        : readField(v, fieldPath, field, value, isRequired(field, got, hooks), now);
    const only = field.allowedWhen;
    if (only !== undefined && value !== undefined && got[only.when] !== undefined && got[only.when] !== only.is) {
      v.add(fieldPath, 'forbidden', `is only allowed when ${only.when} is ${only.is}`);
    }
    if (read !== undefined) got[field.name] = field.sensitive === true ? Sensitive.of(read) : read;
  }
  return got;
}
