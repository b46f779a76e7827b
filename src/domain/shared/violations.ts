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
  | 'not_found'
  | 'no_change'
  | 'unexpected';

/**
 * One broken rule. `path` is the command's camelCase dotted path (`person.address.city`,
 * `institutionMembers[0].roles`); `message` names the field and the rule and never echoes the value.
 */
export interface Violation {
  readonly path: string;
  readonly code: ViolationCode;
  readonly message: string;
}

/**
 * Advice about a command that Paxos accepts but that is probably not what the caller meant, or that a stricter rule
 * profile would refuse (an unassigned country code, a date in the future, a due-diligence answer Paxos's guide lists
 * as required). Same shape as a {@link Violation}: the path, a stable code, a message that never echoes the value.
 * A warning never stops a create or an update.
 */
export type ValidationWarning = Violation;

/**
 * Collects violations while a command is checked, so that every problem is reported at once, and the warnings of
 * advisory rules beside them.
 */
export class ViolationList {
  readonly items: Violation[] = [];
  readonly warnings: ValidationWarning[] = [];

  add(path: string, code: ViolationCode, message: string): void {
    // A field whose getter threw reads as absent; saying it is also missing would be a second, wrong diagnosis.
    if (code === 'required' && this.items.some((x) => x.path === path && x.code === 'unreadable')) return;
    this.items.push({ path, code, message: `${path || 'command'}: ${message}` });
  }

  /** Records advice that does not refuse the command; the same advice at the same path is kept once. */
  warn(path: string, code: ViolationCode, message: string): void {
    if (this.warnings.some((x) => x.path === path && x.code === code)) return;
    this.warnings.push({ path, code, message: `${path || 'command'}: ${message}` });
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
