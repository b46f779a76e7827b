import { createHash } from 'node:crypto';
import { readCreateIdentityRequest } from '../gateways.js';
import type { CreateIdentityCommand, Violation } from '../index.js';

/**
 * One line of a result file, as `import --out` and `import status --out` write them. `sending` is the write-ahead
 * record of a `ref_id` the import generated, appended before that line's create is sent; the line's result follows
 * it. A line's last record is the one that counts.
 */
export interface ResultLine {
  readonly line: number;
  readonly ref_id?: string;
  readonly status: 'sending' | 'created' | 'replayed' | 'failed' | 'invalid';
  readonly identity_id?: string;
  readonly error?: string;
  readonly http_status?: number;
  readonly violations?: readonly { path: string; code: string }[];
  /**
   * The fingerprint (see `fingerprintOf`) of the input line the record was made for: a rerun refuses a results file whose
   * records were made for other lines than its input's.
   */
  readonly fingerprint?: string;
}

/** What both a single-process import and a batch report of one line. */
export type LineOutcome =
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: true;
      /** Absent where replays are not told apart (a batch): `created`. */
      readonly outcome?: 'created' | 'replayed';
      readonly identityId: string;
    }
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: false;
      readonly code: string;
      readonly status?: number;
      readonly violations?: readonly { readonly path: string; readonly code: string }[];
    };

/** One line of an input file: the command it holds, or why it holds none. */
export interface InputLine {
  readonly line: number;
  readonly refId?: string;
  readonly command?: CreateIdentityCommand;
  readonly violations?: readonly Violation[];
}

/** Wire fields whose values are left out of a fingerprint: identifiers and dates of birth must not be guessable. */
const UNHASHED: ReadonlySet<string> = new Set(['cip_id', 'date_of_birth', 'tax_payer_id']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key]) => !UNHASHED.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, v]) => [key, canonical(v)]));
}

/**
 * A short hash of a create body, its key order and its `ref_id` aside, that tells it from another line's. The CIP id,
 * tax id and date of birth are left out: a hash of them could be reversed by trying every SSN, and the results file
 * holds none of them. So a line whose only change is one of those keeps its record.
 */
function fingerprintOf(body: unknown): string {
  const rest =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([key]) => key !== 'ref_id'))
      : body;
  return createHash('sha256')
    .update(JSON.stringify(canonical(rest)))
    .digest('hex')
    .slice(0, 16);
}

/** The fingerprint (see `fingerprintOf`) of one line of an input file; undefined for a line that is not JSON. */
export function fingerprintOfLine(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  return fingerprintOf(body);
}

/** The result file's line for an outcome. */
export function toResultLine(result: LineOutcome): ResultLine {
  const base = { line: result.line, ...(result.refId !== undefined && { ref_id: result.refId }) };
  if (result.ok)
    return { ...base, status: result.outcome === 'replayed' ? 'replayed' : 'created', identity_id: result.identityId };
  // Lines of the file are checked before they reach the service, so these paths are already the wire's; the
  // messages stay out, so that nothing of a value can reach the file.
  const violations = result.violations?.map((v) => ({ path: v.path, code: v.code }));
  return {
    ...base,
    status: result.code === 'identity_invalid' ? 'invalid' : 'failed',
    error: result.code,
    ...(result.status !== undefined && { http_status: result.status }),
    ...(violations !== undefined && { violations }),
  };
}

/** The `ref_id` of a wire body, when it is one that may be echoed; undefined otherwise. */
function refIdOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const refId = (body as Record<string, unknown>)['ref_id'];
  // Only a short printable ref_id is echoed: it names the line, and must not carry anything else into the output.
  return typeof refId === 'string' && /^[\x20-\x7e]{1,255}$/.test(refId) ? refId : undefined;
}

/** Reads one line of an NDJSON file of Paxos create bodies (numbered from 1); blank lines give nothing. */
export function readInputLine(text: string, line: number): InputLine | undefined {
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be an SSN: say only that it is not JSON.
    return { line, violations: [{ path: 'body', code: 'format', message: 'body: is not valid JSON' }] };
  }
  const refId = refIdOf(body);
  const checked = readCreateIdentityRequest(body);
  if (!checked.ok) return { line, ...(refId !== undefined && { refId }), violations: checked.violations };
  return { line, ...(refId !== undefined && { refId }), command: checked.command };
}
