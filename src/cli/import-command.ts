import { appendFile, open, readFile, realpath, rm, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IdentityService, ImportItem, ImportProgress, Violation } from '../index.js';
import { fingerprintOfLine, readInputLine, toResultLine, type ResultLine } from './ndjson.js';

/** What `paxos-identity import` needs from its surroundings besides the service; the real process or a test's fakes. */
export interface ImportIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  /**
   * Appends whole lines to a file (created when missing). Default: `fs.appendFile`, and then `--out` is locked for
   * the run by a `<out>.lock` file; given, the files are the caller's, and no lock is taken.
   */
  readonly appendFile?: (path: string, text: string) => Promise<void>;
  /**
   * Rejects when a file cannot be appended to (EACCES, EROFS, a directory), creating it when missing; called before
   * anything is sent. Default: opens it for appending when `appendFile` is the default too, nothing otherwise.
   */
  readonly checkWritable?: (path: string) => Promise<void>;
  /** Cuts a file to its first `bytes` bytes (a last line torn by a crash). Default: `fs.truncate`. */
  readonly truncateFile?: (path: string, bytes: number) => Promise<void>;
  /** A terminal to draw the progress bar on; without one, progress is plain periodic lines on stderr. */
  readonly progressTerminal?: NodeJS.WritableStream;
  /** Resolves on Ctrl-C: the import then stops after the calls in flight. */
  readonly untilInterrupted: () => Promise<void>;
}

/** Options of the import command. */
export interface ImportCommandOptions {
  readonly file: string;
  readonly out?: string;
  readonly rate: number;
  readonly concurrency: number;
  /** Milliseconds between plain progress lines. */
  readonly progressIntervalMs?: number;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 2000;

const STATUSES: ReadonlySet<string> = new Set(['sending', 'created', 'replayed', 'failed', 'invalid']);

/** Editors save a UTF-8 byte order mark in front of a file; it is no part of its first line. */
const BOM = /^\uFEFF/;

/**
 * The import cannot run as asked (its results file belongs to another input, or another import is using it):
 * nothing was sent. Its message names files and line numbers only.
 */
class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';

  constructor(
    message: string,
    /** `results_file_mismatch` or `results_file_locked`. */
    readonly code: 'results_file_mismatch' | 'results_file_locked',
  ) {
    super(message);
  }
}

/**
 * What an earlier run's result file says of a line: its last status, the last `ref_id` recorded for it, and the
 * fingerprint of the input line it was recorded for (absent in a file of an older writer).
 */
interface Recorded {
  readonly status: ResultLine['status'];
  readonly refId: string | undefined;
  readonly fingerprint: string | undefined;
}

function recordsOf(text: string): Map<number, Recorded> {
  const records = new Map<number, Recorded>();
  for (const raw of text.replace(BOM, '').split('\n')) {
    if (raw.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Only an older writer leaves a cut line inside the file (a torn last one is repaired before reading).
      continue;
    }
    if (parsed === null || typeof parsed !== 'object') continue;
    const { line, status, ref_id: refId, fingerprint } = parsed as Partial<Record<keyof ResultLine, unknown>>;
    if (typeof line !== 'number' || !Number.isSafeInteger(line) || typeof status !== 'string' || !STATUSES.has(status))
      continue;
    const earlier = records.get(line);
    // An invalid line's result may name no ref_id: the one generated earlier for the line still holds.
    const kept = typeof refId === 'string' && refId !== '' ? refId : earlier?.refId;
    records.set(line, {
      status: status as ResultLine['status'],
      refId: kept,
      fingerprint: typeof fingerprint === 'string' ? fingerprint : earlier?.fingerprint,
    });
  }
  return records;
}

/**
 * A crash in the middle of an append leaves the file's last line cut short, and the next record would be glued to
 * it. A cut line whose text is whole JSON only lacks its newline, which is added; anything else is cut off. That
 * loses nothing: a `sending` record is complete before its create is sent, and a line whose result was cut is sent
 * again with the `ref_id` recorded before it, which replays.
 */
