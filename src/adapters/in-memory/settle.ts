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
  return new Promise<T>((resolve) => {
    checkCallOptions(options);
    options?.signal?.throwIfAborted();
    resolve(work());
  })
    .then((value) => {
      reportResponse(options, IN_PROCESS);
      return value;
    })
    .catch((error: unknown) => {
      throw asPaxosAnswers(error);
    });
}
