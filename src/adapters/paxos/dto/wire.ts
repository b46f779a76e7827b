// class-transformer's @Type reads Reflect.getMetadata, which only exists once this polyfill is loaded.
import 'reflect-metadata';
import { Expose, Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

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

function compose(field: Omit<WireField, 'key'>, ...decorators: Decorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
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
function IsStringMap(): Decorator {
  return ValidateBy({
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
export const WireString = (): PropertyDecorator => compose({ kind: 'string' }, Expose(), IsOptional(), IsString());

/** A string that must be present and not empty. */
export const RequiredString = (): PropertyDecorator =>
  compose({ kind: 'requiredString' }, Expose(), IsDefined(), IsString(), IsNotEmpty());

/** A string the schema requires (an address's country, address1, city, province). */
export const SchemaRequiredString = (): PropertyDecorator =>
  compose({ kind: 'schemaRequiredString' }, Expose(), IsDefined(), IsString());

/** An optional boolean. */
export const WireBoolean = (): PropertyDecorator => compose({ kind: 'boolean' }, Expose(), IsOptional(), IsBoolean());

/** An optional number. */
export const WireNumber = (): PropertyDecorator =>
  compose({ kind: 'number' }, Expose(), IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }));

/** An optional list of strings. */
export const WireStrings = (): PropertyDecorator =>
  compose({ kind: 'strings' }, Expose(), IsOptional(), IsArray(), IsString({ each: true }));

/** An optional map of strings. */
// class-transformer walks an object without a @Type key by key and reads its `constructor` property: a map from
// Paxos with a "constructor" key would crash it. Typed as Object (so the walk yields nothing) and then replaced
// by a copy (maps) or the parsed value itself (free-form objects), such values are never walked.

/** An optional map of strings (`metadata`). */
export const WireStringMap = (): PropertyDecorator =>
  compose(
    { kind: 'stringMap' },
    Expose(),
    Type(() => Object),
    Transform(({ obj, key }) => copyStringMap((obj as Record<string, unknown>)[key])),
    IsOptional(),
    IsStringMap(),
  );

/** An optional free-form object (Problem `meta`), kept as parsed; read it with `Object.hasOwn`. */
export const WireObject = (): PropertyDecorator =>
  compose(
    { kind: 'object' },
    Expose(),
    Type(() => Object),
    Transform(({ obj, key }) => (obj as Record<string, unknown>)[key]),
    IsOptional(),
    IsObject(),
  );

/** An optional nested object. `@Type` is explicit: tsx emits no decorator metadata to infer it from. */
export function WireNested<T extends object>(type: () => ClassOf<T>): PropertyDecorator {
  return compose({ kind: 'nested', type }, Expose(), IsOptional(), IsObject(), ValidateNested(), Type(type));
}

/** An optional list of nested objects. */
export function WireNestedList<T extends object>(type: () => ClassOf<T>): PropertyDecorator {
  return compose(
    { kind: 'nestedList', type },
    Expose(),
    IsOptional(),
    IsArray(),
    ValidateNested({ each: true }),
    Type(type),
  );
}
