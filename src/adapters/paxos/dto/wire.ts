import { createRequire } from 'node:module';
import type * as ClassTransformer from 'class-transformer';
import type * as ClassValidator from 'class-validator';

type Decorator = (target: object, propertyKey: string | symbol) => void;
type ClassOf<T> = new () => T;

/** What a wire field accepts, as the class-validator decorators below state it. */
type WireKind =
  | 'string'
  | 'requiredString'
  | 'schemaRequiredString'
  | 'boolean'
  | 'number'
  | 'strings'
  | 'stringMap'
  | 'object'
  | 'nested'
  | 'nestedList';

/** One decorated field of a wire DTO. */
export interface WireField {
  readonly key: string;
  readonly kind: WireKind;
  readonly type?: () => ClassOf<object>;
}

const FIELDS = new WeakMap<object, WireField[]>();

/**
 * The fields of a wire DTO class in declaration order, as recorded by the decorators of this file (the same calls
 * that register them with class-validator and class-transformer), for the decoder's fast path.
 */
export function wireFieldsOf(type: object): readonly WireField[] {
  return FIELDS.get(type) ?? [];
}

/** class-validator and class-transformer, once the reference decoder needs them. */
export interface ReferenceLibraries {
  readonly validator: typeof ClassValidator;
  readonly transformer: typeof ClassTransformer;
}

/** The library decorators of one field, made once the libraries are loaded. */
type Registration = (libraries: ReferenceLibraries) => Decorator[];

// The two libraries and reflect-metadata cost about as much to load as the rest of the package, and a valid answer
// never needs them (the fast path of decode.ts accepts it): their decorators are kept here as registrations, applied
// in declaration order the first time the reference decoder runs, which is when an answer is not valid.
const PENDING: { target: object; key: string | symbol; register: Registration }[] = [];
let loaded: ReferenceLibraries | undefined;

/**
 * class-validator and class-transformer with every wire DTO's decorators registered: loaded on first call
 * (synchronously, so that decoding stays synchronous), then the same objects.
 */
export function referenceLibraries(): ReferenceLibraries {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    // class-transformer's @Type reads Reflect.getMetadata, which only exists once this polyfill is loaded.
    require('reflect-metadata');
    const libraries: ReferenceLibraries = {
      validator: require('class-validator') as typeof ClassValidator,
      transformer: require('class-transformer') as typeof ClassTransformer,
    };
    for (const { target, key, register } of PENDING.splice(0))
      for (const decorate of register(libraries)) decorate(target, key);
    loaded = libraries;
  }
  return loaded;
}

function compose(field: Omit<WireField, 'key'>, register: Registration): PropertyDecorator {
  return (target, key) => {
    if (loaded === undefined) PENDING.push({ target, key, register });
    else for (const decorate of register(loaded)) decorate(target, key);
    const owner = target.constructor;
    const fields = FIELDS.get(owner) ?? [];
    fields.push({ ...field, key: String(key) });
    FIELDS.set(owner, fields);
  };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A copy of a map of strings without its `__proto__` key, whatever its value (JSON.parse keeps it as an own key;
 * assigning it would replace the copy's prototype). Anything else is returned as is, for the validator to refuse.
 */
export function copyStringMap(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  const out: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    const item = value[key];
    if (typeof item !== 'string') return value;
    out[key] = item;
  }
  return out;
}

/** A map of string values (`metadata`). */
function IsStringMap({ validator }: ReferenceLibraries): Decorator {
  return validator.ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value: unknown) =>
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value).every((item) => typeof item === 'string'),
      defaultMessage: () => 'must be an object of string values',
    },
  });
}

// Every wire field is @Expose()d so that decoding with `excludeExtraneousValues` drops what Paxos adds without
// notice, and every enum is a plain string so that a value Paxos adds tomorrow does not fail today's decode.

/** An optional string (enums included: Paxos's enums are open). */
export const WireString = (): PropertyDecorator =>
  compose({ kind: 'string' }, ({ transformer: t, validator: v }) => [t.Expose(), v.IsOptional(), v.IsString()]);

/** A string that must be present and not empty. */
export const RequiredString = (): PropertyDecorator =>
  compose({ kind: 'requiredString' }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsDefined(),
    v.IsString(),
    v.IsNotEmpty(),
  ]);

/** A string the schema requires (an address's country, address1, city, province). */
export const SchemaRequiredString = (): PropertyDecorator =>
  compose({ kind: 'schemaRequiredString' }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsDefined(),
    v.IsString(),
  ]);

/** An optional boolean. */
export const WireBoolean = (): PropertyDecorator =>
  compose({ kind: 'boolean' }, ({ transformer: t, validator: v }) => [t.Expose(), v.IsOptional(), v.IsBoolean()]);

/** An optional number. */
export const WireNumber = (): PropertyDecorator =>
  compose({ kind: 'number' }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsOptional(),
    v.IsNumber({ allowNaN: false, allowInfinity: false }),
  ]);

/** An optional list of strings. */
export const WireStrings = (): PropertyDecorator =>
  compose({ kind: 'strings' }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsOptional(),
    v.IsArray(),
    v.IsString({ each: true }),
  ]);

// class-transformer walks an object without a @Type key by key and reads its `constructor` property: a map from
// Paxos with a "constructor" key would crash it. Typed as Object (so the walk yields nothing) and then replaced
// by a copy (maps) or the parsed value itself (free-form objects), such values are never walked.

/** An optional map of strings (`metadata`). */
export const WireStringMap = (): PropertyDecorator =>
  compose({ kind: 'stringMap' }, (libraries) => [
    libraries.transformer.Expose(),
    libraries.transformer.Type(() => Object),
    libraries.transformer.Transform(({ obj, key }) => copyStringMap((obj as Record<string, unknown>)[key])),
    libraries.validator.IsOptional(),
    IsStringMap(libraries),
  ]);

/** An optional free-form object (Problem `meta`), kept as parsed; read it with `Object.hasOwn`. */
export const WireObject = (): PropertyDecorator =>
  compose({ kind: 'object' }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    t.Type(() => Object),
    t.Transform(({ obj, key }) => (obj as Record<string, unknown>)[key]),
    v.IsOptional(),
    v.IsObject(),
  ]);

/** An optional nested object. `@Type` is explicit: tsx emits no decorator metadata to infer it from. */
export function WireNested<T extends object>(type: () => ClassOf<T>): PropertyDecorator {
  return compose({ kind: 'nested', type }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsOptional(),
    v.IsObject(),
    v.ValidateNested(),
    t.Type(type),
  ]);
}

/** An optional list of nested objects. */
export function WireNestedList<T extends object>(type: () => ClassOf<T>): PropertyDecorator {
  return compose({ kind: 'nestedList', type }, ({ transformer: t, validator: v }) => [
    t.Expose(),
    v.IsOptional(),
    v.IsArray(),
    v.ValidateNested({ each: true }),
    t.Type(type),
  ]);
}
