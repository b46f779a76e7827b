import { at, index, type ViolationList } from './violations.js';

/**
 * Paxos's character set for names, addresses, CIP ids and tax payer ids (pattern P of the API reference):
 * ASCII letters, digits, space and `/ ? : ( ) . , & ' + -`.
 */
export const PAXOS_TEXT_PATTERN = /^[0-9A-Za-z /?:().,&'+-]+$/;

/**
 * Free text longer than this, in a field whose length Paxos does not document, is probably a mistake (a file pasted
 * into a field): it is sent, with a warning. Only a documented limit refuses.
 */
const ADVISORY_MAX_LENGTH = 1000;

/** Lists longer than this, where Paxos documents no limit, are sent with a warning. */
const ADVISORY_MAX_ITEMS = 100;

/**
 * Not a Paxos rule but a bound on the work of reading one list: a Proxy or a sparse array can claim billions of
 * items. No onboarding comes near it (Paxos's identity objects hold a handful of members, tax details or aliases).
 */
const READ_MAX_ITEMS = 10_000;

// C0 controls, DEL and C1 controls: never meaningful in onboarding data and a classic log-injection vector.
// eslint-disable-next-line no-control-regex -- finds control characters so that values holding them are refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** Past this length the regular expression scans faster than a loop; below it, calling it costs more than the scan. */
const SHORT_TEXT = 64;

/**
 * Whether `text` holds a C0 control, DEL or a C1 control (U+0000–U+001F, U+007F–U+009F). Every string of every
 * command is checked: the short ones, nearly all of them, by a loop over their code units.
 */
export function hasControlCharacter(text: string): boolean {
  if (text.length > SHORT_TEXT) return CONTROL_CHARACTERS.test(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
const MAX_KEY_IN_PATH = 64;
const SAFE_KEY = /^[A-Za-z0-9_$-]*$/;

/** A readable view of a plain object from the command, with unknown keys already reported. */
export interface Fields {
  readonly path: string;
  get(key: string): unknown;
}

function describeKey(key: string): string {
  // A key is named so that a typo can be fixed, but a caller who keys a map by SSN or birth date would see it echoed
  // into the error and from there into logs: keys with a run of four digits are not repeated.
  if (/\d{4}/.test(key)) return '[key redacted]';
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return SAFE_KEY.test(shown) ? shown : JSON.stringify(shown);
}

/** `Array.isArray` that answers undefined instead of throwing for a revoked Proxy. */
function safeIsArray(value: unknown): boolean | undefined {
  try {
    return Array.isArray(value);
  } catch {
    return undefined;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (safeIsArray(value) === true) return 'an array';
  return `a ${typeof value}`;
}

function ownKeys(v: ViolationList, path: string, value: object): string[] | undefined {
  try {
    return Object.keys(value);
  } catch {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
}

/**
 * Reads `value` as a plain object at `path`. Reports a missing required object, a value of another type, and every
 * key not in `allowed` (a typo must not silently drop data). Returns undefined when there is nothing usable.
 */
export function readObject(
  v: ViolationList,
  path: string,
  value: unknown,
  allowed: ReadonlySet<string>,
  required: boolean,
): Fields | undefined {
  if (value === undefined) {
    if (required) v.add(path, 'required', 'is required');
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    v.add(path, 'type', `must be an object, got ${typeName(value)}`);
    return undefined;
  }
  let proto: unknown;
  let array: boolean;
  try {
    // Proxy traps (revoked proxies included) can throw here; that is unreadable input, not a crash.
    array = Array.isArray(value);
    proto = Object.getPrototypeOf(value);
  } catch {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  if (array) {
    v.add(path, 'type', 'must be an object, got an array');
    return undefined;
  }
  const keys = ownKeys(v, path, value);
  if (keys === undefined) return undefined;
  for (const key of keys) {
    if (!allowed.has(key)) v.add(at(path, describeKey(key)), 'unknown_field', 'is not a known field');
  }
  return new ObjectFields(
    v,
    path,
    value as Record<string, unknown>,
    proto === Object.prototype || proto === null,
    keys,
  );
}

/** A value of {@link ObjectFields} not read yet. */
const UNREAD: unique symbol = Symbol('unread');

/**
 * The {@link Fields} of one object. Each key is read once: a getter must neither be reported twice nor answer
 * differently to two rules. The object's own keys, listed already to find unknown ones, get one slot each for their
 * value, filled when first asked for; any other key asked for (absent, not enumerable, inherited) is kept with its
 * value in one more list, made on the first such key. Growing lists of every key read were a fifth of what reading
 * a command allocated.
 */
class ObjectFields implements Fields {
  readonly #keys: readonly string[];
  readonly #values: unknown[];
  /** Keys outside `#keys` that were asked for, each followed by its value. */
  #others: unknown[] | undefined;

  constructor(
    private readonly v: ViolationList,
    readonly path: string,
    private readonly record: Record<string, unknown>,
    private readonly plain: boolean,
    keys: readonly string[],
  ) {
    this.#keys = keys;
    this.#values = new Array<unknown>(keys.length).fill(UNREAD);
  }

  get(key: string): unknown {
    const own = this.#keys.indexOf(key);
    if (own !== -1) {
      const value = this.#values[own];
      if (value !== UNREAD) return value;
      return (this.#values[own] = this.#read(key));
    }
    const others = (this.#others ??= []);
    for (let i = 0; i < others.length; i += 2) if (others[i] === key) return others[i + 1];
    const value = this.#read(key);
    others.push(key, value);
    return value;
  }

  #read(key: string): unknown {
    try {
      // Own properties only for plain objects: a polluted Object.prototype must not inject fields.
      return this.plain && !Object.hasOwn(this.record, key) ? undefined : this.record[key];
    } catch {
      this.v.add(at(this.path, key), 'unreadable', 'could not be read');
      return undefined;
    }
  }
}

/** Options for {@link readString}. */
export interface StringRule {
  readonly required?: boolean;
  /** A limit Paxos documents (its schema's `maxLength`): longer is refused. */
  readonly max?: number;
  /** A length past which the value is sent with a warning (default {@link ADVISORY_MAX_LENGTH}). */
  readonly advise?: number;
  readonly pattern?: RegExp;
  readonly patternMessage?: string;
}

/** Reads an optional or required string, checking length, control characters and an optional pattern. */
export function readString(v: ViolationList, path: string, value: unknown, rule: StringRule = {}): string | undefined {
  if (value === undefined) {
    if (rule.required) v.add(path, 'required', 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    v.add(path, 'type', `must be a string, got ${typeName(value)}`);
    return undefined;
  }
  if (value.length === 0 && rule.required) {
    v.add(path, 'required', 'is required and must not be empty');
    return undefined;
  }
  const max = rule.max ?? Infinity;
  let ok = true;
  if (value.length > max) {
    v.add(path, 'max_length', `must be at most ${max} characters`);
    ok = false;
  } else {
    const advise = rule.advise ?? ADVISORY_MAX_LENGTH;
    if (value.length > advise)
      v.warn(path, 'max_length', `is longer than ${advise} characters; Paxos documents no limit, so it is sent`);
  }
  if (rule.pattern !== undefined) {
    if (value.length <= max && !rule.pattern.test(value)) {
      v.add(path, 'pattern', rule.patternMessage ?? 'contains characters Paxos does not accept');
      ok = false;
    }
  } else if (hasControlCharacter(value)) {
    v.add(path, 'pattern', 'must not contain control characters');
    ok = false;
  }
  return ok ? value : undefined;
}

/**
 * Reads a string that must be one of `allowed`. An `open` enumeration is one Paxos extends without notice (new
 * verifier vendors): another value is sent, with a warning.
 */
export function readEnum<T extends string>(
  v: ViolationList,
  path: string,
  value: unknown,
  allowed: readonly T[],
  required = false,
  open = false,
): T | undefined {
  if (value === undefined) {
    if (required) v.add(path, 'required', 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    v.add(path, 'type', `must be a string, got ${typeName(value)}`);
    return undefined;
  }
  if (value === '' && required) {
    v.add(path, 'required', 'is required and must not be empty');
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    if (open && value.length <= ADVISORY_MAX_LENGTH && !hasControlCharacter(value)) {
      v.warn(path, 'enum', "is not a value of Paxos's published list; it is sent, as Paxos adds values over time");
      return value as T;
    }
    const list = allowed.length <= 12 ? `: ${allowed.join(', ')}` : '';
    v.add(path, 'enum', `must be one of the allowed values${list}`);
    return undefined;
  }
  return value as T;
}

/** Reads an optional boolean. */
export function readBoolean(v: ViolationList, path: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    v.add(path, 'type', `must be a boolean, got ${typeName(value)}`);
    return undefined;
  }
  return value;
}

/** Options for {@link readArray}. */
export interface ArrayRule {
  readonly required?: boolean;
  readonly minItems?: number;
  /** A limit Paxos documents: a longer list is refused. */
  readonly maxItems?: number;
  /** A length past which the list is sent with a warning (default {@link ADVISORY_MAX_ITEMS}). */
  readonly adviseItems?: number;
}

/**
 * Reads an array and each item with `item`. Returns undefined when the array itself is unusable; items that fail
 * are reported by `item` and left out of the result.
 */
export function readArray<T>(
  v: ViolationList,
  path: string,
  value: unknown,
  rule: ArrayRule,
  item: (itemPath: string, itemValue: unknown) => T | undefined,
): T[] | undefined {
  if (value === undefined) {
    if (rule.required) v.add(path, 'required', 'is required');
    return undefined;
  }
  const array = safeIsArray(value);
  if (array === false) {
    v.add(path, 'type', `must be an array, got ${typeName(value)}`);
    return undefined;
  }
  let length: unknown;
  try {
    length = array === true ? (value as unknown[]).length : undefined;
  } catch {
    length = undefined;
  }
  // A Proxy can claim any length; only a real array length is walked.
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  const items = value as unknown[];
  const maxItems = Math.min(rule.maxItems ?? READ_MAX_ITEMS, READ_MAX_ITEMS);
  if (length > maxItems) {
    v.add(path, 'max_items', `must have at most ${maxItems} items`);
    return undefined;
  }
  const adviseItems = rule.adviseItems ?? ADVISORY_MAX_ITEMS;
  if (length > adviseItems)
    v.warn(path, 'max_items', `has more than ${adviseItems} items; Paxos documents no limit, so it is sent`);
  if (rule.minItems !== undefined && length < rule.minItems) {
    v.add(path, 'min_items', `must have at least ${rule.minItems} item${rule.minItems === 1 ? '' : 's'}`);
  }
  const out: T[] = [];
  for (let i = 0; i < length; i++) {
    let element: unknown;
    try {
      element = items[i];
    } catch {
      v.add(index(path, i), 'unreadable', 'could not be read');
      continue;
    }
    const parsed = item(index(path, i), element);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

/** Builds a lookup set for {@link readObject}. */
export function keys(...names: string[]): ReadonlySet<string> {
  return new Set(names);
}
