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

/** Warnings kept per command; one more line then says the rest were left out. */
const MAX_WARNINGS = 100;

/**
 * Collects violations while a command is checked, so that every problem is reported at once, and the warnings of
 * advisory rules beside them.
 */
export class ViolationList {
  readonly items: Violation[] = [];
  readonly warnings: ValidationWarning[] = [];
  // Made on the first warning: most commands raise none, and a list is made for every command checked.
  #warned: Set<string> | undefined;

  add(path: string, code: ViolationCode, message: string): void {
    // A field whose getter threw reads as absent; saying it is also missing would be a second, wrong diagnosis.
    if (code === 'required' && this.items.some((x) => x.path === path && x.code === 'unreadable')) return;
    this.items.push({ path, code, message: `${path || 'command'}: ${message}` });
  }

  /** Records advice that does not refuse the command; the same advice at the same path is kept once. */
  warn(path: string, code: ViolationCode, message: string): void {
    // A hostile command can raise one warning per key of a 100,000-key map: each is found in a set, not by a scan of
    // the list, and past MAX_WARNINGS one line says the rest were left out, so that a log never gets them all.
    const key = `${path}\u0000${code}`;
    const warned = (this.#warned ??= new Set<string>());
    if (warned.has(key) || this.warnings.length > MAX_WARNINGS) return;
    warned.add(key);
    if (this.warnings.length === MAX_WARNINGS) {
      this.warnings.push({
        path: '',
        code: 'max_items',
        message: `command: more than ${String(MAX_WARNINGS)} warnings; the rest are left out`,
      });
      return;
    }
    this.warnings.push({ path, code, message: `${path || 'command'}: ${message}` });
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** The warnings as a frozen list, for the value the check produced. */
  frozenWarnings(): readonly ValidationWarning[] {
    return this.warnings.length === 0 ? NO_WARNINGS : Object.freeze([...this.warnings]);
  }
}

const NO_WARNINGS: readonly ValidationWarning[] = Object.freeze([]);

/** Joins a property name onto a path. */
export function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Joins an array index onto a path. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
