import { isCountryCode } from './country-code.js';
import { calendarDateMs, dateTimeMs } from './dates.js';
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
 * - `enum`: one of `values` (with `open`, another value is sent with a warning); `enums`: a list of them;
 * - `texts`: a list of strings within `max`;
 * - `country`: three capital letters, Paxos's pattern (a code ISO has not assigned, such as `XKX`, is warned about);
 * - `pastDate`: a real `YYYY-MM-DD` calendar date (one in the future is warned about);
 * - `pastDateTime`: an RFC 3339 date-time (one in the future is warned about);
 * - `boolean`;
 * - `object` / `objects`: one or a list of nested objects of the table `of`;
 * - `custom`: read by the module that owns the table (a rule that depends on other fields).
 */
type FieldKind =
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
 * but a record Paxos returns may lack it), `held` (optional in a command, but the held object always has it: the
 * domain fills a default), or a condition on a sibling field read before it.
 */
type Requirement = 'always' | 'create' | 'held' | { readonly when: string; readonly is: string };

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
  /** A length Paxos documents (its schema's `maxLength`): longer is refused. */
  readonly max?: number;
  /** A length Paxos does not document, past which the value is sent with a warning. */
  readonly advise?: number;
  readonly pattern?: RegExp;
  readonly patternMessage?: string;
  readonly values?: readonly string[];
  /** For `enum`: Paxos adds values without notice, so another value is sent with a warning. */
  readonly open?: boolean;
  /** A list length past which the list is sent with a warning (Paxos documents no list limits). */
  readonly maxItems?: number;
  readonly minItems?: number;
  /** The nested object's table, for `object` and `objects`. */
  readonly of?: FieldTable;
  /** Personal data (CIP ids, tax payer ids, dates of birth): held as {@link Sensitive}, scrubbed from error texts. */
  readonly sensitive?: boolean;
  /** Set by Paxos on reads: never part of a command, never sent. */
  readonly serverSet?: boolean;
  /** The field only means something when this sibling (read before it) is absent or has this value; a warning otherwise. */
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
  return Object.freeze({ schema, fields: Object.freeze(fields.map(uniform)) as unknown as F });
}

/**
 * A spec with every property present, in one order: the reader and the mapper read specs in loops on every call,
 * and specs of one hidden class keep those property reads fast.
 */
