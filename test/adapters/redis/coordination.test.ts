import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createIdentityService } from '../../../src/index.js';
import {
  RedisRateLimiter,
  RedisTokenCache,
  RedisWebhookDeliveryRecord,
  redisCoordination,
} from '../../../src/redis.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../../src/testing.js';
import { aPerson } from '../../support/builders.js';
import { paxosOptionsFor } from '../../support/paxos.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';
import { notification } from '../../support/webhooks.js';

describeWithRedis('redisCoordination: every shared piece over one client and namespace', () => {
  let redis: Redis;
  let emulator: PaxosEmulator;

  before(async () => {
    redis = redisClient();
    emulator = await startPaxosEmulator();
  });

  after(async () => {
    await emulator.close();
    await redis.quit();
  });

  it('builds the rate limiter, the token cache and the webhook record, and a service uses all three', async () => {
    const namespace = uniqueNamespace();
    const coordination = redisCoordination({ redis, namespace, encryptionKey: randomBytes(32) });
    expect(coordination.rateLimiter).to.be.instanceOf(RedisRateLimiter);
    expect(coordination.tokenCache).to.be.instanceOf(RedisTokenCache);
    expect(coordination.webhookDeliveryRecord).to.be.instanceOf(RedisWebhookDeliveryRecord);

    const service = createIdentityService({
      adapter: 'paxos',
      paxos: paxosOptionsFor(emulator),
      coordination,
    });
    const identity = await service.createIdentity(aPerson().build());

    const keys = await redis.keys(`${namespace}:*`);
    expect(
      keys.some((key) => key.startsWith(`${namespace}:token:`)),
      'the token is shared',
    ).to.equal(true);
    for (const key of keys.filter((k) => k.startsWith(`${namespace}:token:`))) {
      const stored = (await redis.get(key)) ?? '';
      expect(stored).not.to.include(emulator.clientSecret);
      expect(stored, 'stored encrypted').to.match(/\.e\./);
    }

    await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const event = (await service.listEventsPage({ type: 'identity.approved', order: 'DESC', limit: 1 })).items[0];
    if (event === undefined) throw new Error('no identity.approved event');
    const handled: string[] = [];
    const deliver = () =>
      service.handleWebhook(notification(event.id), (e) => {
        handled.push(e.id);
      });
    const outcomes = await Promise.all([deliver(), deliver(), deliver()]);
    expect(outcomes.map((o) => o.status).sort()).to.deep.equal(['duplicate', 'duplicate', 'handled']);
    expect(handled).to.deep.equal([event.id]);
    expect(await redis.keys(`${namespace}:evt:*`)).to.have.length.greaterThan(0);
    await redis.del(...(await redis.keys(`${namespace}:*`)));
  });
});
