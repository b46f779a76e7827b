import { randomUUID } from 'node:crypto';
import { uniqueEin, uniqueSsn } from '../support/builders.js';
import { llcDetails, seedPersonDetails } from '../support/seed.js';
import type { PaxosEmulator } from '../../src/testing.js';

/** The seed page's create body (snake_case, `metadata` inside `person_details`), with a fresh SSN and ref_id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reshape this body into invalid wire shapes (renamed, deleted, mistyped fields)
export function seedBody(changes: { ssn?: string; refId?: string } = {}): Record<string, any> {
  return {
    person_details: {
      ...seedPersonDetails(changes.ssn ?? uniqueSsn()),
      metadata: { custom_property1: 'custom value 1', custom_property2: 'custom value 2' },
    },
    ref_id: changes.refId ?? randomUUID(),
  };
}

/** Both identity scopes. */
export const ALL_SCOPES = 'identity:read_identity identity:write_identity';

/** Fetches a token with client_secret_post. */
export async function tokenFor(
  emulator: PaxosEmulator,
  scope = ALL_SCOPES,
  credentials = { clientId: emulator.clientId, clientSecret: emulator.clientSecret },
): Promise<string> {
  const response = await fetch(emulator.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope,
    }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A JSON response: status, headers and parsed body. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON response, read field by field in assertions
  readonly body: any;
}

/** Calls the emulator's API with a bearer token (or none) and reads the JSON answer. */
export async function call(
  emulator: PaxosEmulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${emulator.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * Asks the emulator for an upload slot of `types` on an identity, PUTs a small PDF at its pre-signed URL, and answers
 * both statuses, so that a test asserts on them.
 */
export async function uploadPdf(
  emulator: PaxosEmulator,
  token: string,
  identityId: string,
  types: readonly string[],
  name = 'document.pdf',
): Promise<{ slot: number; upload: number }> {
  const slot = await call(emulator, 'PUT', `/identity/identities/${identityId}/documents`, {
    token,
    body: { name, document_types: types },
  });
  if (slot.status !== 200) return { slot: slot.status, upload: 0 };
  const put = await fetch(slot.body.upload_url as string, {
    method: 'PUT',
    body: new TextEncoder().encode('%PDF-1.4\n%test\n'),
    headers: { 'content-type': 'application/pdf' },
  });
  await put.arrayBuffer();
  return { slot: slot.status, upload: put.status };
}

/** A clock the test moves by hand. */
export class ManualClock {
  private ms: number;

  constructor(start = '2026-01-15T10:00:00.000Z') {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A valid LLC create body in Paxos's wire format (unique EIN), with the given `institution_members`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reshape this body into invalid wire shapes
export function llcBody(members: unknown[], refId: string = randomUUID()): Record<string, any> {
  return {
    ref_id: refId,
    institution_details: llcDetails(uniqueEin()),
    institution_members: members,
  };
}

/**
 * The identity calls most emulator suites make with their one token, reading the emulator and the token only when a
 * call is made (both are set in a `before` hook, after the suite has registered its cases).
 */
export function identityCalls(session: () => { emulator: PaxosEmulator; token: string }): {
  create: (body: unknown) => Promise<JsonResponse>;
  get: (id: string, query?: string) => Promise<JsonResponse>;
  sandbox: (id: string, body: unknown) => Promise<JsonResponse>;
} {
  const send = (method: string, path: string, body?: unknown) => {
    const { emulator, token } = session();
    return call(emulator, method, path, { token, body });
  };
  return {
    create: (body) => send('POST', '/identity/identities', body),
    get: (id, query = '') => send('GET', `/identity/identities/${id}${query}`),
    sandbox: (id, body) => send('PUT', `/identity/identities/${id}/sandbox-status`, body),
  };
}
