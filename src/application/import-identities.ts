import {
  IdentityServiceError,
  IdentityValidationError,
  type CreateIdentityCommand,
  type Identity,
  type Violation,
} from '../domain/index.js';
import type { CreateIdentity } from './create-identity.js';

/**
 * One input of a bulk import with where it came from. `line` is echoed in its result, so that a result file can be
 * matched to the input file; `violations` stand for input that could not even become a command (a line of a file
 * that is not JSON, or not Paxos's wire format): it is reported as invalid and never sent.
 */
export interface ImportItem {
  /** Where the item comes from (a line number); numbered 1, 2, … in source order when absent. */
  readonly line?: number;
  readonly command?: CreateIdentityCommand;
  readonly violations?: readonly Violation[];
  /** The item's `refId` when the command could not be built, so that its result still names it. */
  readonly refId?: string;
}

/** The outcome of one item, in an order that follows completion, not the source. Holds no personal data. */
export type ImportResult =
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: true;
      /** The identity created, or the one an earlier run created with this `refId`. */
      readonly identityId: string;
    }
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: false;
      /** The library's stable error code (`identity_invalid`, `identity_already_exists`, `paxos_rate_limited`, …). */
      readonly code: string;
      readonly status?: number;
      /** For `identity_invalid`: the rules broken, by path (messages never echo values). */
      readonly violations?: readonly Violation[];
    };

/** Where a running import stands. */
export interface ImportProgress {
  /** Items finished (succeeded + failed). */
  readonly done: number;
  /** Items expected, when the caller said so (`options.total`). */
  readonly total: number | undefined;
  readonly succeeded: number;
  readonly failed: number;
  /** Finished items per second since the first create was started. */
  readonly ratePerSecond: number;
  /** Seconds left at the current rate, when `total` is known. */
  readonly etaSeconds: number | undefined;
  readonly elapsedMs: number;
}

