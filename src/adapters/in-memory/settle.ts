import { checkCallOptions, reportResponse, type CallOptions } from '../../ports/index.js';
import { asPaxosAnswers } from './simulation/paxos-status.js';

/** What the fake reports to `onResponse`: an answer in process, so no request id and no headers. */
const IN_PROCESS = Object.freeze({ status: 200, requestId: undefined, headers: Object.freeze({}), attempts: 1 });

/**
 * Runs `work` at once and hands its outcome back as a promise: a throw becomes a rejection, as it would from an
 * `async` function, so a caller of these promise-returning gateways never sees a synchronous throw. A refusal
 * carries the status Paxos would have answered. The per-call options are checked as the Paxos adapter checks them
 * (the fake answers at once, so `timeoutMs` and `maxRetries` change nothing), and `onResponse` hears of a success.
 */
export function settle<T>(work: () => T | PromiseLike<T>, options?: CallOptions): Promise<T> {
  let value: T | PromiseLike<T>;
  try {
    // Without options there is nothing to check (and no object to make for the headers they would give).
    if (options !== undefined) checkCallOptions(options);
    options?.signal?.throwIfAborted();
    value = work();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the refusal as Paxos would answer it, whatever was thrown
    return Promise.reject(asPaxosAnswers(error));
  }
  // The usual answer is a plain value with no one to tell: it is handed back without a chain of promises, which
  // were a visible share of a create through the fake.
  if (!isThenable(value) && options?.onResponse === undefined) return Promise.resolve(value);
  return Promise.resolve(value)
    .then((answer) => {
      reportResponse(options, IN_PROCESS);
      return answer;
    })
    .catch((error: unknown) => {
      throw asPaxosAnswers(error);
    });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
