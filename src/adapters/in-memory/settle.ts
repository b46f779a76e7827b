import { asPaxosAnswers } from './simulation/paxos-status.js';

/**
 * Runs `work` at once and hands its outcome back as a promise: a throw becomes a rejection, as it would from an
 * `async` function, so a caller of these promise-returning gateways never sees a synchronous throw. A refusal
 * carries the status Paxos would have answered.
 */
export function settle<T>(work: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  }).catch((error: unknown) => {
    throw asPaxosAnswers(error);
  });
}
