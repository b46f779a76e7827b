/** Why the deadline's signal aborted, so that a timeout can be told apart from the caller's own cancel. */
const DEADLINE_EXCEEDED: unique symbol = Symbol('paxos-identity.deadline-exceeded');

/**
 * One call's total time budget: it ends when `timeoutMs` passes or when the caller's own signal aborts, whichever
 * comes first. Unlike ky's `timeout`, it keeps running while the body streams in. Most calls never wait on anything
 * that needs the budget as an `AbortSignal` (a cached token, a free rate-limit slot, an answer within the attempt's
 * own timeout), so {@link Deadline.signal} is made on first use: a call that never asks for it costs no controller,
 * no timer and no listener. Always {@link Deadline.dispose} it, so that no timer outlives the call.
 */
export class Deadline {
  readonly timeoutMs: number;
  readonly #endsAt: number;
  readonly #caller: AbortSignal | undefined;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onCallerAbort: (() => void) | undefined;
  /** Set by {@link Deadline.expire}: a timer bounded by this deadline fired, which may be a little before `#endsAt`. */
  #expired = false;
  #disposed = false;

  /** @throws the caller signal's reason when it is already aborted. */
  constructor(timeoutMs: number, caller?: AbortSignal) {
    caller?.throwIfAborted();
    this.timeoutMs = timeoutMs;
    this.#endsAt = performance.now() + timeoutMs;
    this.#caller = caller;
  }

  /** The caller's own signal, if any: what an exchange must still follow once its time is bounded by a timer. */
  get caller(): AbortSignal | undefined {
    return this.#caller;
  }

  /**
   * The budget as a signal: it aborts when the time is up (reason: the deadline's own) or when the caller's signal
   * aborts (reason: the caller's). Made on first use.
   */
  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    const caller = this.#caller;
    if (caller?.aborted === true) controller.abort(caller.reason);
    else if (this.#expired || this.remaining() === 0) controller.abort(DEADLINE_EXCEEDED);
    else if (!this.#disposed) {
      this.#timer = setTimeout(() => {
        this.#expired = true;
        controller.abort(DEADLINE_EXCEEDED);
      }, this.remaining());
      if (caller !== undefined) {
        // A follower rather than AbortSignal.any: removable at dispose, so long-lived caller signals do not
        // accumulate listeners.
        this.#onCallerAbort = () => {
          controller.abort(caller.reason);
        };
        follow(caller, this.#onCallerAbort);
      }
    }
    return controller.signal;
  }

  /** True once the time is up or the caller cancelled. */
  get aborted(): boolean {
    return (
      this.#caller?.aborted === true ||
      this.#controller?.signal.aborted === true ||
      this.#expired ||
      performance.now() >= this.#endsAt
    );
  }

  /**
   * Marks the time as up: a timer set to this deadline's {@link Deadline.remaining} fired. Node may run such a timer a
   * millisecond before the clock here says the time is up; what the timer said stands.
   */
  expire(): void {
    this.#expired = true;
    this.#controller?.abort(DEADLINE_EXCEEDED);
  }

  /** Milliseconds left before the deadline. */
  remaining(): number {
    return this.#expired ? 0 : Math.max(0, this.#endsAt - performance.now());
  }

  /** True when the caller cancelled (as opposed to the deadline passing). */
  get cancelledByCaller(): boolean {
    return this.#caller?.aborted === true;
  }

  /** The caller's abort reason, when the caller cancelled. */
  get callerReason(): unknown {
    return this.#caller?.reason as unknown;
  }

  /** Waits `ms`, or rejects with the abort reason as soon as the deadline fires. */
  sleep(ms: number): Promise<void> {
    const signal = this.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Clears the timer and the listener on the caller's signal, if the signal was ever made. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onCallerAbort !== undefined && this.#caller !== undefined) unfollow(this.#caller, this.#onCallerAbort);
  }
}

/** The calls following one caller signal, behind the one listener the signal carries for all of them. */
interface Followers {
  readonly callbacks: Set<() => void>;
  readonly onAbort: () => void;
}

const FOLLOWERS = new WeakMap<AbortSignal, Followers>();

/**
 * Runs `callback` when `signal` aborts. However many calls share one caller signal, the signal carries a single
 * listener: a listener per call would pass Node's limit of ten and print a MaxListenersExceededWarning.
 */
function follow(signal: AbortSignal, callback: () => void): void {
  let followers = FOLLOWERS.get(signal);
  if (followers === undefined) {
    const callbacks = new Set<() => void>();
    const onAbort = () => {
      FOLLOWERS.delete(signal);
      for (const each of callbacks) each();
    };
    followers = { callbacks, onAbort };
    FOLLOWERS.set(signal, followers);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  followers.callbacks.add(callback);
}

/** Stops `callback` following `signal`; the signal's listener goes with its last follower. */
function unfollow(signal: AbortSignal, callback: () => void): void {
  const followers = FOLLOWERS.get(signal);
  if (followers === undefined) return;
  followers.callbacks.delete(callback);
  if (followers.callbacks.size > 0) return;
  FOLLOWERS.delete(signal);
  signal.removeEventListener('abort', followers.onAbort);
}

/**
 * Waits for a promise shared with other callers (the token request in flight) while honouring this caller's
 * signal: an abort rejects this caller only, and the shared promise carries on for the others.
 */
export function untilAborted<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason as unknown);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on the shared promise's rejection unchanged
        reject(error);
      },
    );
  });
}