/** Options of {@link ImportIdentities.execute}. */
export interface ImportOptions {
  /**
   * Creates started per second at most. Paxos allows 10 identity requests per second per IP, averaged over five
   * minutes, and throttles the whole IP for five minutes past it; the default stays at that limit. Starts are spaced
   * evenly (no bursts), so the rate seen by Paxos never exceeds this.
   */
  readonly ratePerSecond?: number;
  /** Creates in flight at most. Default 4. */
  readonly concurrency?: number;
  /** How many items the source holds, for the progress's ETA. */
  readonly total?: number;
  /** Stops starting new creates; the ones in flight finish and are reported. The import then resolves normally. */
  readonly signal?: AbortSignal;
  /** Called with each result as soon as it is known (write it out here). Awaited before the slot is reused. */
  readonly onResult?: (result: ImportResult) => void | Promise<void>;
  /** Called after each result. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The time source for pacing, in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
}

/** What an import did. */
export interface ImportSummary extends ImportProgress {
  /** True when the signal stopped it before the source was exhausted. */
  readonly interrupted: boolean;
}

const DEFAULT_RATE = 10;
const DEFAULT_CONCURRENCY = 4;
const MAX_CATCH_UP_MS = 100;

function isItem(value: unknown): value is ImportItem {
  return value !== null && typeof value === 'object' && ('command' in value || 'violations' in value);
}

function refIdOf(command: unknown): string | undefined {
  try {
    const refId = (command as { refId?: unknown } | null)?.refId;
    return typeof refId === 'string' && refId !== '' ? refId : undefined;
  } catch {
    return undefined;
  }
}

/** The HTTP status an adapter attached to the error (the domain's errors have none). */
function statusOf(error: IdentityServiceError): number | undefined {
  const status = (error as { readonly status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function failureOf(line: number, refId: string | undefined, error: unknown): ImportResult {
  if (error instanceof IdentityValidationError) {
    const status = statusOf(error);
    return {
      line,
      refId,
      ok: false,
      code: error.code,
      ...(status !== undefined && { status }),
      violations: error.violations,
    };
  }
  if (error instanceof IdentityServiceError) {
    const status = statusOf(error);
    return { line, refId, ok: false, code: error.code, ...(status !== undefined && { status }) };
  }
  // Not one of the library's errors: its message could hold anything, so only that it failed is kept.
  return { line, refId, ok: false, code: 'unexpected_error' };
}

/**
 * Paces starts at a steady rate: slots are `1 / rate` apart. A start that is late by at most one interval or 100 ms
 * keeps its slot (timers fire late, a busy event loop stalls; the long-run rate stays on target and never above it);
 * one later than that restarts the schedule from now instead of catching up in a longer burst.
 */
class Pacer {
  #next: number | undefined;
  readonly #interval: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number,
  ) {
    this.#interval = 1000 / ratePerSecond;
  }

  /** Resolves true at the next slot, or false as soon as `signal` aborts. */
  async wait(signal: AbortSignal | undefined): Promise<boolean> {
    const now = this.now();
    if (this.#next === undefined || this.#next < now - Math.max(this.#interval, MAX_CATCH_UP_MS)) this.#next = now;
    const delay = this.#next - now;
    this.#next += this.#interval;
    if (delay <= 0) return !(signal?.aborted ?? false);
    if (signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, delay);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Bulk onboarding: creates every command of a source at a steady rate with a bound on calls in flight. Each create
 * goes through {@link CreateIdentity}, so a command whose `refId` an earlier run already created resolves to that
 * identity: rerunning an interrupted import is safe. A failing item (invalid, conflicting, refused) is reported and
 * the import goes on.
 */
export class ImportIdentities {
  constructor(private readonly create: CreateIdentity) {}

  async execute(
    source: AsyncIterable<CreateIdentityCommand | ImportItem> | Iterable<CreateIdentityCommand | ImportItem>,
    options: ImportOptions = {},
  ): Promise<ImportSummary> {
    const rate = options.ratePerSecond ?? DEFAULT_RATE;
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('ratePerSecond must be a positive number');
    if (!Number.isSafeInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    const now = options.now ?? (() => performance.now());
    const signal = options.signal;
    const pacer = new Pacer(rate, now);
    const started = now();
    let succeeded = 0;
    let failed = 0;
    let position = 0;
    let interrupted = false;

    const progress = (): ImportProgress => {
      const done = succeeded + failed;
      const elapsedMs = now() - started;
      const ratePerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
      const left = options.total === undefined ? undefined : Math.max(0, options.total - done);
      const etaSeconds =
        left === undefined ? undefined : ratePerSecond > 0 ? left / ratePerSecond : left === 0 ? 0 : undefined;
      return { done, total: options.total, succeeded, failed, ratePerSecond, etaSeconds, elapsedMs };
    };

    const finish = async (result: ImportResult): Promise<void> => {
      if (result.ok) succeeded += 1;
      else failed += 1;
      // The counts as of this result: another item can finish while onResult is awaited, and its count is its own.
      const counted = progress();
      await options.onResult?.(result);
      options.onProgress?.(counted);
    };

    const inFlight = new Set<Promise<void>>();
    const run = async (line: number, refId: string | undefined, command: CreateIdentityCommand): Promise<void> => {
      let result: ImportResult;
      try {
        // The stop signal is not passed on: a create already sent is let to finish, so that its result is known.
        const identity: Identity = await this.create.execute(command);
        result = { line, refId: identity.refId ?? refId, ok: true, identityId: identity.id };
      } catch (error) {
        result = failureOf(line, refId, error);
      }
      await finish(result);
    };

    const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    try {
      for (;;) {
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        const next = await iterator.next();
        if (next.done === true) break;
        position += 1;
        const item: ImportItem = isItem(next.value) ? next.value : { command: next.value };
        const line = item.line ?? position;
        const refId = item.refId ?? refIdOf(item.command);
        if (item.violations !== undefined && item.violations.length > 0) {
          await finish({ line, refId, ok: false, code: 'identity_invalid', violations: item.violations });
          continue;
        }
        if (item.command === undefined) {
          await finish({ line, refId, ok: false, code: 'identity_invalid', violations: [] });
          continue;
        }
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (!(await pacer.wait(signal))) {
          interrupted = true;
          break;
        }
        const task = run(line, refId, item.command).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    } finally {
      await Promise.all(inFlight);
      if (interrupted) await iterator.return?.();
    }
    return { ...progress(), interrupted };
  }
}
