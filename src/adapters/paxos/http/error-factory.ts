import {
  AccountAlreadyExistsError,
  AccountMemberNotFoundError,
  AccountNotFoundError,
  DocumentAlreadyExistsError,
  EventNotFoundError,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  InstitutionMemberNotFoundError,
  IdentityControlNotFoundError,
  type IdentityConflict,
  type IdentityServiceError,
  type Violation,
  type ViolationCode,
} from '../../../domain/index.js';
import { holdsSensitive, scrubServerText } from '../../../domain/shared/scrub.js';
import {
  answeredByPaxos,
  PaxosAuthenticationError,
  PaxosBadRequestError,
  PaxosHttpError,
  PaxosPermissionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
  type PaxosErrorOptions,
  type ProblemFields,
  type RequestSummary,
} from '../errors.js';

/** What the path of a request names, so that its 404 becomes the domain's not-found error for that thing. */
export type NamedResource =
  | { readonly identity: string }
  | { readonly member: string }
  | { readonly event: string }
  | { readonly account: string }
  | { readonly accountMember: string }
  | { readonly control: string };

/**
 * What a 409 on this route means: a create meeting an existing identity, a document name already taken, or an
 * account `ref_id` already used.
 */
export type ConflictMeaning = 'identity' | 'document' | 'account';

/** Everything known about a failed answer when it is turned into an error, from the API or the token endpoint. */
export interface FailedAnswer {
  /** `token`: the OAuth endpoint, whose refusals are credential problems; `api`: every other route. */
  readonly endpoint: 'api' | 'token';
  readonly request: RequestSummary;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly problem: ProblemFields | undefined;
  readonly attempts: number;
  readonly resource?: NamedResource | undefined;
  readonly conflict?: ConflictMeaning | undefined;
  /** The `ref_id` the request carried, to tell a duplicate ref_id from a duplicate CIP triple without prose. */
  readonly refId?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  /** The end of the cool-down the 429 started, when a limiter holds one. */
  readonly retryAt?: Date | undefined;
  /**
   * The personal values sent in this request, to scrub from every text of Paxos's answer that reaches an error, in
   * any spelling (separators, date formats).
   */
  readonly sensitive?: readonly string[] | undefined;
  /** The token endpoint's RFC 6749 `error` code (never its description, which may echo what was sent). */
  readonly oauthError?: string | undefined;
  /** The scopes the token request asked for, to explain `invalid_scope`. */
  readonly scopes?: readonly string[] | undefined;
}

const MAX_PROBLEM_TYPE = 200;
/** An id Paxos names in `meta.existing.id`: short and printable, or it is not trusted as an identity id. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SCOPE = /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/;
/** Paxos names scopes only in prose: `insufficient scopes: found '…', required one of '[…]'`. */
const INSUFFICIENT_SCOPES = /found '([^']*)',\s*required one of '\[([^\]]*)\]'/;

/**
 * A Problem `type` worth keeping: a short printable string that quotes none of the request's personal values and
 * nothing shaped like a tax id (it is the body's text, as much as `detail` is).
 */
function safeProblemType(type: string | undefined, sensitive: readonly string[] | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- a type holding a control character is refused, so the regex must match them
  if (type === undefined || type.length > MAX_PROBLEM_TYPE || /[\s\u0000-\u001f\u007f-\u009f]/.test(type))
    return undefined;
  return holdsSensitive(type, sensitive) ? undefined : type;
}

/** The scopes named in Paxos's prose; one that spells a value sent (`518:274930`) is no scope and is left out. */
function scopeList(text: string | undefined, sensitive: readonly string[] | undefined): string[] {
  if (text === undefined) return [];
  return text.split(/[\s,]+/).filter((scope) => SCOPE.test(scope) && !holdsSensitive(scope, sensitive));
}

function existingOf(meta: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  const existing = meta?.['existing'];
  return existing !== null && typeof existing === 'object' ? (existing as Record<string, unknown>) : {};
}

/** `meta.existing.id`, when it looks like an id and spells none of the values sent (an SSN passes {@link ID}). */
function existingIdOf(
  existing: Readonly<Record<string, unknown>>,
  sensitive: readonly string[] | undefined,
): string | undefined {
  const id: unknown = Object.hasOwn(existing, 'id') ? existing['id'] : undefined;
  return typeof id === 'string' && ID.test(id) && !holdsSensitive(id, sensitive) ? id : undefined;
}

/**
 * Which uniqueness rule a 409 broke. Structured fields first: an existing identity whose `ref_id` is the one sent
 * is a ref_id duplicate, and a request that sent no `ref_id` can only meet a CIP triple. Paxos documents only
 * `meta.existing.id`, so its `detail` (`duplicate ref_id provided`) decides the rest.
 */
