import { expect } from 'chai';
import { PaxosRateLimitError } from '../../../src/index.js';
import { PaxosIdentityGateway } from '../../../src/gateways.js';
import { backoffDelay, decideRetry, retryAfterMs } from '../../../src/adapters/paxos/http/retry-policy.js';
import { problem, rejectionOf, ScriptedPaxos, useScriptedPaxos } from './support.js';

const GET = 'GET /v2/identity/identities/{id}';

describe('Retry-After under attack', () => {
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;
  let paxos: ScriptedPaxos;
  beforeEach(() => {
    ({ paxos } = bench);
  });

  describe('on a 429', () => {
    for (const value of ['-5', '+5', '-1', '1 2']) {
      it(`treats an unreadable Retry-After ${JSON.stringify(value)} as absent: no retry, the configured cool-down`, async () => {
        const limiter = limiterOf();
        paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': value }));
        const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
        const error = await rejectionOf(gateway.get('abc-1'));

        expect(error).to.be.instanceOf(PaxosRateLimitError);
        expect(error).to.deep.include({ reason: 'throttled', retryAfterMs: undefined });
        expect(paxos.to(GET)).to.have.length(1);
        const until = await limiter.coolingDownUntil();
        expect(until?.getTime()).to.be.greaterThan(Date.now() + 4 * 60_000);
      });
    }

    it('an absurd Retry-After is a PaxosRateLimitError with a real retryAt, and does not lock the client out for ages', async () => {
      const limiter = limiterOf();
      paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': '1'.padEnd(25, '0') }));
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      const { retryAt } = error as PaxosRateLimitError;
      expect(Number.isFinite(retryAt?.getTime())).to.equal(true);
      expect(JSON.stringify(error)).to.be.a('string');
      // Never longer than the longest cool-down the configuration itself accepts (an hour).
      expect(retryAt?.getTime()).to.be.at.most(Date.now() + 60 * 60_000 + 1_000);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('an HTTP date in the past is "now": one retry, no cool-down left behind', async () => {
      const limiter = limiterOf();
      paxos.script(GET, problem(429, 'Too many requests', {}, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }));
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });

      expect((await gateway.get('abc-1')).id).to.equal('abc-1');
      expect(paxos.to(GET)).to.have.length(2);
    });

    it('an HTTP date beyond the deadline is not waited for, and is reported, capped at five minutes', async () => {
      const when = new Date(Date.now() + 10 * 60_000);
      paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': when.toUTCString() }));
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiterOf() });
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect((error as PaxosRateLimitError).retryAfterMs).to.equal(5 * 60_000);
      expect(paxos.to(GET)).to.have.length(1);
    });

    it('an HTTP date within maxRetryAfterMs is taken as it is', async () => {
      const when = new Date(Date.now() + 10 * 60_000);
      paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': when.toUTCString() }));
      const gateway = new PaxosIdentityGateway(options({ maxRetryAfterMs: 20 * 60_000 }), {
        rateLimiter: limiterOf(),
      });
      const error = await rejectionOf(gateway.get('abc-1'));

      expect((error as PaxosRateLimitError).retryAfterMs).to.be.within(9 * 60_000, 10 * 60_000);
    });

    it('reads the three HTTP-date forms, and refuses what only V8 would call a date', () => {
      const now = Date.parse('2026-03-15T12:00:00Z');
      const headers = (value: string) => new Headers({ 'retry-after': value });
      expect(retryAfterMs(headers('Sun, 15 Mar 2026 12:00:30 GMT'), now)).to.equal(30_000);
      expect(retryAfterMs(headers('Sunday, 15-Mar-26 12:00:30 GMT'), now)).to.equal(30_000);
      expect(retryAfterMs(headers('Sun Mar 15 12:00:30 2026'), now)).to.be.a('number');
      for (const value of ['-5', '+5', '1 2', 'soon', '-0', '5 s', '0x10'])
        expect(retryAfterMs(headers(value), now), value).to.equal(undefined);
    });
  });
});

describe('retry policy edges', () => {
  const rules = { idempotent: true, maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999999 };
  const fiveHundred = { kind: 'answer', status: 500 } as const;

  it('attempts are numbered from the first retry: maxRetries 2 allows retries 0 and 1 to go on, stops at 2', () => {
    expect(decideRetry(fiveHundred, { retries: 0, refreshed: false, remainingMs: 10_000 }, rules).retry).to.equal(true);
    expect(decideRetry(fiveHundred, { retries: 1, refreshed: false, remainingMs: 10_000 }, rules).retry).to.equal(true);
    expect(decideRetry(fiveHundred, { retries: 2, refreshed: false, remainingMs: 10_000 }, rules).retry).to.equal(
      false,
    );
  });

  it('a wait equal to the time left is not worth it; a wait just under is', () => {
    const wait = { kind: 'answer', status: 503, retryAfterMs: 500 } as const;
    expect(decideRetry(wait, { retries: 0, refreshed: false, remainingMs: 500 }, rules).retry).to.equal(false);
    expect(decideRetry(wait, { retries: 0, refreshed: false, remainingMs: 501 }, rules)).to.deep.equal({
      retry: true,
      afterMs: 500,
    });
  });

  it('backoff stays within [half, all] of the capped delay for any jitter, and any retry index', () => {
    for (const retry of [1, 2, 3, 10, 64, 1100, 5000])
      for (const r of [0, 0.5, 0.999999]) {
        const delay = backoffDelay(retry, 100, 1_000, () => r);
        const ceiling = Math.min(1_000, 100 * 2 ** (retry - 1));
        expect(delay, `retry ${retry} r ${r}`).to.be.within(ceiling / 2, ceiling);
      }
    expect(backoffDelay(2000, 0, 0, () => 0.5)).to.equal(0);
  });

  it('a 401 is refreshed once even on a non-idempotent call, and never a second time', () => {
    const state = { retries: 0, refreshed: false, remainingMs: 1_000 };
    const once = decideRetry({ kind: 'answer', status: 401 }, state, { ...rules, idempotent: false });
    expect(once).to.deep.equal({ retry: true, afterMs: 0, refreshToken: true });
    expect(decideRetry({ kind: 'answer', status: 401 }, { ...state, refreshed: true }, rules).retry).to.equal(false);
  });
});
