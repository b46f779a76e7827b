import { expect } from 'chai';
import { RateLimiter } from '../../src/testing/emulator/rate-limit.js';
import { ManualClock } from './support.js';

// The window is read directly, many thousands of times, so that its head index and compaction are crossed.
describe('emulator: the rate-limit window over long runs', () => {
  it('lets a steady client at the allowed pace through for many windows, and throttles one request over it', () => {
    const clock = new ManualClock();
    // 100 per second over 1 s: a budget of 100 per window.
    const limiter = new RateLimiter({ identityPerSecond: 100, windowMs: 1000, throttleMs: 60_000 }, clock);
    let refused = 0;
    // 30 windows at exactly 100 per second (one request every 10 ms): 3,000 requests, every one inside the budget.
    for (let i = 0; i < 3000; i++) {
      if (!limiter.allow('1.2.3.4', 'identity')) refused += 1;
      clock.advance(10);
    }
    expect(refused).to.equal(0);
    // The window (the last 1000 ms) holds 99 of them: one more fits, the next is over the budget.
    expect(limiter.allow('1.2.3.4', 'identity')).to.equal(true);
    expect(limiter.allow('1.2.3.4', 'identity')).to.equal(false);
    expect(limiter.allow('5.6.7.8', 'identity'), 'another IP keeps its own budget').to.equal(true);
  });

  it('counts exactly the requests of the last window after compacting a long expired prefix', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ identityPerSecond: 5000, windowMs: 1000, throttleMs: 60_000 }, clock);
    // 5,000 at one instant fill the budget; a second later they have expired, and 5,000 fit again.
    for (let i = 0; i < 5000; i++) expect(limiter.allow('ip', 'identity')).to.equal(true);
    clock.advance(1000);
    for (let i = 0; i < 5000; i++) expect(limiter.allow('ip', 'identity')).to.equal(true);
    expect(limiter.allow('ip', 'identity'), 'the 5,001st within the window').to.equal(false);
  });
});