function uniform(f: FieldSpec): FieldSpec {
  return Object.freeze({
    name: f.name,
    wire: f.wire,
    type: f.type,
    kind: f.kind,
    required: f.required,
    max: f.max,
    advise: f.advise,
    pattern: f.pattern,
    patternMessage: f.patternMessage,
    values: f.values,
    open: f.open,
    maxItems: f.maxItems,
    minItems: f.minItems,
    of: f.of,
    sensitive: f.sensitive,
    serverSet: f.serverSet,
    allowedWhen: f.allowedWhen,
  });
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
export type AlwaysName<T> = NameOf<Extract<SpecOf<T>, { readonly required: 'always' | 'held' }>>;
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

/** The names of the table's nested-object fields (addresses), for delta merging one level deeper. */
export function objectFieldNames(t: FieldTable): readonly string[] {
  return t.fields.filter((f) => f.kind === 'object').map((f) => f.name);
}

/** The names of the table's personal-data fields. */
export function sensitiveNames(t: FieldTable): readonly string[] {
  return t.fields.filter((f) => f.sensitive === true).map((f) => f.name);
}

/** Reads one field in place of the table's rule, given the values read before it and the caller's context. */
export type FieldHook = (
  v: ViolationList,
  path: string,
  value: unknown,
  got: Readonly<Record<string, unknown>>,
  context: unknown,
) => unknown;

/**
 * Hooks of {@link readFields} for what a table cannot state as data. Build them once per module, not per call: the
 * reading plan is cached per hooks object, and a create reads every object of every command.
 */
export interface ReadHooks {
  /** Reads a `custom` field (or overrides the reading of any field). */
  readonly read?: Readonly<Record<string, FieldHook>>;
  /** Decides whether a field is required when that depends on more than one sibling; undefined keeps the table's. */
  readonly required?: (name: string, got: Readonly<Record<string, unknown>>) => boolean | undefined;
}

const COUNTRY_SHAPE = /^[A-Z]{3}$/;
const COUNTRY_MESSAGE = 'must be an ISO 3166-1 alpha-3 country code (three capital letters)';
const DATE_TIME_MESSAGE = 'must be an RFC 3339 date-time such as 2021-06-16T09:28:14Z';

function stringRule(field: FieldSpec, required: boolean): StringRule {
  const isCountry = field.kind === 'country';
  return Object.freeze({
    required,
    // The country bound only keeps hostile input small: a country name must fail as "not an alpha-3 code".
    ...(field.max !== undefined || isCountry ? { max: field.max ?? 64 } : {}),
    ...(field.advise !== undefined && { advise: field.advise }),
    ...(isCountry
      ? { pattern: COUNTRY_SHAPE, patternMessage: COUNTRY_MESSAGE }
      : field.pattern !== undefined
        ? { pattern: field.pattern }
        : {}),
    ...(field.patternMessage !== undefined && { patternMessage: field.patternMessage }),
  });
}

/** One input field with its string rules and its hook found once, so that reading allocates nothing per field. */
interface Step {
  readonly field: FieldSpec;
  readonly hook: FieldHook | undefined;
  readonly optional: StringRule;
  readonly required: StringRule;
  /** The item rule of a list of strings. */
  readonly item: StringRule;
  /**
   * The field's path under the last parent path it was read at. A table is read at the same few paths over and over
   * (`person`, `person.address`), and joining the path afresh for each of some thirty fields per create was a
   * measurable share of a create's allocations.
   */
  readonly lastPath: { parent: string | undefined; path: string };
}

const PLANS = new WeakMap<ReadHooks, WeakMap<FieldTable, readonly Step[]>>();

function planOf(t: FieldTable, hooks: ReadHooks): readonly Step[] {
  let byTable = PLANS.get(hooks);
  if (byTable === undefined) {
    byTable = new WeakMap();
    PLANS.set(hooks, byTable);
  }
  let plan = byTable.get(t);
  if (plan === undefined) {
    plan = t.fields
      .filter((field) => field.serverSet !== true)
      .map((field) => ({
        field,
        hook: hooks.read !== undefined && Object.hasOwn(hooks.read, field.name) ? hooks.read[field.name] : undefined,
        optional: stringRule(field, false),
        required: stringRule(field, true),
        item: stringRule(field, true),
        lastPath: { parent: undefined, path: '' },
      }));
    byTable.set(t, plan);
  }
  return plan;
}

/**
 * Reads a country code by Paxos's pattern (three capitals). A code ISO has not assigned (`XKX` for Kosovo, used by
 * many verifiers) passes the pattern and is sent, with a warning.
 */
function readCountryCode(v: ViolationList, path: string, value: unknown, rule: StringRule): string | undefined {
  const code = readString(v, path, value, rule);
  if (code === undefined || code === '') return undefined;
  if (!isCountryCode(code))
    v.warn(path, 'country', 'is not an assigned ISO 3166-1 alpha-3 code; it has the shape Paxos takes, so it is sent');
  return code;
}

const FUTURE_MESSAGE = 'is in the future; Paxos documents no rule against it, so it is sent';

function readPastDate(v: ViolationList, path: string, value: unknown, now: Date, rule: StringRule): string | undefined {
  const text = readString(v, path, value, rule);
  if (text === undefined) return undefined;
  const date = calendarDateMs(text);
  if (date === undefined) {
    v.add(path, 'format', 'must be a real calendar date formatted YYYY-MM-DD');
    return undefined;
  }
  if (date > now.getTime()) v.warn(path, 'future_date', FUTURE_MESSAGE);
  return text;
}

const PAST_DATE_TIME_RULES = [false, true].map((required) => Object.freeze({ required, max: 64 }));

/** Reads an RFC 3339 date-time (at most 64 characters); one later than `now` is warned about. */
export function readPastDateTime(
  v: ViolationList,
  path: string,
  value: unknown,
  now: Date,
  required: boolean,
): string | undefined {
  const text = readString(v, path, value, PAST_DATE_TIME_RULES[required ? 1 : 0]);
  if (text === undefined || text === '') {
    if (text === '') v.add(path, 'format', DATE_TIME_MESSAGE);
    return undefined;
  }
  const date = dateTimeMs(text);
  if (date === undefined) {
    v.add(path, 'format', DATE_TIME_MESSAGE);
    return undefined;
  }
  if (date > now.getTime()) v.warn(path, 'future_date', FUTURE_MESSAGE);
  return text;
}

function isRequired(field: FieldSpec, got: Readonly<Record<string, unknown>>, hooks: ReadHooks): boolean {
  const decided = hooks.required?.(field.name, got);
  if (decided !== undefined) return decided;
  const r = field.required;
  if (r === undefined || r === 'held') return false;
  if (r === 'always' || r === 'create') return true;
  return got[r.when] === r.is;
}

/** Reads one field by its table rule; `object`, `objects` and `custom` fields need a hook, or are taken as given. */
function readStep(
  v: ViolationList,
  path: string,
  step: Step,
  value: unknown,
  required: boolean,
  now: Date | undefined,
): unknown {
  const field = step.field;
  const rule = required ? step.required : step.optional;
  switch (field.kind) {
    case 'text':
      return readString(v, path, value, rule);
    case 'enum':
      return readEnum(v, path, value, field.values ?? [], required, field.open === true);
    case 'country':
      return readCountryCode(v, path, value, rule);
    case 'pastDate':
      return readPastDate(v, path, value, now ?? new Date(), rule);
    case 'pastDateTime':
      return readPastDateTime(v, path, value, now ?? new Date(), required);
    case 'boolean':
      return readBoolean(v, path, value);
    case 'enums':
      return readEnums(v, path, field, value, required);
    case 'texts':
      return readTexts(v, path, step, value, required);
    default:
      return value;
  }
}

// The list readers are functions of their own: their item callbacks capture the caller's variables, and in
// readStep that capture cost a context allocation on every field read, lists or not. An absent list is answered
// as readArray answers it, before its rule and callback are made.
function readEnums(v: ViolationList, path: string, field: FieldSpec, value: unknown, required: boolean): unknown {
  if (value === undefined) {
    reportAbsentList(v, path, required);
    return undefined;
  }
  return readArray(
    v,
    path,
    value,
    { required, adviseItems: field.maxItems ?? field.values?.length ?? 0, ...minItemsOf(field) },
    (itemPath, item) => readEnum(v, itemPath, item, field.values ?? [], true),
  );
}

function readTexts(v: ViolationList, path: string, step: Step, value: unknown, required: boolean): unknown {
  if (value === undefined) {
    reportAbsentList(v, path, required);
    return undefined;
  }
  const field = step.field;
  return readArray(
    v,
    path,
    value,
    { required, ...(field.maxItems !== undefined && { adviseItems: field.maxItems }), ...minItemsOf(field) },
    (itemPath, item) => readString(v, itemPath, item, step.item),
  );
}

function reportAbsentList(v: ViolationList, path: string, required: boolean): void {
  if (required) v.add(path, 'required', 'is required');
}

function minItemsOf(field: FieldSpec): { minItems?: number } {
  return field.minItems === undefined ? {} : { minItems: field.minItems };
}

const NO_HOOKS: ReadHooks = Object.freeze({});

/**
 * Reads every input field of `t` from `f`, in table order, reporting each broken rule at `path.name`. Returns the
 * values that passed, by camelCase name, personal data wrapped in {@link Sensitive}; absent fields have no key.
 * `now` is the time the "in the future" warnings compare with; `context` is handed to the hooks.
 * Hooks are expected to be module constants: the reading plan is cached per hooks object.
 */
export function readFields(
  v: ViolationList,
  path: string,
  f: Fields,
  t: FieldTable,
  hooks: ReadHooks = NO_HOOKS,
  now?: Date,
  context?: unknown,
): Record<string, unknown> {
  const got: Record<string, unknown> = {};
  for (const step of planOf(t, hooks)) {
    const field = step.field;
    const last = step.lastPath;
    if (last.parent !== path) {
      last.path = at(path, field.name);
      last.parent = path;
    }
    const fieldPath = last.path;
    const value = f.get(field.name);
    const hook = step.hook;
    const read =
      hook !== undefined
        ? hook(v, fieldPath, value, got, context)
        : readStep(v, fieldPath, step, value, isRequired(field, got, hooks), now);
    const only = field.allowedWhen;
    if (only !== undefined && value !== undefined && got[only.when] !== undefined && got[only.when] !== only.is) {
      v.warn(fieldPath, 'unexpected', `only means something when ${only.when} is ${only.is}; it is sent as given`);
    }
    if (read !== undefined) got[field.name] = field.sensitive === true ? Sensitive.of(read) : read;
  }
  return got;
}
