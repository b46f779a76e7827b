/** Stable machine-readable codes for what is wrong with a field. */
export type ViolationCode =
  | 'required'
  | 'type'
  | 'max_length'
  | 'pattern'
  | 'format'
  | 'enum'
  | 'country'
  | 'future_date'
  | 'forbidden'
  | 'conflict'
  | 'unknown_field'
  | 'min_items'
  | 'max_items'
  | 'range'
  | 'prohibited'
  | 'duplicate'
  | 'unreadable'
  | 'not_found';

/**
 * One broken rule. `path` is the command's camelCase dotted path (`person.address.city`,
 * `institutionMembers[0].roles`); `message` names the field and the rule and never echoes the value.
 */
export interface Violation {
  readonly path: string;
  readonly code: ViolationCode;
  readonly message: string;
}

/** Collects violations while a command is checked, so that every problem is reported at once. */
export class ViolationList {
  readonly items: Violation[] = [];

  add(path: string, code: ViolationCode, message: string): void {
    // A field whose getter threw reads as absent; saying it is also missing would be a second, wrong diagnosis.
    if (code === 'required' && this.items.some((x) => x.path === path && x.code === 'unreadable')) return;
    this.items.push({ path, code, message: `${path || 'command'}: ${message}` });
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }
}

/** Joins a property name onto a path. */
export function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Joins an array index onto a path. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
