import { DEFAULT_MAX_ITEMS } from '../shared/guard.js';
import { at, type ViolationList } from '../shared/violations.js';

/** Free-form string key/value pairs stored with an identity. */
export type Metadata = Readonly<Record<string, string>>;

// Keys that would change an object's prototype or shadow its machinery when copied into a plain object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_KEY = 100;
const MAX_VALUE = 1000;
// eslint-disable-next-line no-control-regex -- finds control characters so that metadata holding them is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SAFE_KEY = /^[A-Za-z0-9_$-]+$/;

/** Checks metadata: a plain object whose keys and values are strings; prototype-related keys are refused. */
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
  if (entries.length > DEFAULT_MAX_ITEMS) {
    v.add(path, 'max_items', `must have at most ${DEFAULT_MAX_ITEMS} keys`);
    return undefined;
  }
  const before = v.items.length;
  const out: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (FORBIDDEN_KEYS.has(key) || key.length === 0 || key.length > MAX_KEY || CONTROL.test(key)) {
      v.add(
        path,
        'forbidden',
        `keys must be 1 to ${MAX_KEY} printable characters and not __proto__, constructor or prototype`,
      );
      continue;
    }
    if (typeof item === 'string' && item.length <= MAX_VALUE && !CONTROL.test(item)) {
      out[key] = item;
      continue;
    }
    // The path is only built for a value that is reported.
    const itemPath = at(path, SAFE_KEY.test(key) ? key : JSON.stringify(key));
    if (typeof item !== 'string') v.add(itemPath, 'type', 'must be a string');
    else if (item.length > MAX_VALUE) v.add(itemPath, 'max_length', `must be at most ${MAX_VALUE} characters`);
    else v.add(itemPath, 'pattern', 'must not contain control characters');
  }
  return v.items.length === before ? Object.freeze(out) : undefined;
}
