/**
 * A create body read into the library's `CreateIdentityCommand`, for the CLI and the demo, which check it with the
 * library's own rules. The emulator's routes do not use this module: they judge bodies by Paxos's schemas and rules.
 * Names follow the vendored schema (see wire.ts), so there is no field list here either.
 */
import {
  IdentityValidationError,
  NewIdentity,
  type CreateIdentityCommand,
  type Violation,
} from '../../domain/index.js';
import { resolveRef, schemaOf, validateAgainst, type SchemaObject, type WireObject } from './schemas.js';
import { camelOf, conflictingEchoes, foldEchoes, fromWire, liftPersonMetadata, snakeOf, SERVER_SET } from './wire.js';

/** The object schema a property holds, through a `$ref` and, for a list, its items. */
function resolveSchema(schema: SchemaObject | undefined): SchemaObject | undefined {
  const resolved = resolveRef(schema);
  return resolved?.type === 'array' ? resolveRef(resolved.items) : resolved;
}

/** Behaviour switches of the wire reader. */
export interface WireReadOptions {
  /** `'reject'` (default) reports every field Paxos's schema does not have; `'ignore'` drops them silently. */
  readonly unknownFields?: 'reject' | 'ignore';
}

/** What a create body turned into: the camelCase command, and the wire-level problems found on the way. */
export interface CreateRequestReading {
  /** Undefined when the body is not a JSON object. */
  readonly command: CreateIdentityCommand | undefined;
  /** Unknown or conflicting fields, with snake_case wire paths. */
  readonly violations: readonly Violation[];
}

function isPlainObject(value: unknown): value is WireObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const CREATE = schemaOf('CreateIdentityRequest') as SchemaObject;

/**
 * Reads the body of `POST /identity/identities` into a create command. Deprecated `govt_id` / `govt_id_type` stand in
 * for `cip_id` / `cip_id_type` when those are absent, and `metadata` inside `person_details` (as on Paxos's own
 * create page) is taken as the identity's metadata; the top-level keys win when both are sent.
 */
export function readCreateRequest(body: unknown, options: WireReadOptions = {}): CreateRequestReading {
  if (!isPlainObject(body)) {
    return { command: undefined, violations: [{ path: 'body', code: 'type', message: 'body: must be a JSON object' }] };
  }
  const violations: Violation[] = [];
  const lifted = liftPersonMetadata(body);
  const inner = isPlainObject(body['person_details']) ? body['person_details']['metadata'] : undefined;
  if (inner !== undefined && !isPlainObject(inner))
    violations.push({
      path: 'person_details.metadata',
      code: 'type',
      message: 'person_details.metadata: must be an object of string values',
    });
  if (options.unknownFields !== 'ignore') {
    for (const issue of validateAgainst('CreateIdentityRequest', lifted, true))
      if (issue.code === 'unknown_field') violations.push(issue);
  }
  for (const path of conflictingEchoes(body['person_details'], 'person_details'))
    violations.push({
      path,
      code: 'conflict',
      message: `${path}: is a deprecated alias and must match the field it stands for`,
    });
  const folded = { ...lifted, person_details: foldEchoes(lifted['person_details']) };
  const command = fromWire(folded, CREATE, { wrap: false, skip: SERVER_SET }) as CreateIdentityCommand;
  return { command, violations };
}

/**
 * Reads a create body and checks it with the library's rules. Every violation carries the snake_case wire path
 * (`person_details.address.city`), so a report names the fields the way the caller wrote them.
 */
export function parseCreateRequest(
  body: unknown,
  options: WireReadOptions & { readonly now?: Date } = {},
): { ok: true; identity: NewIdentity } | { ok: false; violations: readonly Violation[] } {
  const reading = readCreateRequest(body, options);
  if (reading.command === undefined) return { ok: false, violations: reading.violations };
  try {
    const identity = NewIdentity.create(reading.command, { now: options.now });
    return reading.violations.length === 0 ? { ok: true, identity } : { ok: false, violations: reading.violations };
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    return { ok: false, violations: [...reading.violations, ...createViolationsToWire(error.violations)] };
  }
}

/** Maps a command path (`person.address.zipCode`, `taxDetails[0].taxPayerId`) to its wire path. */
export function toWirePath(path: string): string {
  if (path === '') return 'body';
  const segments = path.split('.');
  const out: string[] = [];
  let schema: SchemaObject | undefined = CREATE;
  for (const [i, segment] of segments.entries()) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(segment);
    const name = match?.[1] ?? segment;
    const index = match?.[2] ?? '';
    const wire = Object.keys(schema?.properties ?? {}).find((key) => camelOf(key) === name) ?? snakeOf(name);
    out.push(wire + index);
    if (wire === 'metadata') {
      out.push(...segments.slice(i + 1));
      break;
    }
    schema = resolveSchema(schema?.properties?.[wire]);
  }
  return out.join('.');
}

/** camelCase names of the create request's fields (at any depth) and their wire names, longest first. */
function renames(schema: SchemaObject | undefined, into: Map<string, string>, depth = 0): Map<string, string> {
  if (schema?.properties === undefined || depth > 4) return into;
  for (const [wire, property] of Object.entries(schema.properties)) {
    if (camelOf(wire) !== wire) into.set(camelOf(wire), wire);
    renames(resolveSchema(property), into, depth + 1);
  }
  return into;
}

const RENAMES = [...renames(CREATE, new Map())].sort((a, b) => b[0].length - a[0].length);
const RENAME_PATTERN = new RegExp(`\\b(${RENAMES.map(([camel]) => camel).join('|')})\\b`, 'g');
const RENAME_LOOKUP = new Map(RENAMES);

/**
 * Rewrites violations of a create command (camelCase paths, as the library reports them) with the wire names of
 * `CreateIdentityRequest`, for people who wrote the snake_case body.
 */
export function createViolationsToWire(violations: readonly Violation[]): Violation[] {
  return violations.map((violation) => {
    const path = toWirePath(violation.path);
    const prefix = `${violation.path || 'command'}: `;
    const text = violation.message.startsWith(prefix) ? violation.message.slice(prefix.length) : violation.message;
    const reworded = text.replace(RENAME_PATTERN, (camel) => RENAME_LOOKUP.get(camel) ?? camel);
    return { path, code: violation.code, message: `${path}: ${reworded}` };
  });
}
