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
  /**
   * The `refId` to send a command that has none with: the one an earlier run generated and recorded for this item,
   * so that the rerun replays that create instead of meeting its identity as a conflict. For an item whose command
   * could not be built, the `refId` its result names. A command's own `refId` wins over this one.
   */
  readonly refId?: string;
}

/** The outcome of one item, in an order that follows completion, not the source. Holds no personal data. */
export type ImportResult =
  | {
      readonly line: number;
      /** The `refId` the create was sent with: the command's, the item's, or the one generated for it. */
      readonly refId: string;
      readonly ok: true;
      /**
       * `created`: this call created the identity. `replayed`: an earlier call (an earlier run, or an attempt whose
       * response was lost) had created it with this `refId`, and the create resolved to it.
       */
      readonly outcome: 'created' | 'replayed';
      readonly identityId: string;
    }
  | {
      readonly line: number;
      /** Undefined only for an invalid item that names none: an invalid item is never sent, so none is generated. */
      readonly refId: string | undefined;
      readonly ok: false;
      /**
       * `invalid`: the input broke a rule (`code` is `identity_invalid`), found before sending, or by Paxos (with
       * `status`). `failed`: anything else.
       */
      readonly outcome: 'invalid' | 'failed';
      /** The library's stable error code (`identity_invalid`, `identity_already_exists`, `paxos_rate_limited`, …). */
      readonly code: string;
      readonly status?: number;
      /** For `identity_invalid`: the rules broken, by path (messages never echo values). */
      readonly violations?: readonly Violation[];
    };

/** Where a running import stands. Each finished item is counted in exactly one of the four outcomes. */
export interface ImportProgress {
  /** Items finished: `created + replayed + invalid + failed`. */
  readonly done: number;
  /** Items expected: `options.total`, or the length of an array source. */
  readonly total: number | undefined;
  /** Identities this import created. */
  readonly created: number;
  /** Items whose `refId` an earlier call had already created: resolved to that identity, nothing new. */
  readonly replayed: number;
  /** Items that broke a rule: most never sent, the rest refused by Paxos for it. */
  readonly invalid: number;
  /** Items sent that failed (refused, conflicting, rate limited, unreachable, …). */
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
   * evenly, however late a timer fires or the event loop stalls: a late start is not made up by a burst. No window
   * of `⌈rate⌉ / rate` seconds ever holds more than `⌈rate⌉` starts, so an integer rate never puts more than itself
   * into one second, and a fractional one (9.5) is kept on average with at most `⌈rate⌉` (10) in any one second.
   */
  readonly ratePerSecond?: number;
  /** Creates in flight at most. Default 4. */
  readonly concurrency?: number;
  /** How many items the source holds, for the progress's ETA. Default: the length of an array source. */
  readonly total?: number;
  /** Stops starting new creates; the ones in flight finish and are reported. The import then resolves normally. */
  readonly signal?: AbortSignal;
  /**
   * Called before each create is sent, with the `refId` it is sent with, and awaited: the create is sent only once
   * it resolves. `generated` is true when the import made that `refId` up (the command and the item had none): record
   * it here, durably, and hand it back as the item's `refId` on a rerun, so that a create in flight when the process
   * died is replayed, never created twice nor lost. When it throws, that create and the ones after it are not sent,
   * and the import rejects with that error once the creates in flight have finished.
   */
  readonly beforeSend?: (send: {
    readonly line: number;
    readonly refId: string;
    readonly generated: boolean;
  }) => void | Promise<void>;
  /**
   * Called with each result as soon as it is known (write it out here). Awaited before the slot is reused. When it
   * throws (the results file cannot be written), nothing more is sent: the creates in flight finish, their results
   * are offered too, and the import rejects with the first error.
   */
  readonly onResult?: (result: ImportResult) => void | Promise<void>;
  /** Called after each result. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The time source for pacing, in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  /** Makes the `refId` of an item without one. Default: a random UUID v4. */
  readonly newRefId?: () => string;
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

/** The command's own `refId` as it stands (the command is the caller's: it may hold anything, getters included). */
function ownRefIdOf(command: unknown): unknown {
  try {
    return (command as { refId?: unknown } | null)?.refId;
  } catch {
    return undefined;
  }
}

function nameOf(refId: unknown): string | undefined {
  return typeof refId === 'string' && refId !== '' ? refId : undefined;
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
      outcome: 'invalid',
      code: error.code,
      ...(status !== undefined && { status }),
      violations: error.violations,
    };
  }
  if (error instanceof IdentityServiceError) {
    const status = statusOf(error);
    return { line, refId, ok: false, outcome: 'failed', code: error.code, ...(status !== undefined && { status }) };
  }
  // Not one of the library's errors: its message could hold anything, so only that it failed is kept.
  return { line, refId, ok: false, outcome: 'failed', code: 'unexpected_error' };
}

