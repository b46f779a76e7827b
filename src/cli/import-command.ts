import { appendFile } from 'node:fs/promises';
import type { IdentityService, ImportItem, ImportProgress, Violation } from '../index.js';
import { readInputLine, refIdOf, toResultLine, type ResultLine } from './ndjson.js';

/** What `paxos-identity import` needs from its surroundings besides the service; the real process or a test's fakes. */
export interface ImportIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  /** Appends whole lines to a file (created when missing). Default: `fs.appendFile`. */
  readonly appendFile?: (path: string, text: string) => Promise<void>;
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

/** The line numbers (with their ref_id) that an earlier run's result file records as created. */
function doneLines(text: string): Map<number, string | undefined> {
  const done = new Map<number, string | undefined>();
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let parsed: Partial<ResultLine>;
    try {
      parsed = JSON.parse(raw) as Partial<ResultLine>;
    } catch {
      // A line cut short by a crash of an older writer: that input is simply done again.
      continue;
    }
    if (typeof parsed.line !== 'number') continue;
    if (parsed.status === 'created') done.set(parsed.line, parsed.ref_id);
    else done.delete(parsed.line);
  }
  return done;
}

/** Reads the file line by line into import items; a line that is not a valid create body carries its violations. */
function* itemsOf(lines: readonly string[], skip: Map<number, string | undefined>): Generator<ImportItem> {
  for (const [i, text] of lines.entries()) {
    if (skip.has(i + 1)) continue;
    const item = readInputLine(text, i + 1);
    if (item === undefined) continue;
    yield item.command !== undefined ? { line: item.line, command: item.command } : item;
  }
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function plainProgress(p: ImportProgress): string {
  return `import: ${p.done}/${p.total ?? '?'} done, ${p.failed} errors, ${p.ratePerSecond.toFixed(1)}/s, ETA ${formatSeconds(p.etaSeconds)}`;
}

function printInvalid(io: ImportIo, line: number, violations: readonly Violation[]): void {
  const n = violations.length;
  io.stderr(`line ${line}: invalid, ${n} violation${n === 1 ? '' : 's'}; not sent\n`);
  // Messages name the field and the rule, never the value.
  for (const v of violations) io.stderr(`  ${v.message} [${v.code}]\n`);
}

/**
 * `paxos-identity import --file people.ndjson`: one Paxos create body per line, created at `rate` per second with at
 * most `concurrency` in flight. Each input gets one whole line in `--out`; lines an earlier run recorded as created
 * are skipped, and a replayed `ref_id` resolves to the existing identity. Resolves to the number of failed lines.
 */
export async function runImport(
  io: ImportIo,
  service: IdentityService,
  options: ImportCommandOptions,
): Promise<{ failed: number; interrupted: boolean }> {
  const text = await io.readFile(options.file);
  const lines = text.split(/\r?\n/);
  let skip = new Map<number, string | undefined>();
  if (options.out !== undefined) {
    try {
      skip = doneLines(await io.readFile(options.out));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }
  // A recorded line is only skipped if it still holds the same ref_id: the input file may have been edited since.
  for (const [line, refId] of skip) {
    const current = lines[line - 1];
    let currentRef: string | undefined;
    try {
      currentRef = current === undefined ? undefined : refIdOf(JSON.parse(current));
    } catch {
      currentRef = undefined;
    }
    if (current === undefined || currentRef !== refId || refId === undefined) skip.delete(line);
  }
  const total = lines.filter((l, i) => l.trim() !== '' && !skip.has(i + 1)).length;
  if (skip.size > 0)
    io.stderr(`import: ${skip.size} line${skip.size === 1 ? '' : 's'} already created in ${options.out}, skipped\n`);

  const append = io.appendFile ?? ((path: string, data: string) => appendFile(path, data, 'utf8'));
  // Result lines are written one at a time, each whole, in the order the results arrive.
  let writes: Promise<void> = Promise.resolve();
  const write = (line: ResultLine): Promise<void> => {
    if (options.out === undefined) return Promise.resolve();
    const out = options.out;
    writes = writes.then(() => append(out, `${JSON.stringify(line)}\n`));
    return writes;
  };

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
    single.start(total, 0, { rate: '0.0', errors: 0 });
    bar = single;
  }
  const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  let lastPrinted = 0;
  let last: ImportProgress | undefined;

  try {
    const summary = await service.importIdentities(itemsOf(lines, skip), {
      ratePerSecond: options.rate,
      concurrency: options.concurrency,
      total,
      signal: controller.signal,
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
        if (bar !== undefined) bar.update(p.done, { rate: p.ratePerSecond.toFixed(1), errors: p.failed });
        else if (p.elapsedMs - lastPrinted >= interval) {
          lastPrinted = p.elapsedMs;
          io.stderr(`${plainProgress(p)}\n`);
        }
      },
    });
    last = summary;
    return { failed: summary.failed, interrupted: summary.interrupted || interruptedByUser };
  } finally {
    await writes;
    bar?.stop();
    if (last !== undefined) {
      io.stdout(
        `import: ${last.succeeded} created, ${last.failed} failed, ${skip.size} skipped` +
          `${controller.signal.aborted ? ' (interrupted; rerun to continue)' : ''}\n`,
      );
    } else {
      io.stdout(`import: nothing to do, ${skip.size} skipped${controller.signal.aborted ? ' (interrupted)' : ''}\n`);
    }
  }
}
