/**
 * Extracts the Identity-related part of Paxos's own OpenAPI file into `src/testing/emulator/paxos-schemas.json`, the
 * data the emulator judges requests by. The project never reads Paxos's file at build, run or test time: run this by
 * hand when Paxos publishes a new spec, and commit the output.
 *
 *   npx tsx scripts/extract-paxos-schemas.ts <path-to-paxos-v2.openapi.json> [output.json]
 *
 * Kept: every operation under /identity/identities, /identity/institution-members, /identity/kycrefresh,
 * /identity/accounts, /identity/account-members, /identity/controls and /events
 * (method, path, parameters, request and 200 response schema names), and every component schema those operations
 * `$ref`, transitively, unmodified. Refs keep their `#/components/schemas/…` form, so the output is itself a
 * document ajv can resolve them in.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Paths whose operations the emulator serves or the library calls. */
const PATH_PREFIXES = [
  '/identity/identities',
  '/identity/institution-members',
  '/identity/kycrefresh',
  '/identity/accounts',
  '/identity/account-members',
  '/identity/controls',
  '/events',
];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const SCHEMA_REF = '#/components/schemas/';

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Every component schema name `value` refers to, directly. */
function refsIn(value: Json, into: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, into);
  } else if (isObject(value)) {
    const ref = value['$ref'];
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) into.add(ref.slice(SCHEMA_REF.length));
    for (const item of Object.values(value)) refsIn(item, into);
  }
  return into;
}

function schemaName(schema: Json | undefined): string | undefined {
  if (!isObject(schema)) return undefined;
  const ref = schema['$ref'];
  return typeof ref === 'string' && ref.startsWith(SCHEMA_REF) ? ref.slice(SCHEMA_REF.length) : undefined;
}

function jsonSchemaOf(content: Json | undefined): Json | undefined {
  if (!isObject(content)) return undefined;
  const json = content['application/json'];
  return isObject(json) ? json['schema'] : undefined;
}

/** The extracted document: source, operations by operationId and the component schemas they need. */
export function extract(spec: JsonObject, sourceText: string): JsonObject {
  const paths = isObject(spec['paths']) ? spec['paths'] : {};
  const components = isObject(spec['components']) ? spec['components'] : {};
  const allSchemas = isObject(components['schemas']) ? components['schemas'] : {};
  const operations: JsonObject = {};
  const roots = new Set<string>();
  for (const [path, item] of Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))) {
    if (!PATH_PREFIXES.some((prefix) => path.startsWith(prefix)) || !isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const id = typeof op['operationId'] === 'string' ? op['operationId'] : `${method} ${path}`;
      const requestBody = isObject(op['requestBody']) ? op['requestBody'] : {};
      const responses = isObject(op['responses']) ? op['responses'] : {};
      const ok = isObject(responses['200']) ? responses['200'] : {};
      const request = schemaName(jsonSchemaOf(requestBody['content']));
      const response = schemaName(jsonSchemaOf(ok['content']));
      const parameters = Array.isArray(op['parameters']) ? op['parameters'] : [];
      refsIn(op, roots);
      operations[id] = {
        method: method.toUpperCase(),
        path,
        ...(request !== undefined && { request }),
        ...(response !== undefined && { response }),
        parameters,
      };
    }
  }
  const kept = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (kept.has(name)) continue;
    const schema = allSchemas[name];
    if (schema === undefined) throw new Error(`the spec refers to a schema it does not define: ${name}`);
    kept.add(name);
    pending.push(...refsIn(schema, new Set()));
  }
  const schemas: JsonObject = {};
  for (const name of [...kept].sort()) schemas[name] = allSchemas[name] ?? null;
  const info = isObject(spec['info']) ? spec['info'] : {};
  return {
    source: {
      description: "Extracted from Paxos's v2 OpenAPI file by scripts/extract-paxos-schemas.ts; do not edit by hand.",
      openapi: spec['openapi'] ?? null,
      version: info['version'] ?? null,
      sha256: createHash('sha256').update(sourceText).digest('hex'),
    },
    operations,
    components: { schemas },
  };
}

const DEFAULT_OUTPUT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'testing',
  'emulator',
  'paxos-schemas.json',
);

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [input, output = DEFAULT_OUTPUT] = process.argv.slice(2);
  if (input === undefined) {
    console.error('usage: tsx scripts/extract-paxos-schemas.ts <path-to-paxos-v2.openapi.json> [output.json]');
    process.exit(2);
  }
  const text = readFileSync(input, 'utf8');
  const extracted = extract(JSON.parse(text) as JsonObject, text);
  // Formatted as the repository's prettier check expects, so a re-run on the same spec changes nothing.
  writeFileSync(
    output,
    await format(JSON.stringify(extracted), { ...(await resolveConfig(output)), filepath: output }),
  );
  const operations = Object.keys(extracted['operations'] as JsonObject).length;
  const schemas = Object.keys((extracted['components'] as { schemas: JsonObject }).schemas).length;
  console.log(`${operations} operations, ${schemas} schemas → ${output}`);
}
