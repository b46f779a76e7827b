import { expect } from 'chai';
import { describeWithRedis, redisClient, redisUnavailable, uniqueNamespace } from './redis.js';

describeWithRedis('Redis for the suites that need it', () => {
  it('answers, and keys under a unique namespace are this test’s alone', async () => {
    expect(await redisUnavailable()).to.equal(undefined);
    const redis = redisClient();
    try {
      const key = `${uniqueNamespace()}:probe`;
      await redis.set(key, '1', 'PX', 10_000);
      expect(await redis.get(key)).to.equal('1');
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });
});