function conflictOf(answer: FailedAnswer, existing: Readonly<Record<string, unknown>>): IdentityConflict | undefined {
  const existingRef: unknown = Object.hasOwn(existing, 'ref_id') ? existing['ref_id'] : undefined;
  if (typeof existingRef === 'string' && answer.refId !== undefined)
    return existingRef === answer.refId ? 'ref_id' : 'cip_id';
  if (answer.refId === undefined && answer.request.method === 'POST') return 'cip_id';
  return proseConflictOf(answer);
}

/** The fallback: Paxos's `detail` says `duplicate ref_id provided` or `duplicate (cip_id, …) provided`. */
function proseConflictOf(answer: FailedAnswer): IdentityConflict | undefined {
  const said = answer.problem?.detail ?? '';
  return /\bref_id\b/.test(said) ? 'ref_id' : /\bcip_id\b/.test(said) ? 'cip_id' : undefined;
}

function notFound(resource: NamedResource, options: PaxosErrorOptions): IdentityServiceError {
  if ('identity' in resource) return answeredByPaxos(new IdentityNotFoundError(resource.identity), options);
  if ('member' in resource) return answeredByPaxos(new InstitutionMemberNotFoundError(resource.member), options);
  if ('account' in resource) return answeredByPaxos(new AccountNotFoundError(resource.account), options);
  if ('accountMember' in resource)
    return answeredByPaxos(new AccountMemberNotFoundError(resource.accountMember), options);
  if ('control' in resource) return answeredByPaxos(new IdentityControlNotFoundError(resource.control), options);
  return answeredByPaxos(new EventNotFoundError(resource.event), options);
}

function conflict(answer: FailedAnswer, detail: string | undefined, options: PaxosErrorOptions): IdentityServiceError {
  if (answer.conflict === 'document') return answeredByPaxos(new DocumentAlreadyExistsError(), options);
  const existing = existingOf(answer.problem?.meta);
  const existingId = existingIdOf(existing, answer.sensitive);
  // An account has one uniqueness rule, its ref_id (§6.1): no prose to read.
  if (answer.conflict === 'account')
    return existingId === undefined
      ? new PaxosHttpError(answer.status, detail, options)
      : answeredByPaxos(new AccountAlreadyExistsError(existingId), options);
  // A route that declares no meaning gets only Paxos's own words: the structured rules assume an identity write.
  const kind = answer.conflict === 'identity' ? conflictOf(answer, existing) : proseConflictOf(answer);
  // Without the existing id a create cannot be replayed: surface the answer as it is.
  if (existingId === undefined || kind === undefined) return new PaxosHttpError(answer.status, detail, options);
  return answeredByPaxos(new IdentityAlreadyExistsError(existingId, kind), options);
}

function rateLimited(answer: FailedAnswer, options: PaxosErrorOptions): PaxosRateLimitError {
  return new PaxosRateLimitError({
    ...options,
    ...(answer.retryAfterMs !== undefined && { retryAfterMs: answer.retryAfterMs }),
    ...(answer.retryAt !== undefined && { retryAt: answer.retryAt }),
  });
}

/** The wire objects whose names the domain does not spell as their camelCase: Paxos's `*_details` blocks. */
const WIRE_RENAMES: Readonly<Record<string, string>> = { person_details: 'person', institution_details: 'institution' };
const CODES: ReadonlySet<string> = new Set<ViolationCode>([
  'required',
  'type',
  'max_length',
  'pattern',
  'format',
  'enum',
  'country',
  'future_date',
  'forbidden',
  'conflict',
  'unknown_field',
  'min_items',
  'max_items',
  'range',
  'prohibited',
  'duplicate',
  'unreadable',
  'not_found',
  'no_change',
  'unexpected',
]);
/** A wire path as Paxos writes it: dotted names with `[n]` indexes, no spaces. */
const WIRE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\[\d{1,6}\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d{1,6}\])*)*$/;
const MAX_VIOLATIONS = 100;
const MAX_PATH = 200;

/** `person_details.tax_details[0].tin_type` → `person.taxDetails[0].tinType`: the paths the domain and the fake use. */
function camelPath(wire: string): string {
  return wire
    .split('.')
    .map((segment) => {
      const at = segment.indexOf('[');
      const name = at < 0 ? segment : segment.slice(0, at);
      const camel = WIRE_RENAMES[name] ?? name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      return camel + (at < 0 ? '' : segment.slice(at));
    })
    .join('.');
}

/**
 * The violations a 400 names in `meta.violations` (`{path, code, message}` with wire paths), as the domain names
 * them: camelCase paths, the message led by that path. Anything malformed is left out, and every message goes
 * through the same scrubbing as `detail`, since it is the server's text.
 */
