import { hasControlCharacter } from '../shared/guard.js';
import { index, type ViolationList } from '../shared/violations.js';

/** Free-form string key/value pairs stored with an identity. */
export type Metadata = Readonly<Record<string, string>>;

// Keys that would change an object's prototype or shadow its machinery when copied into a plain object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Paxos documents no metadata limit for identities; other Paxos resources cap metadata at 6 pairs of at most 100
 * characters (API reference §2). Past those, the metadata is sent with a warning.
 */
const ADVISED_PAIRS = 6;
const ADVISED_LENGTH = 100;
/**
 * The library's own caps, far past anything Paxos's other resources allow (6 pairs of 100 characters, §2): a map this
 * large is a mistake or an attack, and is refused before a single entry is read. 10,000 is also the most items of any
 * list the library reads.
 */
export const METADATA_LIMITS = Object.freeze({ maxPairs: 10_000, maxKeyLength: 1_000, maxValueLength: 10_000 });

/**
 * The string keys of `value` and whether it has symbol keys; undefined when a Proxy's trap throws. Listed once: a
 * Proxy answers each listing anew, and one that lists 10 keys to be counted and a million to be read would pass the
 * cap, so the entries are read by this list and no other.
 */
function shapeOf(value: object): { readonly keys: readonly string[]; readonly symbols: boolean } | undefined {
  try {
    // Object.keys is V8's quickest listing of a large map (twice Reflect.ownKeys'); the symbols are looked for only
    // in a map under the cap.
    const keys = Object.keys(value);
    return { keys, symbols: keys.length <= METADATA_LIMITS.maxPairs && Object.getOwnPropertySymbols(value).length > 0 };
  } catch {
    return undefined;
  }
}

/**
 * Checks metadata: a plain object whose keys and values are strings; prototype-related keys and control characters
 * are refused, and so is a map past {@link METADATA_LIMITS}. Sizes past the caps of Paxos's other resources are
 * warned about. A key is never repeated in a violation or a warning (a caller may key a map by SSN or birth date):
 * an entry is named by its position in key order, `metadata[3]`.
 */
export function parseMetadata(v: ViolationList, path: string, value: unknown): Metadata | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    v.add(path, 'type', 'must be an object of string values');
    return undefined;
  }
  let plain: boolean;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    plain = (proto === Object.prototype || proto === null) && !Array.isArray(value);
  } catch {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  // A Map, an array or a class instance would pass Object.entries with its data silently left behind.
  if (!plain) {
    v.add(path, 'type', 'must be a plain object of string values');
    return undefined;
  }
  // The count comes first, from the key list alone: a map of a million keys is refused without reading one value.
  const shape = shapeOf(value);
  if (shape === undefined) {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  if (shape.keys.length > METADATA_LIMITS.maxPairs) {
    v.add(path, 'max_items', `has more than ${METADATA_LIMITS.maxPairs} keys`);
    return undefined;
  }
  if (shape.symbols) {
    v.add(path, 'type', 'keys must be strings');
    return undefined;
  }
  // Every value is read before any is judged, in key order: a getter that throws makes the whole map unreadable.
  const keys = shape.keys;
  const values: unknown[] = new Array<unknown>(keys.length);
  try {
    const map = value as Readonly<Record<string, unknown>>;
    let i = 0;
    for (const key of keys) values[i++] = map[key];
  } catch {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  return readEntries(v, path, keys, values);
}

function readEntries(
  v: ViolationList,
  path: string,
  keys: readonly string[],
  values: readonly unknown[],
): Metadata | undefined {
  if (keys.length > ADVISED_PAIRS)
    v.warn(path, 'max_items', `has more than ${ADVISED_PAIRS} keys, the cap of Paxos's other resources; it is sent`);
  const before = v.items.length;
  const out: Record<string, string> = {};
  let i = -1;
  for (const key of keys) {
    const item = values[++i];
    if (FORBIDDEN_KEYS.has(key) || hasControlCharacter(key)) {
      v.add(path, 'forbidden', 'keys must be printable and not __proto__, constructor or prototype');
      continue;
    }
    if (key.length > METADATA_LIMITS.maxKeyLength) {
      v.add(index(path, i), 'max_length', `has a key longer than ${METADATA_LIMITS.maxKeyLength} characters`);
      continue;
    }
    if (key.length === 0 || key.length > ADVISED_LENGTH)
      v.warn(path, 'max_length', `has a key that is empty or longer than ${ADVISED_LENGTH} characters; it is sent`);
    if (typeof item !== 'string') v.add(index(path, i), 'type', 'must be a string');
    else if (hasControlCharacter(item)) v.add(index(path, i), 'pattern', 'must not contain control characters');
    else if (item.length > METADATA_LIMITS.maxValueLength)
      v.add(index(path, i), 'max_length', `must be at most ${METADATA_LIMITS.maxValueLength} characters`);
    else {
      if (item.length > ADVISED_LENGTH)
        v.warn(
          index(path, i),
          'max_length',
          `is longer than ${ADVISED_LENGTH} characters, the cap of Paxos's other resources; it is sent`,
        );
      out[key] = item;
    }
  }
  return v.items.length === before ? Object.freeze(out) : undefined;
}
