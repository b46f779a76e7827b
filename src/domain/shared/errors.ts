import { scrubText } from './scrub.js';
import type { Violation } from './violations.js';

/** What every {@link IdentityServiceError} may carry besides its message. */
export interface IdentityServiceErrorOptions {
  /** Only ever another sanitized error of this library, never a transport error that could hold a body. */
  readonly cause?: IdentityServiceError;
}

/**
 * The one base class of every error this library throws. `code` is stable across versions; switch on it or use
 * `instanceof`. Messages, `util.inspect` and `JSON.stringify` of these errors never contain personal data or secrets.
 *
 * @example
 * ```ts
 * try { await service.createIdentity(command); }
 * catch (error) {
 *   if (error instanceof IdentityValidationError) console.error(error.violations);
 *   else if (error instanceof IdentityServiceError) console.error(error.code, error.message);
 *   else throw error;
 * }
 * ```
 */
export abstract class IdentityServiceError extends Error {
  /** Stable, machine-readable error code. */
  abstract readonly code: string;

  protected constructor(message: string, options: IdentityServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** A safe, serializable view of the error. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.cause instanceof IdentityServiceError) out['cause'] = this.cause.toJSON();
    return out;
  }
}

const MAX_LISTED = 5;

/**
 * The command breaks one or more of Paxos's rules. Nothing was sent. `violations` lists every problem, each with a
 * camelCase `path`, a stable `code` and a message that names the field and the rule but never echoes the value.
 *
 * @example
 * ```ts
 * err.violations; // [{ path: 'person.address.city', code: 'required', message: 'person.address.city: is required' }]
 * ```
 */
export class IdentityValidationError extends IdentityServiceError {
  readonly code = 'identity_invalid';
  readonly violations: readonly Violation[];

  /**
   * `options.subject` says what was invalid, for the message's title: `identity` (the default), `list filter`,
   * `sandbox status`, `identity id`, ...
   */
  constructor(
    violations: readonly Violation[],
    options: IdentityServiceErrorOptions & { readonly subject?: string } = {},
  ) {
    const n = violations.length;
    const listed = violations
      .slice(0, MAX_LISTED)
      .map((x) => x.message)
      .join('; ');
    const more = n > MAX_LISTED ? `; and ${n - MAX_LISTED} more` : '';
    const subject = options.subject ?? 'identity';
    super(`Invalid ${subject}: ${n} violation${n === 1 ? '' : 's'}: ${listed}${more}`, options);
    this.violations = Object.freeze(violations.map((x) => Object.freeze({ ...x })));
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), violations: this.violations };
  }
}

/**
 * Paxos (or the in-memory fake or the emulator, which behave like it) refused a request that passed the client-side
 * checks: a rule only the server can check, such as institution members that must be existing PERSON identities of
 * the same API user, or a page cursor it did not hand out. `violations` names the fields when the
 * refusal says which; `detail` is the server's explanation, scrubbed of values. The Paxos adapter's
 * `PaxosBadRequestError` is one, so the same `catch` works against the fake and against Paxos.
 */
export class IdentityRejectedError extends IdentityServiceError {
  readonly code: string = 'identity_rejected';
  readonly detail: string | undefined;
  readonly violations: readonly Violation[];

  constructor(
    detail: string | undefined,
    options: IdentityServiceErrorOptions & {
      readonly violations?: readonly Violation[];
      readonly message?: string;
    } = {},
  ) {
    // A refusal's texts come from the server: whatever built this error, nothing shaped like a tax id is kept.
    const violations = (options.violations ?? []).map((x) => ({ ...x, message: scrubText(x.message) }));
    const safeDetail = detail === undefined ? undefined : scrubText(detail);
    const listed = violations
      .slice(0, MAX_LISTED)
      .map((x) => x.message)
      .join('; ');
    // The violations name the fields; the detail only explains when there are none.
    const reason = listed === '' ? safeDetail : listed;
    super(options.message ?? `Request rejected${reason === undefined ? '' : `: ${reason}`}`, options);
    this.detail = safeDetail;
    this.violations = Object.freeze(violations.map((x) => Object.freeze({ ...x })));
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this.detail, violations: this.violations };
  }
}

/** Which uniqueness rule a create broke: the caller's `refId`, or the (cipId, cipIdType, cipIdCountry) triple. */
export type IdentityConflict = 'ref_id' | 'cip_id';

/**
 * Paxos already holds an identity with this `refId` (and a different CIP id), or with this CIP id triple.
 * `existingId` is that identity's id. A retried create of the same person is not an error: it returns the existing
 * identity instead.
 */
export class IdentityAlreadyExistsError extends IdentityServiceError {
  readonly code = 'identity_already_exists';
  readonly existingId: string;
  readonly conflict: IdentityConflict;

  constructor(existingId: string, conflict: IdentityConflict, options: IdentityServiceErrorOptions = {}) {
    const what = conflict === 'ref_id' ? 'refId' : '(cipId, cipIdType, cipIdCountry)';
    super(`An identity with the same ${what} already exists: ${existingId}`, options);
    this.existingId = existingId;
    this.conflict = conflict;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), existingId: this.existingId, conflict: this.conflict };
  }
}

/** The shape of every id Paxos hands out (its schema says only `string`, so other ids are still sent). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id as the message shows it. An id that is not a UUID gets the likeliest mistake behind its 404 named: the
 * caller's own `refId` passed where Paxos's id belongs (shortened, so that the message stays short).
 */
function shownId(id: string): string {
  if (UUID.test(id)) return id;
  return `${id.length > 48 ? `${id.slice(0, 47)}…` : id} (not a UUID: a refId?)`;
}

/**
 * No identity with this id exists for these credentials. When the id is not a UUID, the message says it is probably
 * a `refId` passed where the identity id belongs.
 */
export class IdentityNotFoundError extends IdentityServiceError {
  readonly code = 'identity_not_found';
  readonly identityId: string;

  constructor(identityId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Identity not found: ${shownId(identityId)}`, options);
    this.identityId = identityId.slice(0, 64);
  }
}
