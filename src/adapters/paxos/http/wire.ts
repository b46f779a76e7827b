import { holdsSensitive } from '../../../domain/shared/scrub.js';
import type { LogFields, Logger } from '../../../ports/index.js';

/** Headers that may carry the request id Paxos support asks for; the first present wins. */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'paxos-request-id', 'x-paxos-request-id'] as const;
/** A request id is echoed into errors and logs: anything beyond a short printable token is dropped. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/**
 * Paxos's request id from the response headers, when present and printable, and holding none of `secrets` (the
 * bearer token or client secret just sent), none of the personal values `sensitive` in any spelling and nothing
 * shaped like a tax id: a proxy that echoes request headers must not put them in an error or a log line.
 */
export function requestIdOf(
  headers: Headers,
  secrets: readonly string[] = [],
  sensitive: readonly string[] = [],
): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    if (
      !SAFE_REQUEST_ID.test(value) ||
      secrets.some((secret) => secret !== '' && value.includes(secret)) ||
      holdsSensitive(value, sensitive)
    )
      return undefined;
    return value;
  }
  return undefined;
}

/** The system code of a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET`), never its message. */
export function networkReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Writes one attempt line. Callers check for a logger first, so that no field is computed without one. */
export function logAttempt(logger: Logger, level: 'debug' | 'warn' | 'error', fields: LogFields): void {
  const line: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) line[key] = value;
  logger[level](`paxos ${String(fields['method'])} ${String(fields['path'])}`, line);
}
