import { IdentityServiceError } from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/**
 * A per-call option is wrong (a `timeoutMs` out of range, a header the adapter owns): nothing was sent. `option`
 * names it, such as `headers.authorization`; the message never echoes a header's value.
 */
export class IdentityCallOptionsError extends IdentityServiceError {
  readonly code = 'identity_call_options';
  /** The option at fault: `timeoutMs`, `maxRetries`, `headers.<name>`, `signal` or `onResponse`. */
  readonly option: string;

  constructor(option: string, rule: string) {
    super(`Invalid call options: ${option} ${rule}`);
    this.option = option;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), option: this.option };
  }
}

/**
 * Headers the adapter sets itself, or that would change how the request is framed or whom it authenticates:
 * overriding them per call could leak the token to a proxy or break the body.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'content-type',
  'content-length',
  'host',
  'cookie',
  'connection',
  'transfer-encoding',
  'proxy-authorization',
]);
/** RFC 9110 `token`: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** A header value: printable, no CR or LF (which would split the header). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;
/** The same bounds as the service-wide `timeoutMs` and `maxRetries`. */
const MAX_TIMEOUT_MS = 10 * 60_000;
const MAX_RETRIES = 10;

function integer(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new IdentityCallOptionsError(name, `must be an integer from ${min} to ${max}`);
}

/**
 * Checks the per-call options every gateway call accepts, so that the fake refuses what the Paxos adapter refuses.
 * Returns the extra headers with lower-case names (empty when none).
 *
 * @throws {IdentityCallOptionsError} naming the first wrong option.
 */
export function checkCallOptions(options: CallOptions | undefined): Readonly<Record<string, string>> {
  // Untyped callers can pass anything: check the shape before reading it.
  const given: unknown = options;
  if (given === undefined) return {};
  if (given === null || typeof given !== 'object') throw new IdentityCallOptionsError('options', 'must be an object');
  const call = given as CallOptions;
  if (call.signal !== undefined && !(call.signal instanceof AbortSignal))
    throw new IdentityCallOptionsError('signal', 'must be an AbortSignal');
  if (call.onResponse !== undefined && typeof call.onResponse !== 'function')
    throw new IdentityCallOptionsError('onResponse', 'must be a function');
  integer(call.timeoutMs, 'timeoutMs', 1, MAX_TIMEOUT_MS);
  integer(call.maxRetries, 'maxRetries', 0, MAX_RETRIES);
  const headers: unknown = call.headers;
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers))
    throw new IdentityCallOptionsError('headers', 'must be an object of header names to string values');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // The name is the caller's own text, never personal data; it is named only when it has a header's shape.
    if (!HEADER_NAME.test(name))
      throw new IdentityCallOptionsError('headers', 'holds a name that is not a header name');
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower))
      throw new IdentityCallOptionsError(`headers.${lower}`, 'is set by the adapter and may not be set per call');
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      throw new IdentityCallOptionsError(`headers.${lower}`, 'must be a string without line breaks (at most 4096)');
    out[lower] = value;
  }
  return out;
}