async function repairTail(io: ImportIo, path: string, text: string): Promise<string> {
  if (text === '' || text.endsWith('\n')) return text;
  const cut = text.lastIndexOf('\n') + 1;
  const tail = text.slice(cut);
  let whole: boolean;
  try {
    const record: unknown = JSON.parse(tail);
    whole = record !== null && typeof record === 'object';
  } catch {
    whole = false;
  }
  if (whole) {
    await (io.appendFile ?? ((p: string, data: string) => appendFile(p, data, 'utf8')))(path, '\n');
    io.stderr(`import: the last line of ${path} had no newline; added\n`);
    return `${text}\n`;
  }
  const kept = text.slice(0, cut);
  if (kept.includes('\uFFFD')) {
    // Bytes that are not UTF-8 were read as U+FFFD, whose length is not theirs: no byte offset can be computed from
    // this text. Ending the cut line instead makes it one more line that reading ignores.
    await (io.appendFile ?? ((p: string, data: string) => appendFile(p, data, 'utf8')))(path, '\n');
    io.stderr(
      `import: the last line of ${path} was cut short by a crash; ended and ignored (that line is sent again)\n`,
    );
    return `${text}\n`;
  }
  // The kept text ends at a newline this writer wrote, so its UTF-8 length is the file's byte offset there.
  await (io.truncateFile ?? truncate)(path, Buffer.byteLength(kept, 'utf8'));
  io.stderr(`import: the last line of ${path} was cut short by a crash; removed (that line is sent again)\n`);
  return kept;
}

/**
 * What to do with the input: the lines to send (with the `ref_id` recorded for each), those already done, and the
 * fingerprint of each line sent, for its records.
 *
 * @throws {ImportRefusedError} when a record was made for another line than the input's at its number (another
 *   input, or lines moved): the record's `ref_id` or status would be taken for a line it does not belong to.
 */
function planOf(
  lines: readonly string[],
  records: ReadonlyMap<number, Recorded>,
  out: string | undefined,
): { items: ImportItem[]; skipped: number; renamed: number[]; resent: number[]; fingerprints: Map<number, string> } {
  const items: ImportItem[] = [];
  const renamed: number[] = [];
  const resent: number[] = [];
  const fingerprints = new Map<number, string>();
  const differing: number[] = [];
  let skipped = 0;
  for (const [i, text] of lines.entries()) {
    const item = readInputLine(text, i + 1);
    if (item === undefined) continue;
    const fingerprint = fingerprintOfLine(text);
    if (fingerprint !== undefined) fingerprints.set(item.line, fingerprint);
    const recorded = records.get(item.line);
    if (recorded?.fingerprint !== undefined && recorded.fingerprint !== fingerprint) {
      differing.push(item.line);
      continue;
    }
    // The line's own ref_id decides; a line without one is the line the recorded (generated) ref_id was sent for.
    const refId = item.refId ?? recorded?.refId;
    const done =
      recorded !== undefined &&
      (recorded.status === 'created' || recorded.status === 'replayed') &&
      recorded.refId !== undefined;
    if (done && refId === recorded.refId) {
      skipped += 1;
      continue;
    }
    if (done && recorded.fingerprint !== undefined && item.command !== undefined) {
      // The same line (its fingerprint matched above) whose identity was made under the recorded ref_id: sent under
      // the one it has now, it would only fail as a CIP conflict, and its last record would hide that identity.
      renamed.push(item.line);
      skipped += 1;
      continue;
    }
    if (
      recorded !== undefined &&
      (recorded.status === 'sending' || recorded.status === 'failed') &&
      recorded.refId !== undefined &&
      recorded.fingerprint !== undefined &&
      item.command !== undefined &&
      item.refId !== undefined &&
      item.refId !== recorded.refId
    ) {
      // Sent before under the recorded ref_id, with no answer that says nothing was made (killed in flight, a timeout):
      // only that ref_id can find the identity it may have made; the new one would meet it as a CIP conflict.
      resent.push(item.line);
      items.push({ line: item.line, command: { ...item.command, refId: recorded.refId } });
      continue;
    }
    if (item.command === undefined) items.push(item);
    else items.push({ line: item.line, command: item.command, ...(refId !== undefined && { refId }) });
  }
  const [first] = differing;
  if (first !== undefined) {
    const more = differing.length - 1;
    throw new ImportRefusedError(
      `${out ?? ''} was written for other input: line ${String(first)} differs` +
        `${more > 0 ? ` (and ${more} more)` : ''} from the line its records were made for; ` +
        'point --out at a new file, or import the input it was written for',
      'results_file_mismatch',
    );
  }
  return { items, skipped, renamed, resent, fingerprints };
}

