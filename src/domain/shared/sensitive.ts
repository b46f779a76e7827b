const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[REDACTED]';

/**
 * A value that must never reach a log line, an error message, `util.inspect`, `JSON.stringify` or `String()`:
 * CIP ids, tax payer ids, dates of birth, client secrets and access tokens.
 *
 * Every conversion prints `[REDACTED]`. The value comes out only through {@link Sensitive.reveal}, which the wire
 * serializer calls and application code may call when it truly needs the value.
 *
 * @example
 * ```ts
 * const ssn = Sensitive.of('111-11-1234');
 * `${ssn}`;            // '[REDACTED]'
 * JSON.stringify(ssn); // '"[REDACTED]"'
 * ssn.reveal();        // '111-11-1234'
 * ```
 */
export class Sensitive<T = string> {
  readonly #value: T;

  private constructor(value: T) {
    this.#value = value;
  }

  /** Wraps a value. */
  static of<T>(value: T): Sensitive<T> {
    return new Sensitive(value);
  }

  /** True when `value` is a {@link Sensitive}. */
  static isSensitive(value: unknown): value is Sensitive<unknown> {
    return value instanceof Sensitive;
  }

  /** Returns the wrapped value. Call it only where the value must leave the process (the wire) or be compared. */
  reveal(): T {
    return this.#value;
  }

  /** Compares the wrapped values without revealing them to the caller. */
  equals(other: Sensitive<T> | undefined): boolean {
    return other !== undefined && other.#value === this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return `Sensitive(${REDACTED})`;
  }
}
