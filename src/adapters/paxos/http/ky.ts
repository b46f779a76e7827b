import ky, { type KyInstance } from 'ky';
import { USER_AGENT } from '../version.js';

/**
 * One ky instance per connection. ky supplies the fetch call, its defaults and its header merging; its retry and error
 * machinery are switched off because the send loop owns those decisions. Its timeout is off by default and set per
 * attempt by the send loop, for the headers only: measured with ky 1.14 against a local server that sends its headers
 * and then stalls the body, with `timeout: 200`, `response.text()` was still pending after 1000 ms, since ky clears
 * its timer once headers arrive. The capped body read has a timer of its own for the rest of the attempt's budget.
 */
export function createPaxosKy(): KyInstance {
  return ky.create({
    // Retries are decided by the retry policy, where the body, the deadline and the one 401 refresh are all in view.
    retry: 0,
    // Set per attempt by the send loop: ky's timer stops once headers arrive, and the body read has its own.
    timeout: false,
    // ky's HTTPError keeps the request with its JSON (an SSN) and the bearer token: never let ky build one.
    throwHttpErrors: false,
    // Node's fetch follows a cross-origin 307 and re-sends the body (personal data) to the new origin.
    redirect: 'manual',
    // Paxos support can tell which library and version called.
    headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
  });
}
