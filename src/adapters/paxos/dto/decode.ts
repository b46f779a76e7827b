import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';

// Built once: decoding runs on every response and must stay close to the cost of JSON.parse.
const TRANSFORM: ClassTransformOptions = {
  // Only @Expose()d fields survive: unknown properties from Paxos are dropped, and so are `__proto__` keys.
  excludeExtraneousValues: true,
  exposeUnsetFields: false,
  // Types are checked, never coerced: "42" stays a string and fails an @IsNumber.
  enableImplicitConversion: false,
};

const VALIDATE: ValidatorOptions = {
  // class-validator otherwise copies the failing value (a CIP id, a date of birth) and the whole object into errors.
  validationError: { target: false, value: false },
  forbidUnknownValues: true,
};

const MAX_ISSUES = 20;

/** The result of decoding a JSON value into a wire DTO. `issues` name paths and rules, never values. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly string[] };

function flatten(errors: readonly ValidationError[], prefix: string, out: string[]): void {
  for (const error of errors) {
    if (out.length >= MAX_ISSUES) return;
    const path = prefix === '' ? error.property : /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`;
    const rules = Object.keys(error.constraints ?? {});
    if (rules.length > 0) out.push(`${path}: ${rules.join(', ')}`);
    if (error.children !== undefined && error.children.length > 0) flatten(error.children, path, out);
  }
}

/** Checks a parsed JSON value against a wire DTO class: shape and types, unknown properties dropped. */
export function decode<T extends object>(type: new () => T, plain: unknown): Decoded<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, issues: ['body: must be a JSON object'] };
  }
  const value = plainToInstance(type, plain, TRANSFORM) as T;
  const errors = validateSync(value, VALIDATE);
  if (errors.length === 0) return { ok: true, value };
  const issues: string[] = [];
  flatten(errors, '', issues);
  return { ok: false, issues };
}