/**
 * Paces starts at a steady rate: slots are `1 / rate` apart, and a start late by at most one interval or 100 ms keeps
 * its slot (timers fire late; the long-run rate stays on target), one later than that restarts the schedule from
 * now. On top of the schedule, a start waits until the one `cap` starts before it is a whole window old: a kept
 * slot never turns into a burst. The window holds `cap = ⌈rate⌉` starts and lasts `cap / rate` seconds: for an
 * integer rate, one second holding the rate; for 9.5/s, 1.053 s holding 10, which keeps 9.5/s on average where a
 * one-second window capped at 9 would hold the import to 9/s.
 */
class Pacer {
  #next: number | undefined;
  readonly #interval: number;
  readonly #windowMs: number;
  /** The last `cap` start times, oldest at `#oldest`. */
  readonly #starts: number[] = [];
  readonly #cap: number;
  #oldest = 0;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number,
  ) {
    this.#interval = 1000 / ratePerSecond;
    // Below one per second this is one start per interval.
    this.#cap = Math.ceil(ratePerSecond);
    this.#windowMs = (this.#cap * 1000) / ratePerSecond;
  }

  /** Resolves true at the next slot, or false as soon as `signal` aborts. Call {@link started} on true. */
  async wait(signal: AbortSignal | undefined): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const now = this.now();
      if (this.#next === undefined || this.#next < now - Math.max(this.#interval, MAX_CATCH_UP_MS)) this.#next = now;
      const windowFree =
        this.#starts.length < this.#cap ? -Infinity : (this.#starts[this.#oldest] ?? -Infinity) + this.#windowMs;
      const at = Math.max(this.#next, windowFree);
      if (at <= now) return true;
      // The clock is read again after the sleep: a timer may fire early or late against the time source.
      if (!(await sleep(at - now, signal))) return false;
    }
  }

  /**
   * Counts a start at the current time. Called in the same synchronous stretch as the send itself, so that the time
   * the window is kept on is the send's, not that of a check a few callbacks earlier.
   */
  started(): void {
    const start = this.now();
    this.#next = (this.#next ?? start) + this.#interval;
    if (this.#starts.length < this.#cap) {
      this.#starts.push(start);
      return;
    }
    this.#starts[this.#oldest] = start;
    this.#oldest = (this.#oldest + 1) % this.#cap;
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Bulk onboarding: creates every command of a source at a steady rate with a bound on calls in flight. Every create
 * carries a `refId`: the command's, the item's (recorded by an earlier run), or one generated and handed to
 * `beforeSend` before anything is sent. Each create goes through {@link CreateIdentity}, so a `refId` an earlier run
 * already created resolves to that identity (`replayed`): rerunning an interrupted import with the recorded `refId`s
 * is safe. A failing item (invalid, conflicting, refused) is reported and the import goes on.
 */
export class ImportIdentities {
  constructor(private readonly create: CreateIdentity) {}

  /**
   * Runs the import; resolves once every item is finished, or, after the signal aborts, once the creates in flight
   * are.
   *
   * @throws {RangeError} when `ratePerSecond`, `concurrency` or `total` makes no sense.
   */
  async execute(
    source: AsyncIterable<CreateIdentityCommand | ImportItem> | Iterable<CreateIdentityCommand | ImportItem>,
    options: ImportOptions = {},
  ): Promise<ImportSummary> {
    const rate = options.ratePerSecond ?? DEFAULT_RATE;
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('ratePerSecond must be a positive number');
    if (!Number.isSafeInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    if (options.total !== undefined && !(Number.isSafeInteger(options.total) && options.total >= 0))
      throw new RangeError('total must be a non-negative integer');
    const total = options.total ?? (Array.isArray(source) ? source.length : undefined);
    const now = options.now ?? (() => performance.now());
    const newRefId = options.newRefId ?? (() => globalThis.crypto.randomUUID());
    const signal = options.signal;
    // Stops the pacing's wait at the caller's signal, or at the first failure to record (see `state`).
    const stop = new AbortController();
    const onAbort = (): void => {
      stop.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) stop.abort();
    /** The first error of `beforeSend` or `onResult`: nothing is sent after it, and the import rejects with it. */
    const state: { failure?: { readonly error: unknown } } = {};
    // A function, not a read of `state`: the failure comes from callbacks, which the compiler's narrowing cannot see.
    const failed = (): boolean => state.failure !== undefined;
    const fail = (error: unknown): void => {
      state.failure ??= { error };
      stop.abort();
    };
    const pacer = new Pacer(rate, now);
    const started = now();
    const counts = { created: 0, replayed: 0, invalid: 0, failed: 0 };
    let position = 0;
    let interrupted = false;
    let exhausted = false;

    const progress = (): ImportProgress => {
      const done = counts.created + counts.replayed + counts.invalid + counts.failed;
      const elapsedMs = now() - started;
      const ratePerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
      const left = total === undefined ? undefined : Math.max(0, total - done);
      const etaSeconds =
        left === undefined ? undefined : ratePerSecond > 0 ? left / ratePerSecond : left === 0 ? 0 : undefined;
      return { done, total, ...counts, ratePerSecond, etaSeconds, elapsedMs };
    };

    const finish = async (result: ImportResult): Promise<void> => {
      counts[result.outcome] += 1;
      // The counts as of this result: another item can finish while onResult is awaited, and its count is its own.
      const counted = progress();
      try {
        await options.onResult?.(result);
        options.onProgress?.(counted);
      } catch (error) {
        // A task never rejects: a rejected one would leave its slot unnoticed (and unhandled) while more are sent.
        fail(error);
      }
    };

    const inFlight = new Set<Promise<void>>();
    const run = async (line: number, refId: string | undefined, command: CreateIdentityCommand): Promise<void> => {
      let result: ImportResult;
      try {
        const seen = { replayed: false };
        // The stop signal is not passed on: a create already sent is let to finish, so that its result is known.
        const identity: Identity = await this.create.execute(command, {
          onReplay: () => {
            seen.replayed = true;
          },
        });
        result = {
          line,
          refId: identity.refId ?? refId ?? '',
          ok: true,
          outcome: seen.replayed ? 'replayed' : 'created',
          identityId: identity.id,
        };
      } catch (error) {
        result = failureOf(line, refId, error);
      }
      await finish(result);
    };

    const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    try {
      for (;;) {
        if (failed()) break;
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        position += 1;
        const item: ImportItem = isItem(next.value) ? next.value : { command: next.value };
        const line = item.line ?? position;
        const given = nameOf(item.refId);
        if (failed()) break;
        if (item.violations !== undefined && item.violations.length > 0) {
          await finish({
            line,
            refId: given ?? nameOf(ownRefIdOf(item.command)),
            ok: false,
            outcome: 'invalid',
            code: 'identity_invalid',
            violations: item.violations,
          });
          continue;
        }
        if (item.command === undefined) {
          await finish({ line, refId: given, ok: false, outcome: 'invalid', code: 'identity_invalid', violations: [] });
          continue;
        }
        let command = item.command;
        const own = ownRefIdOf(command);
        let refId: string | undefined;
        let generated = false;
        if (own === undefined) {
          refId = given ?? newRefId();
          generated = given === undefined;
          command = { ...command, refId };
        } else {
          // A refId that is not a string fails the create's own checks before anything is sent.
          refId = typeof own === 'string' ? own : undefined;
        }
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (failed()) break;
        // Recorded before the slot is taken, so that the pacing spaces the sends themselves.
        if (refId !== undefined) {
          try {
            await options.beforeSend?.({ line, refId, generated });
          } catch (error) {
            fail(error);
            break;
          }
        }
        if (!(await pacer.wait(stop.signal))) {
          if (!failed()) interrupted = true;
          break;
        }
        pacer.started();
        const task = run(line, refId, command).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    } finally {
      await Promise.all(inFlight);
      signal?.removeEventListener('abort', onAbort);
      if (!exhausted) await iterator.return?.();
    }
    if (state.failure !== undefined) throw state.failure.error;
    return { ...progress(), interrupted };
  }
}
