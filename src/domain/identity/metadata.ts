import { at, type ViolationList } from '../shared/violations.js';

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
// eslint-disable-next-line no-control-regex -- finds control characters so that metadata holding them is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SAFE_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Checks metadata: a plain object whose keys and values are strings; prototype-related keys and control characters
 * are refused. Sizes past the caps of Paxos's other resources are warned about.
 */
export function parseMetadata(v: ViolationList, path: string, value: unknown): Metadata | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    v.add(path, 'type', 'must be an object of string values');
    return undefined;
  }
  let plain: boolean;
  let entries: [string, unknown][];
  let symbolKeys: number;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    plain = (proto === Object.prototype || proto === null) && !Array.isArray(value);
    entries = Object.entries(value);
    symbolKeys = Object.getOwnPropertySymbols(value).length;
  } catch {
    v.add(path, 'unreadable', 'could not be read');
    return undefined;
  }
  // A Map, an array or a class instance would pass Object.entries with its data silently left behind.
  if (!plain) {
    v.add(path, 'type', 'must be a plain object of string values');
    return undefined;
  }
  if (symbolKeys > 0) {
    v.add(path, 'type', 'keys must be strings');
    return undefined;
  }
  if (entries.length > ADVISED_PAIRS)
    v.warn(path, 'max_items', `has more than ${ADVISED_PAIRS} keys, the cap of Paxos's other resources; it is sent`);
  const before = v.items.length;
  const out: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (FORBIDDEN_KEYS.has(key) || CONTROL.test(key)) {
      v.add(path, 'forbidden', 'keys must be printable and not __proto__, constructor or prototype');
      continue;
    }
    if (key.length === 0 || key.length > ADVISED_LENGTH)
      v.warn(path, 'max_length', `has a key that is empty or longer than ${ADVISED_LENGTH} characters; it is sent`);
    if (typeof item === 'string' && !CONTROL.test(item)) {
      if (item.length > ADVISED_LENGTH)
        v.warn(
          at(path, SAFE_KEY.test(key) ? key : '[key]'),
          'max_length',
          `is longer than ${ADVISED_LENGTH} characters, the cap of Paxos's other resources; it is sent`,
        );
      out[key] = item;
      continue;
    }
    // The path is only built for a value that is reported.
    const itemPath = at(path, SAFE_KEY.test(key) ? key : JSON.stringify(key));
    if (typeof item !== 'string') v.add(itemPath, 'type', 'must be a string');
    else v.add(itemPath, 'pattern', 'must not contain control characters');
  }
  return v.items.length === before ? Object.freeze(out) : undefined;
}