function violationsOf(meta: Readonly<Record<string, unknown>> | undefined, sensitive?: readonly string[]): Violation[] {
  const listed = meta?.['violations'];
  if (!Array.isArray(listed)) return [];
  const out: Violation[] = [];
  for (const item of listed.slice(0, MAX_VIOLATIONS) as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const { path, code, message } = item as Record<string, unknown>;
    if (typeof path !== 'string' || path.length > MAX_PATH || !WIRE_PATH.test(path)) continue;
    const camel = camelPath(path);
    const said = typeof message === 'string' ? message : '';
    // The server leads with its wire path; the domain's message leads with the camelCase one.
    const rule = scrubServerText(said.startsWith(`${path}: `) ? said.slice(path.length + 2) : said, sensitive);
    out.push({
      path: camel,
      code: typeof code === 'string' && CODES.has(code) ? (code as ViolationCode) : 'unexpected',
      message: `${camel}: ${rule ?? 'is invalid'}`,
    });
  }
  return out;
}

/** A 404 from a route that names no resource (a create, a list): the route itself is missing, so the URL is wrong. */
const NO_SUCH_ROUTE =
  'this route answers 404 only when it does not exist: baseUrl is probably wrong (it must end with /v2, as https://api.sandbox.paxos.com/v2)';

/** The API's status → error table; a 3xx is never followed, so it is a response that cannot be used. */
function apiError(answer: FailedAnswer, options: PaxosErrorOptions): IdentityServiceError {
  const { status, problem } = answer;
  const detail = scrubServerText(problem?.detail, answer.sensitive);
  if (status >= 300 && status < 400)
    return new PaxosResponseError(
      `answered with a redirect (${status}), which is never followed; check baseUrl`,
      [],
      options,
    );
  switch (status) {
    case 400:
      return new PaxosBadRequestError(detail, {
        ...options,
        violations: violationsOf(problem?.meta, answer.sensitive),
      });
    case 401:
      return new PaxosAuthenticationError('the access token was refused (401) even after a refresh', options);
    case 403: {
      const scopes = INSUFFICIENT_SCOPES.exec(problem?.detail ?? '');
      const required = scopeList(scopes?.[2], answer.sensitive);
      const granted = scopeList(scopes?.[1], answer.sensitive);
      return new PaxosPermissionError(detail, { required, granted }, options);
    }
    case 404:
      return answer.resource === undefined
        ? new PaxosHttpError(status, `${detail ?? 'Not Found'}; ${NO_SUCH_ROUTE}`, options)
        : notFound(answer.resource, options);
    case 408:
      return new PaxosTimeoutError(undefined, options);
    case 409:
      return conflict(answer, detail, options);
    case 429:
      return rateLimited(answer, options);
    default:
      return status >= 500 ? new PaxosServerError(status, options) : new PaxosHttpError(status, detail, options);
  }
}

function explainOAuth(oauthError: string | undefined, status: number, scopes: readonly string[]): string {
  switch (oauthError) {
    case 'invalid_client':
      return 'the token endpoint refused the client credentials (invalid_client): check clientId, clientSecret and that they belong to this environment';
    case 'invalid_scope':
      return `the credentials may not request the scopes ${scopes.join(' ')} (invalid_scope): identity:write_identity must be enabled by Paxos support`;
    case 'unauthorized_client':
      return 'the credentials may not use the client_credentials grant (unauthorized_client)';
    case undefined:
      return `the token endpoint refused the request (${status})`;
    default:
      return `the token endpoint refused the request (${oauthError})`;
  }
}

/** The token endpoint's table: its 4xx refusals are credential problems, whatever the status. */
function tokenError(answer: FailedAnswer, options: PaxosErrorOptions): IdentityServiceError {
  const { status, oauthError } = answer;
  if (status >= 300 && status < 400)
    return new PaxosResponseError(
      `the token endpoint answered with a redirect (${status}), which is never followed`,
      [],
      options,
    );
  if (status === 429) return rateLimited(answer, options);
  if (status >= 500) return new PaxosServerError(status, options);
  if (status === 400 || status === 401 || status === 403 || oauthError !== undefined) {
    return new PaxosAuthenticationError(explainOAuth(oauthError, status, answer.scopes ?? []), {
      ...options,
      ...(oauthError !== undefined && { oauthError }),
    });
  }
  return new PaxosHttpError(status, undefined, options);
}

/**
 * Turns a non-2xx answer of the API or of the token endpoint into the library's typed error. API: 400 →
 * {@link PaxosBadRequestError}, 401 → {@link PaxosAuthenticationError}, 403 → {@link PaxosPermissionError}, 404 → the
 * not-found error of the resource the path names, 408 → {@link PaxosTimeoutError}, 409 → `IdentityAlreadyExistsError`
 * or `DocumentAlreadyExistsError`, 429 → {@link PaxosRateLimitError}, 5xx → {@link PaxosServerError}, 3xx →
 * {@link PaxosResponseError}, anything else → {@link PaxosHttpError}. No error keeps a body, a header or a token.
 */
export function errorFromAnswer(answer: FailedAnswer): IdentityServiceError {
  const options: PaxosErrorOptions = {
    status: answer.status,
    problemType: safeProblemType(answer.problem?.type, answer.sensitive),
    requestId: answer.requestId,
    request: answer.request,
    attempts: answer.attempts,
  };
  return answer.endpoint === 'token' ? tokenError(answer, options) : apiError(answer, options);
}
