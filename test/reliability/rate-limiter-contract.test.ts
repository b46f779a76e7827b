import { expect } from 'chai';
import { MemoryRateLimiter } from '../../src/adapters/rate-limiter/index.js';
import { describeRateLimiterContract } from '../../src/testing.js';
import { ManualClock } from '../adapters/paxos/support.js';

describeRateLimiterContract('MemoryRateLimiter', (settings) => new MemoryRateLimiter(settings));

describe('MemoryRateLimiter reads the cool-down from its Clock', () => {
  it('a cool-down ends when the injected clock passes it, not the wall clock', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 100, tokenRequestsPerSecond: 100, maxQueue: 1, clock });
    const until = await limiter.coolDown(300_000);
    expect(until.getTime()).to.equal(clock.now().getTime() + 300_000);
    clock.advance(299_999);
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: false, reason: 'cooling_down', retryAt: until });
    clock.advance(1);
    expect(await limiter.coolingDownUntil()).to.equal(undefined);
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
  });
});
