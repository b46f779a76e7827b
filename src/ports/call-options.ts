import { IdentityServiceError } from '../domain/index.js';
import type { CallOptions, ResponseMetadata } from './identity-gateway.js';

/**
 * A per-call option is wrong (a `timeoutMs` out of range, a header the adapter owns): nothing was sent. `option`
 * names it, such as `headers.authorization`; the message never echoes a header's value.
 */
export class IdentityCallOptionsError extends IdentityServiceError {
  readonly code = 'identity_call_options';
  /**
   * The option at fault: `timeoutMs`, `maxRetries`, `headers.<name>`, `signal` or `onResponse`; just `headers` when
   * the name is not one to repeat (not a header name, or one holding digits like an id).
   */
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
 * Headers the adapter sets itself, or that would change how the request is framed, whom it authenticates, which
 * part of the answer comes back or which method the server runs: overriding them per call could leak the token to a
 * proxy, break the body, or make fetch throw (`expect`, `upgrade`, `keep-alive`), which would look like a network
 * failure and be retried.
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
  'proxy-connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'http2-settings',
  'accept-encoding',
  'range',
  'if-range',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);
/** RFC 9110 `token`: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/**
 * A header name that reads as a header (a letter first, no run of three digits): only such a name is put in an
 * error's `option`, since a name built from data (an SSN as a key) must not reach a log through the error.
 */
const NAMEABLE_HEADER = /^[A-Za-z](?!.*\d{3})[A-Za-z0-9_-]{0,63}$/;
/** A header value: printable, no CR or LF (which would split the header). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;
/**
 * All extra headers together, names and values: servers refuse larger header blocks (Node's default is 16 KiB) with a
 * 431, which would only come back after a token and a rate-limit slot were spent.
 */
const MAX_HEADERS_SIZE = 16 * 1024;
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
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new IdentityCallOptionsError('options', 'must be an object');
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
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    // `__proto__` is a token by the grammar, but fetch drops it without a word: refused rather than lost.
    if (!HEADER_NAME.test(name) || name === '__proto__')
      throw new IdentityCallOptionsError('headers', 'holds a name that is not a header name');
    const lower = name.toLowerCase();
    const option = NAMEABLE_HEADER.test(name) ? `headers.${lower}` : 'headers';
    if (RESERVED_HEADERS.has(lower))
      throw new IdentityCallOptionsError(option, 'is set by the adapter and may not be set per call');
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      throw new IdentityCallOptionsError(option, 'must be a string without line breaks (at most 4096)');
    // Two spellings of one name would send one of them at random (the last own key wins): refuse the ambiguity.
    if (Object.hasOwn(out, lower)) throw new IdentityCallOptionsError(option, 'is given twice (names ignore case)');
    size += name.length + value.length;
    if (size > MAX_HEADERS_SIZE)
      throw new IdentityCallOptionsError('headers', `must be at most ${MAX_HEADERS_SIZE} characters in all`);
    out[lower] = value;
  }
  return out;
}

/**
 * Hands `response` to the call's `onResponse`, if any. The sink is the caller's code running after the answer was
 * accepted (a create already happened): a sink that throws, or an async one that rejects, must not turn the call
 * into a failure nor leave a rejection unhandled, so either is ignored. Gateways call this instead of the sink.
 */
export function reportResponse(options: CallOptions | undefined, response: ResponseMetadata): void {
  // Typed `void`, yet an async sink fits: its result is looked at as what it may really be.
  const sink: ((response: ResponseMetadata) => unknown) | undefined = options?.onResponse;
  if (sink === undefined) return;
  ignoringFailures(() => sink(response));
}

/** Runs `work`, ignoring a throw and the rejection of a promise it returns (its type says `void`; an async one fits). */
function ignoringFailures(work: () => unknown): void {
  try {
    const result: unknown = work();
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function')
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch {
    // Ignored on purpose: see reportResponse.
  }
}
