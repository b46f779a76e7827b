import { expect } from 'chai';
import { PaxosRateLimitError } from '../../../src/index.js';
import { PaxosIdentityGateway } from '../../../src/gateways.js';
import { retryAfterMs } from '../../../src/adapters/paxos/http/retry-policy.js';
import { problem, rejectionOf, useScriptedPaxos } from './support.js';

const GET = 'GET /v2/identity/identities/{id}';
const TOKEN = 'POST /oauth2/token';
const FIVE_MINUTES = 5 * 60_000;

describe('Retry-After, bounded', () => {
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;

  for (const value of ['99999999999', '999999999999999999', '1'.padEnd(20, '9')]) {
    it(`Retry-After: ${value} is five minutes: a typed error, the cool-down recorded, the next call held back`, async () => {
      const limiter = limiterOf();
      bench.paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': value }));
      const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
      const before = Date.now();
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect(error).to.deep.include({ reason: 'throttled', retryAfterMs: FIVE_MINUTES });
      const until = (await limiter.coolingDownUntil())?.getTime() ?? Number.NaN;
      expect(until).to.be.within(before + FIVE_MINUTES - 1_000, Date.now() + FIVE_MINUTES);
      expect(() => JSON.stringify(error)).not.to.throw();

      const next = await rejectionOf(gateway.get('abc-1'));
      expect(next).to.be.instanceOf(PaxosRateLimitError);
      expect(next).to.deep.include({ reason: 'cooling_down' });
      expect(bench.paxos.to(GET)).to.have.length(1);
    });
  }

  it('maxRetryAfterMs sets the cap', async () => {
    const limiter = limiterOf();
    bench.paxos.otherwise(GET, problem(429, 'Too many requests', {}, { 'retry-after': '99999999999' }));
    const gateway = new PaxosIdentityGateway(options({ maxRetryAfterMs: 60_000 }), { rateLimiter: limiter });
    const error = await rejectionOf(gateway.get('abc-1'));

    expect(error).to.deep.include({ retryAfterMs: 60_000 });
    expect((await limiter.coolingDownUntil())?.getTime()).to.be.at.most(Date.now() + 60_000);
  });

  it("the token endpoint's Retry-After is bounded the same way", async () => {
    const limiter = limiterOf();
    bench.paxos.otherwise(TOKEN, problem(429, 'slow down', {}, { 'retry-after': '999999999999999999' }));
    const gateway = new PaxosIdentityGateway(options(), { rateLimiter: limiter });
    const error = await rejectionOf(gateway.get('abc-1'));

    expect(error).to.be.instanceOf(PaxosRateLimitError);
    expect(error).to.deep.include({ retryAfterMs: FIVE_MINUTES });
    expect(Number.isFinite((await limiter.coolingDownUntil())?.getTime())).to.equal(true);
  });

  it('garbage is ignored, never thrown over; delta-seconds and dates are read', () => {
    const now = Date.parse('2026-03-15T12:00:00Z');
    const read = (value: string) => retryAfterMs(new Headers({ 'retry-after': value }), now);
    for (const value of ['1e3', 'Infinity', 'NaN', '0x10', '12 s', '9'.repeat(400), 'Sun, 99 Foo 99999 99:99:99 GMT'])
      expect(read(value), value).to.equal(undefined);
    expect(read('30')).to.equal(30_000);
    expect(read('0')).to.equal(0);
    expect(read('Sun, 15 Mar 2026 12:00:30 GMT')).to.equal(30_000);
    expect(read('Fri, 31 Dec 9999 23:59:59 GMT')).to.equal(FIVE_MINUTES);
    expect(retryAfterMs(new Headers({ 'retry-after': '600' }), now, 1_000)).to.equal(1_000);
  });

  it('a PaxosRateLimitError built from an impossible date or wait keeps neither, and renders', () => {
    const error = new PaxosRateLimitError({ retryAt: new Date(Number.NaN), retryAfterMs: Number.POSITIVE_INFINITY });
    expect(error).to.deep.include({ retryAt: undefined, retryAfterMs: undefined });
    expect(() => JSON.stringify(error)).not.to.throw();
    expect(error.message).to.equal('Paxos was rate limited (429)');
  });
});
