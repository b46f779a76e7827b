/** The system-code-like reason an attempt cut by its own timer is reported and retried under. */
export const ATTEMPT_TIMEOUT = 'ATTEMPT_TIMEOUT';

/** Why an attempt's signal aborted when its own timer fired, so that it is told apart from the call's deadline. */
const ATTEMPT_EXPIRED: unique symbol = Symbol('paxos-identity.attempt-expired');

/**
 * One attempt's time budget inside the call's deadline: its signal fires after `timeoutMs` or when `outer` (the
 * call's deadline) fires, whichever comes first, and it covers the headers and the whole body. A server that stalls
 * once then costs one attempt, not the call: the send loop sees {@link AttemptTimer.expired} and tries again.
 * Always {@link AttemptTimer.dispose} it.
 */
export class AttemptTimer {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #outer: AbortSignal;
  readonly #onOuterAbort: () => void;

  constructor(timeoutMs: number, outer: AbortSignal) {
    this.signal = this.#controller.signal;
    this.#outer = outer;
    this.#onOuterAbort = () => {
      this.#controller.abort(outer.reason);
    };
    this.#timer = setTimeout(() => {
      this.#controller.abort(ATTEMPT_EXPIRED);
    }, timeoutMs);
    if (outer.aborted) this.#onOuterAbort();
    else outer.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  /** True when this attempt's own timer cut it (the call's deadline may still have time left). */
  get expired(): boolean {
    return this.signal.aborted && this.signal.reason === ATTEMPT_EXPIRED && !this.#outer.aborted;
  }

  /** Clears the timer and the listener on the call's deadline. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#outer.removeEventListener('abort', this.#onOuterAbort);
  }
}
