// class-transformer's @Type reads Reflect.getMetadata, which only exists once this polyfill is loaded.
import 'reflect-metadata';
import { Expose, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDefined, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, ValidateBy, ValidateNested } from 'class-validator';

type Decorator = (target: object, propertyKey: string | symbol) => void;
type ClassOf<T> = new () => T;

function compose(...decorators: Decorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

/**
 * A map of string values (`metadata`). JSON.parse keeps `__proto__` as an own key; the mapper drops it, this only
 * checks the types.
 */
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
export const WireString = (): PropertyDecorator => compose(Expose(), IsOptional(), IsString());

/** A string that must be present and not empty. */
export const RequiredString = (): PropertyDecorator => compose(Expose(), IsDefined(), IsString(), IsNotEmpty());

/** A string the schema requires (an address's country, address1, city, province). */
export const SchemaRequiredString = (): PropertyDecorator => compose(Expose(), IsDefined(), IsString());

/** An optional boolean. */
export const WireBoolean = (): PropertyDecorator => compose(Expose(), IsOptional(), IsBoolean());

/** An optional number. */
export const WireNumber = (): PropertyDecorator => compose(Expose(), IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }));

/** An optional list of strings. */
export const WireStrings = (): PropertyDecorator => compose(Expose(), IsOptional(), IsArray(), IsString({ each: true }));

/** An optional map of strings. */
export const WireStringMap = (): PropertyDecorator => compose(Expose(), IsOptional(), IsStringMap());

/** An optional free-form object (Problem `meta`). */
export const WireObject = (): PropertyDecorator => compose(Expose(), IsOptional(), IsObject());

/** An optional nested object. `@Type` is explicit: tsx emits no decorator metadata to infer it from. */
export function WireNested<T>(type: () => ClassOf<T>): PropertyDecorator {
  return compose(Expose(), IsOptional(), IsObject(), ValidateNested(), Type(type));
}

/** An optional list of nested objects. */
export function WireNestedList<T>(type: () => ClassOf<T>): PropertyDecorator {
  return compose(Expose(), IsOptional(), IsArray(), ValidateNested({ each: true }), Type(type));
}