async function openForAppend(path: string): Promise<void> {
  await (await open(path, 'a')).close();
}

function noCheck(): Promise<void> {
  return Promise.resolve();
}

/** Whether a process runs under `pid` (one of another user counts: it may not be signalled, but it runs). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Takes `<out>.lock` for this process: two imports appending to one results file would each generate their own
 * `ref_id` for the same line, and send it twice. A lock whose process no longer runs (killed) is taken over.
 * Resolves to its release.
 */
async function lockResults(io: ImportIo, out: string): Promise<() => Promise<void>> {
  // Beside the file itself: two paths to one file (a symbolic link, `./`) take the same lock.
  const path = `${await realpath(out).catch(() => resolve(out))}.lock`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${String(process.pid)}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (attempt > 0 || (Number.isSafeInteger(holder) && holder > 0 && running(holder))) {
        throw new ImportRefusedError(
          `${out} is in use by another import (process ${Number.isSafeInteger(holder) ? String(holder) : '?'}); ` +
            `wait for it to finish, or remove ${path} if it is not running`,
          'results_file_locked',
        );
      }
      io.stderr(`import: ${path} was left by process ${String(holder)}, which no longer runs; taken over\n`);
      await rm(path, { force: true });
    }
  }
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function plainProgress(p: ImportProgress): string {
  return `import: ${p.done}/${p.total ?? '?'} done, ${p.invalid + p.failed} errors, ${p.ratePerSecond.toFixed(1)}/s, ETA ${formatSeconds(p.etaSeconds)}`;
}

function printInvalid(io: ImportIo, line: number, violations: readonly Violation[]): void {
  const n = violations.length;
  io.stderr(`line ${line}: invalid, ${n} violation${n === 1 ? '' : 's'}; not sent\n`);
  // Messages name the field and the rule, never the value.
  for (const v of violations) io.stderr(`  ${v.message} [${v.code}]\n`);
}

/** What `runImport` did. */
export interface ImportCommandOutcome {
  /** Lines that failed or were invalid in this run. */
  readonly failed: number;
  readonly interrupted: boolean;
}

/**
 * `paxos-identity import --file people.ndjson`: one Paxos create body per line, created at `rate` per second with at
 * most `concurrency` in flight. With `--out`, a line without `ref_id` gets a generated one, appended to `--out` as a
 * `sending` record before its create is sent, and each line's result is appended as one whole line once known. A
 * rerun with the same `--out` repairs a torn last line, skips the lines recorded as created or replayed, and sends
 * the others with the `ref_id` recorded for them: one in flight when the process died replays to its identity.
 */
export async function runImport(
  io: ImportIo,
  service: IdentityService,
  options: ImportCommandOptions,
): Promise<ImportCommandOutcome> {
  try {
    const unlock =
      options.out !== undefined && io.appendFile === undefined ? await lockResults(io, options.out) : undefined;
    try {
      return await importLocked(io, service, options);
    } finally {
      await unlock?.();
    }
  } catch (error) {
    // The CLI names an error by its class and code only; this one's message holds no data, and says what to do.
    if (error instanceof ImportRefusedError) io.stderr(`import: ${error.message}\n`);
    throw error;
  }
}

