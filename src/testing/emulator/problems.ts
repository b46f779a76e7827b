import type { RouteResponse } from './router.js';
import { snakeOf } from './wire.js';

/** An RFC 7807 Problem as Paxos sends it: `{type, title, status, detail, meta}`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly meta?: Record<string, unknown>;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Already Exists',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const ALREADY_EXISTS = 'https://developer.paxos.com/docs/v2/problems/already-exists';

/** The reason phrase Paxos puts in `title` for a status. */
function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** A generic Problem (`type: about:blank`), as Paxos sends for 400, 401, 403, 404, 429 and 5xx. */
export function problem(status: number, detail?: string, meta?: Record<string, unknown>): Problem {
  return {
    type: 'about:blank',
    title: titleOf(status),
    status,
    ...(detail !== undefined && { detail }),
    ...(meta !== undefined && { meta }),
  };
}

/** Paxos's 401 for a request without a bearer token. */
export const NO_AUTHORIZATION = problem(401, 'no authorization header set');

/** Paxos's 403 when the token lacks the route's scope: `insufficient scopes: found '…', required one of '[…]'`. */
export function insufficientScopes(found: readonly string[], required: readonly string[]): Problem {
  return problem(403, `insufficient scopes: found '${found.join(' ')}', required one of '[${required.join(' ')}]'`);
}

/** Paxos's 409 for a create that repeats a `ref_id` or a CIP triple of the same API user. */
export function alreadyExists(conflict: 'ref_id' | 'cip_id', existingId: string): Problem {
  return {
    type: ALREADY_EXISTS,
    title: 'Already Exists',
    status: 409,
    detail:
      conflict === 'ref_id' ? 'duplicate ref_id provided' : 'duplicate (cip_id, cip_id_type, cip_id_country) provided',
    meta: { existing: { id: existingId } },
  };
}

/** Paxos's 404 for an identity that does not exist or belongs to another API user. */
export function identityNotFound(id: string): Problem {
  return /^[A-Za-z0-9._-]{1,64}$/.test(id)
    ? problem(404, `Identity with id ${id} doesn't exist`)
    : problem(404, 'identity not found');
}

/** Paxos's 429. */
export const TOO_MANY_REQUESTS = problem(429, 'Too many requests');

/**
 * A 400 that lists every violation: the detail names each wire path and rule (never a value), and
 * `meta.violations` carries them as `{path, code, message}` for programs.
 */
export function invalidRequest(
  violations: readonly { readonly path: string; readonly code: string; readonly message: string }[],
): Problem {
  const n = violations.length;
  const detail = `${n} invalid field${n === 1 ? '' : 's'}: ${violations.map((v) => v.message).join('; ')}`;
  return problem(400, detail, {
    violations: violations.map((v) => ({ path: v.path, code: v.code, message: v.message })),
  });
}

/**
 * The simulator's violations (the domain's camelCase paths, `members[0].identityId`) as Paxos names them on the wire
 * (`members[0].identity_id`), message prefix included, so that the emulator answers in Paxos's words.
 */
export function wireViolations(
  violations: readonly { readonly path: string; readonly code: string; readonly message: string }[],
): { path: string; code: string; message: string }[] {
  return violations.map((v) => {
    const path = snakeOf(v.path);
    const message = v.message.startsWith(`${v.path}: `) ? `${path}: ${v.message.slice(v.path.length + 2)}` : v.message;
    return { path, code: v.code, message };
  });
}

/** The response that carries a Problem: its status, and the Problem as the body. */
export function fail(p: Problem): RouteResponse {
  return { status: p.status, body: p };
}
