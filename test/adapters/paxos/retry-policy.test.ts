import { expect } from 'chai';
import {
  decideRetry,
  type AttemptOutcome,
  type AttemptState,
  type RetryDecision,
  type RetryRules,
} from '../../../src/adapters/paxos/http/retry-policy.js';

// Jitter pinned to its middle: backoff for retry n is 0.75 × min(max, initial × 2^(n-1)).
const RULES: RetryRules = {
  idempotent: true,
  maxRetries: 2,
  initialDelayMs: 400,
  maxDelayMs: 1_000,
  random: () => 0.5,
};
const FIRST: AttemptState = { retries: 0, refreshed: false, remainingMs: 30_000 };

const answer = (status: number, retryAfterMs?: number): AttemptOutcome => ({ kind: 'answer', status, retryAfterMs });
const network = (reason: string | undefined): AttemptOutcome => ({ kind: 'network', reason });
const retry = (afterMs: number): RetryDecision => ({ retry: true, afterMs });
const STOP: RetryDecision = { retry: false };

const cases: ReadonlyArray<{
  readonly name: string;
  readonly outcome: AttemptOutcome;
  readonly state?: Partial<AttemptState>;
  readonly rules?: Partial<RetryRules>;
  readonly decision: RetryDecision;
}> = [
  // Transient answers of an idempotent call are retried with backoff.
  { name: '500 on a GET', outcome: answer(500), decision: retry(300) },
  { name: '502', outcome: answer(502), decision: retry(300) },
  { name: '503', outcome: answer(503), decision: retry(300) },
  { name: '504', outcome: answer(504), decision: retry(300) },
  { name: '408', outcome: answer(408), decision: retry(300) },
  { name: '503, second retry: the backoff doubles', outcome: answer(503), state: { retries: 1 }, decision: retry(600) },
  {
    name: '503, the backoff is capped at maxDelayMs',
    outcome: answer(503),
    rules: { maxRetries: 5 },
    state: { retries: 3 },
    decision: retry(750),
  },
  { name: '503 with a Retry-After: Paxos knows better', outcome: answer(503, 2_000), decision: retry(2_000) },
  // Answers that fail the same way again.
  { name: '400', outcome: answer(400), decision: STOP },
  { name: '403', outcome: answer(403), decision: STOP },
  { name: '404', outcome: answer(404), decision: STOP },
  { name: '409', outcome: answer(409), decision: STOP },
  { name: '422', outcome: answer(422), decision: STOP },
  { name: '501 is not transient', outcome: answer(501), decision: STOP },
  { name: '307 is never followed, nor repeated', outcome: answer(307), decision: STOP },
  // 429: never blind.
  { name: '429 without Retry-After', outcome: answer(429), decision: STOP },
  { name: '429 with a Retry-After that fits', outcome: answer(429, 1_500), decision: retry(1_500) },
  { name: '429 with a Retry-After past the deadline', outcome: answer(429, 300_000), decision: STOP },
  { name: '429 with Retry-After 0', outcome: answer(429, 0), decision: retry(0) },
  // 401: one fresh token, whatever the verb.
  { name: '401 first time', outcome: answer(401), decision: { retry: true, afterMs: 0, refreshToken: true } },
  { name: '401 after the refresh', outcome: answer(401), state: { refreshed: true }, decision: STOP },
  {
    name: '401 on a non-idempotent POST',
    outcome: answer(401),
    rules: { idempotent: false },
    decision: { retry: true, afterMs: 0, refreshToken: true },
  },
  {
    name: '401 with no retries left',
    outcome: answer(401),
    state: { retries: 2 },
    decision: { retry: true, afterMs: 0, refreshToken: true },
  },
  // Connection failures.
  { name: 'ECONNRESET', outcome: network('ECONNRESET'), decision: retry(300) },
  { name: 'UND_ERR_SOCKET (reset mid-body)', outcome: network('UND_ERR_SOCKET'), decision: retry(300) },
  { name: 'ECONNREFUSED', outcome: network('ECONNREFUSED'), decision: retry(300) },
  { name: 'EAI_AGAIN', outcome: network('EAI_AGAIN'), decision: retry(300) },
  { name: 'ENOTFOUND fails the same way again', outcome: network('ENOTFOUND'), decision: STOP },
  { name: 'a certificate error', outcome: network('CERT_HAS_EXPIRED'), decision: STOP },
  { name: 'no system code', outcome: network(undefined), decision: STOP },
  // Create POST: with a ref_id it is idempotent (a repeat is a 409 replay), without one it never repeats.
  { name: 'create POST with ref_id, 503', outcome: answer(503), rules: { idempotent: true }, decision: retry(300) },
  {
    name: 'create POST with ref_id, reset',
    outcome: network('ECONNRESET'),
    rules: { idempotent: true },
    decision: retry(300),
  },
  { name: 'create POST without ref_id, 503', outcome: answer(503), rules: { idempotent: false }, decision: STOP },
  {
    name: 'create POST without ref_id, reset',
    outcome: network('ECONNRESET'),
    rules: { idempotent: false },
    decision: STOP,
  },
  {
    name: 'create POST without ref_id, 429 with Retry-After',
    outcome: answer(429, 100),
    rules: { idempotent: false },
    decision: STOP,
  },
  // Retries and deadline left.
  { name: 'no retries left', outcome: answer(503), state: { retries: 2 }, decision: STOP },
  { name: 'maxRetries 0', outcome: answer(503), rules: { maxRetries: 0 }, decision: STOP },
  { name: 'backoff longer than the deadline left', outcome: answer(503), state: { remainingMs: 299 }, decision: STOP },
  {
    name: 'backoff just within the deadline left',
    outcome: answer(503),
    state: { remainingMs: 301 },
    decision: retry(300),
  },
  { name: 'backoff equal to the deadline left', outcome: answer(503), state: { remainingMs: 300 }, decision: STOP },
  {
    name: 'Retry-After longer than the deadline left',
    outcome: answer(503, 5_000),
    state: { remainingMs: 4_000 },
    decision: STOP,
  },
];

describe('retry policy (pure)', () => {
  for (const { name, outcome, state, rules, decision } of cases) {
    it(`${name} → ${decision.retry ? `retry after ${decision.afterMs} ms` : 'give up'}`, () => {
      expect(decideRetry(outcome, { ...FIRST, ...state }, { ...RULES, ...rules })).to.deep.equal(decision);
    });
  }

  it('spreads retries with jitter between half and all of the exponential delay', () => {
    const waits = [0, 0.25, 0.999].map(
      (r) => decideRetry(answer(503), FIRST, { ...RULES, random: () => r }) as { afterMs: number },
    );
    expect(waits.map((w) => w.afterMs)).to.deep.equal([200, 250, 400]);
  });
});