async function importLocked(
  io: ImportIo,
  service: IdentityService,
  options: ImportCommandOptions,
): Promise<ImportCommandOutcome> {
  const text = (await io.readFile(options.file)).replace(BOM, '');
  const lines = text.split(/\r?\n/);
  const append = io.appendFile ?? ((path: string, data: string) => appendFile(path, data, 'utf8'));
  let records = new Map<number, Recorded>();
  if (options.out !== undefined) {
    let earlier: string | undefined;
    try {
      earlier = await io.readFile(options.out);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
    if (earlier !== undefined) records = recordsOf(await repairTail(io, options.out, earlier));
  }
  const { items, skipped, renamed, resent, fingerprints } = planOf(lines, records, options.out);
  // A results file that cannot be written (EACCES, a directory) fails here, before anything is sent: a line with its
  // own ref_id needs no write-ahead record, so its first write would come only after its create.
  if (options.out !== undefined)
    await (io.checkWritable ?? (io.appendFile === undefined ? openForAppend : noCheck))(options.out);
  if (skipped > 0)
    io.stderr(`import: ${skipped} line${skipped === 1 ? '' : 's'} already created in ${options.out ?? ''}, skipped\n`);
  for (const line of renamed) {
    io.stderr(
      `import: line ${line} has a ref_id other than the one ${options.out ?? ''} records its identity was created ` +
        'with; skipped (that identity keeps the recorded ref_id)\n',
    );
  }
  for (const line of resent) {
    io.stderr(
      `import: line ${line} has a ref_id other than the one ${options.out ?? ''} records it was sent with; sent again ` +
        'with the recorded one, which finds the identity that send may have made\n',
    );
  }

  // Records are appended one at a time, each whole, in the order they are made.
  let writes: Promise<void> = Promise.resolve();
  const write = (record: ResultLine): Promise<void> => {
    if (options.out === undefined) return Promise.resolve();
    const out = options.out;
    const fingerprint = fingerprints.get(record.line);
    const line = fingerprint === undefined ? record : { ...record, fingerprint };
    // After a failed append every later one fails too: no record may land after one that is missing.
    writes = writes.then(() => append(out, `${JSON.stringify(line)}\n`));
    return writes;
  };
  let warnedUnrecorded = false;

  const controller = new AbortController();
  let interruptedByUser = false;
  void io.untilInterrupted().then(() => {
    interruptedByUser = true;
    io.stderr('\nimport: interrupted, finishing the calls in flight…\n');
    controller.abort();
  });

  type Bar = { update(value: number, payload: object): void; stop(): void };
  let bar: Bar | undefined;
  if (io.progressTerminal !== undefined) {
    // Loaded only for a terminal: piped and scripted runs never pay for it.
    const { default: cliProgress } = await import('cli-progress');
    const single = new cliProgress.SingleBar({
      stream: io.progressTerminal,
      format: 'import [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | errors {errors}',
      hideCursor: true,
      etaBuffer: 50,
    });
    single.start(items.length, 0, { rate: '0.0', errors: 0 });
    bar = single;
  }
  const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  let lastPrinted = 0;
  let last: ImportProgress | undefined;

  try {
    const summary = await service.importIdentities(items, {
      ratePerSecond: options.rate,
      concurrency: options.concurrency,
      signal: controller.signal,
      beforeSend: async ({ line, refId, generated }) => {
        if (!generated) return;
        if (options.out === undefined) {
          if (!warnedUnrecorded) {
            warnedUnrecorded = true;
            io.stderr(
              `import: line ${line} has no ref_id and there is no --out to record the one generated for it: ` +
                'a rerun cannot replay such lines\n',
            );
          }
          return;
        }
        // Write-ahead: the create is sent only once its ref_id is in the file. The ref_id is random, like the one
        // createIdentity makes: one derived from an import id and the line number would need that id written ahead all
        // the same, so deriving would save nothing.
        await write({ line, ref_id: refId, status: 'sending' });
      },
      onResult: async (result) => {
        // A message must not be appended to the half-drawn bar: clear its line first; the bar redraws below.
        if (!result.ok && bar !== undefined) io.progressTerminal?.write('\r\x1b[2K');
        if (!result.ok && result.code === 'identity_invalid') printInvalid(io, result.line, result.violations ?? []);
        else if (!result.ok) {
          io.stderr(`line ${result.line}: ${result.code}${result.status === undefined ? '' : ` (${result.status})`}\n`);
        }
        await write(toResultLine(result));
      },
      onProgress: (p) => {
        last = p;
        if (bar !== undefined) bar.update(p.done, { rate: p.ratePerSecond.toFixed(1), errors: p.invalid + p.failed });
        else if (p.elapsedMs - lastPrinted >= interval) {
          lastPrinted = p.elapsedMs;
          io.stderr(`${plainProgress(p)}\n`);
        }
      },
    });
    last = summary;
    return { failed: summary.invalid + summary.failed, interrupted: summary.interrupted || interruptedByUser };
  } finally {
    // A failed write has already rejected the import with its error; the summary is still owed.
    await writes.catch(() => undefined);
    bar?.stop();
    const n = last ?? { created: 0, replayed: 0, invalid: 0, failed: 0 };
    io.stdout(
      `import: ${n.created} created, ${n.replayed} replayed, ${n.invalid} invalid, ${n.failed} failed, ` +
        `${skipped} skipped of ${items.length + skipped} lines` +
        `${controller.signal.aborted ? ' (interrupted; rerun to continue)' : ''}\n`,
    );
  }
}
