/** Why the deadline's signal aborted, so that a timeout can be told apart from the caller's own cancel. */
const DEADLINE_EXCEEDED: unique symbol = Symbol('paxos-identity.deadline-exceeded');

/**
 * One call's total time budget as an `AbortSignal`: it fires when `timeoutMs` passes or when the caller's own
 * signal aborts, whichever comes first. Unlike ky's `timeout`, it keeps running while the body streams in.
 * Always {@link Deadline.dispose} it, so that no timer outlives the call.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly #controller = new AbortController();
  readonly #endsAt: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;

  /** @throws the caller signal's reason when it is already aborted. */
  constructor(timeoutMs: number, caller?: AbortSignal) {
    caller?.throwIfAborted();
    this.timeoutMs = timeoutMs;
    this.signal = this.#controller.signal;
    this.#endsAt = performance.now() + timeoutMs;
    this.#timer = setTimeout(() => {
      this.#controller.abort(DEADLINE_EXCEEDED);
    }, timeoutMs);
    this.#caller = caller;
    if (caller !== undefined) {
      // A follower rather than AbortSignal.any: removable at dispose, so long-lived caller signals do not accumulate.
      this.#onCallerAbort = () => {
        this.#controller.abort(caller.reason);
      };
      follow(caller, this.#onCallerAbort);
    }
  }

  /** Milliseconds left before the deadline. */
  remaining(): number {
    return Math.max(0, this.#endsAt - performance.now());
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
    return new Promise((resolve, reject) => {
      if (this.signal.aborted) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
        reject(this.signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
        reject(this.signal.reason);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Clears the timer and the listener on the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
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
