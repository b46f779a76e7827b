import { IdentityServiceError, type IdentityServiceErrorOptions } from '../shared/errors.js';

/** No institution-member link with this id exists for these credentials (remove members by the link id). */
export class InstitutionMemberNotFoundError extends IdentityServiceError {
  readonly code = 'institution_member_not_found';
  readonly memberId: string;

  constructor(memberId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Institution member not found: ${memberId.slice(0, 64)}`, options);
    this.memberId = memberId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), memberId: this.memberId };
  }
}

/**
 * The identity already has a document with this file name (Paxos refuses the upload). Upload it again under another name.
 * The name itself is left out of the message and JSON: file names are chosen by end users and may name them.
 */
export class DocumentAlreadyExistsError extends IdentityServiceError {
  readonly code = 'document_already_exists';

  constructor(options: IdentityServiceErrorOptions = {}) {
    super('A document with the same file name already exists for this identity', options);
  }
}

/** No event with this id exists for these credentials. */
export class EventNotFoundError extends IdentityServiceError {
  readonly code = 'event_not_found';
  readonly eventId: string;

  constructor(eventId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Event not found: ${eventId.slice(0, 64)}`, options);
    this.eventId = eventId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), eventId: this.eventId };
  }
}

/** `waitForStatus` gave up: the identity did not reach one of the expected statuses within `timeoutMs`. */
export class StatusWaitTimeoutError extends IdentityServiceError {
  readonly code = 'status_wait_timeout';
  readonly identityId: string;
  readonly expected: readonly string[];
  /** The summary status seen last, when a read succeeded. */
  readonly lastStatus: string | undefined;
  readonly timeoutMs: number;

  constructor(identityId: string, expected: readonly string[], timeoutMs: number, lastStatus: string | undefined) {
    super(
      `Identity ${identityId.slice(0, 64)} did not reach ${expected.join(' or ')} within ${timeoutMs} ms` +
        (lastStatus === undefined ? '' : ` (last seen: ${lastStatus})`),
    );
    this.identityId = identityId.slice(0, 64);
    this.expected = Object.freeze([...expected]);
    this.timeoutMs = timeoutMs;
    this.lastStatus = lastStatus;
  }

  override toJSON(): Record<string, unknown> {
    const out = { ...super.toJSON(), identityId: this.identityId, expected: this.expected, timeoutMs: this.timeoutMs };
    return this.lastStatus === undefined ? out : { ...out, lastStatus: this.lastStatus };
  }
}

/**
 * A webhook body is not the notification Paxos sends (`{id, type, source, time, object, is_test}`). `field` names the
 * first bad field; the value is never echoed. Answer such a request with 400 and do not fetch anything.
 */
export class WebhookPayloadError extends IdentityServiceError {
  readonly code = 'webhook_payload_invalid';
  readonly field: string;

  constructor(field: string, rule: string) {
    super(`Invalid webhook payload: ${field}: ${rule}`);
    this.field = field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/**
 * The call exists only in Paxos's sandbox (`PUT …/sandbox-status`) and the gateway is configured for production.
 * Nothing was sent.
 */
export class SandboxOnlyError extends IdentityServiceError {
  readonly code = 'sandbox_only';
  readonly operation: string;

  constructor(operation: string) {
    super(
      `${operation} is available in Paxos's sandbox only; this gateway is configured for production, nothing was sent`,
    );
    this.operation = operation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}
