import type { ClassTransformOptions } from 'class-transformer';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { copyStringMap, referenceLibraries, wireFieldsOf, type WireField } from './wire.js';

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
export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly string[] };

type ClassOf<T> = new () => T;

function flatten(errors: readonly ValidationError[], prefix: string, out: string[]): void {
  for (const error of errors) {
    if (out.length >= MAX_ISSUES) return;
    const path =
      prefix === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${prefix}[${error.property}]`
          : `${prefix}.${error.property}`;
    const rules = Object.keys(error.constraints ?? {});
    if (rules.length > 0) out.push(`${path}: ${rules.join(', ')}`);
    if (error.children !== undefined && error.children.length > 0) flatten(error.children, path, out);
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * class-transformer then class-validator: the reference semantics of every wire DTO. The first call loads both
 * libraries (about as long as loading the rest of the package); `decode` only comes here for an answer its fast
 * path does not accept.
 */
export function referenceDecode<T extends object>(type: ClassOf<T>, plain: unknown): Decoded<T> {
  if (!isJsonObject(plain)) return { ok: false, issues: ['body: must be a JSON object'] };
  const { transformer, validator } = referenceLibraries();
  let value: T;
  let errors: ValidationError[];
  try {
    value = transformer.plainToInstance(type, plain, TRANSFORM);
    errors = validator.validateSync(value, VALIDATE);
  } catch {
    // class-transformer can throw on hostile shapes (an object with a "constructor" key inside a list of strings):
    // that is an unusable body, and the TypeError, which may quote it, stays here.
    return { ok: false, issues: ['body: cannot be decoded'] };
  }
  if (errors.length === 0) return { ok: true, value };
  const issues: string[] = [];
  flatten(errors, '', issues);
  return { ok: false, issues };
}

// The fast path. class-transformer and class-validator walk their metadata stores for every property of every
// object, which costs about 14 times a JSON.parse of the same identity. The decorators in wire.ts also record each
// field's kind; the fast path reads those records and applies the same rules in one pass. It only ever accepts:
// whatever it does not accept goes through the reference path, which then names the issues. A property test checks
// that every value it accepts, the reference accepts too and decodes to the same DTO. Its field lists are those
// decorator records, which test/adapters/paxos/dto-tables.test.ts proves equal to the domain's field tables: there is
// no second list of fields here. (10 000 seed responses: about 55 ms this way, about 590 ms by the reference path.)

interface Plan {
  readonly type: ClassOf<object>;
  readonly fields: readonly WireField[];
}

const PLANS = new WeakMap<object, Plan | null>();

function planOf(type: ClassOf<object>): Plan | undefined {
  let plan = PLANS.get(type);
  if (plan === undefined) {
    const fields = wireFieldsOf(type);
    plan = fields.length === 0 ? null : { type, fields };
    PLANS.set(type, plan);
  }
  return plan ?? undefined;
}

function build(plan: Plan, source: Record<string, unknown>): object | undefined {
  const target = new plan.type() as Record<string, unknown>;
  for (const field of plan.fields) {
    const value = Object.hasOwn(source, field.key) ? source[field.key] : undefined;
    if (value === undefined) {
      if (field.kind === 'requiredString' || field.kind === 'schemaRequiredString') return undefined;
      continue;
    }
    switch (field.kind) {
      case 'requiredString':
        if (typeof value !== 'string' || value === '') return undefined;
        target[field.key] = value;
        continue;
      case 'schemaRequiredString':
        if (typeof value !== 'string') return undefined;
        target[field.key] = value;
        continue;
      default:
        break;
    }
    if (value === null) {
      // @IsOptional lets null through, and class-transformer keeps it: so does the fast path.
      target[field.key] = null;
      continue;
    }
    switch (field.kind) {
      case 'string':
        if (typeof value !== 'string') return undefined;
        target[field.key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return undefined;
        target[field.key] = value;
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
        target[field.key] = value;
        break;
      case 'strings': {
        if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
        target[field.key] = value.slice();
        break;
      }
      case 'stringMap': {
        const map = copyStringMap(value);
        // A map that copyStringMap hands back unchanged has a value that is not a string.
        if (!isJsonObject(value) || map === value) return undefined;
        target[field.key] = map;
        break;
      }
      case 'object':
        if (!isJsonObject(value)) return undefined;
        target[field.key] = value;
        break;
      case 'nested': {
        const nested = field.type === undefined ? undefined : planOf(field.type());
        const built = nested !== undefined && isJsonObject(value) ? build(nested, value) : undefined;
        if (built === undefined) return undefined;
        target[field.key] = built;
        break;
      }
      case 'nestedList': {
        const nested = field.type === undefined ? undefined : planOf(field.type());
        if (nested === undefined || !Array.isArray(value)) return undefined;
        const items: object[] = [];
        for (const item of value) {
          const built = isJsonObject(item) ? build(nested, item) : undefined;
          if (built === undefined) return undefined;
          items.push(built);
        }
        target[field.key] = items;
        break;
      }
      default:
        return undefined;
    }
  }
  return target;
}

/** The fast path alone: the decoded DTO when it accepts `plain`, otherwise undefined (not necessarily invalid). */
export function fastDecode<T extends object>(type: ClassOf<T>, plain: unknown): T | undefined {
  const plan = planOf(type);
  return plan === undefined || !isJsonObject(plain) ? undefined : (build(plan, plain) as T | undefined);
}

/**
 * Checks a parsed JSON value against a wire DTO class: shape and types, unknown properties dropped, enums open.
 * Valid input takes the fast path; anything else is decided, and its issues named, by class-validator.
 */
export function decode<T extends object>(type: ClassOf<T>, plain: unknown): Decoded<T> {
  const fast = fastDecode(type, plain);
  return fast === undefined ? referenceDecode(type, plain) : { ok: true, value: fast };
}

/**
 * The DTO that a JSON text holds, or undefined when the text is not JSON or not of that shape: for the bodies of
 * error answers, which are read for what they can tell and otherwise ignored.
 */
export function decodeJsonText<T extends object>(type: ClassOf<T>, text: string): T | undefined {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return undefined;
  }
  const decoded = decode(type, plain);
  return decoded.ok ? decoded.value : undefined;
}
