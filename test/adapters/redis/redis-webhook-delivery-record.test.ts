import { expect } from 'chai';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { Redis } from 'ioredis';
import { RedisUnavailableError, RedisWebhookDeliveryRecord } from '../../../src/redis.js';
import { WebhookDeliveries } from '../../../src/application/webhooks.js';
import { describeWebhookDeliveryRecordContract } from '../../../src/testing.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';
import { events, notification } from '../../support/webhooks.js';

const LEASE_MS = 150;

function granted(claim: Awaited<ReturnType<RedisWebhookDeliveryRecord['claim']>>) {
  if (claim.status !== 'claimed') expect.fail(`expected the claim to be granted, got ${claim.status}`);
  return claim;
}

/** A client whose every command waits forever, as ioredis does with its offline queue while Redis is away. */
function hungClient(): Redis {
  const never = () => new Promise<never>(() => undefined);
  return { evalsha: never, eval: never } as unknown as Redis;
}

describeWithRedis('RedisWebhookDeliveryRecord', () => {
  let redis: Redis;
  const namespaces: string[] = [];
  /** A fresh namespace, whose keys the suite deletes at the end: done keys would otherwise stay their 25 h. */
  const namespaced = () => {
    const namespace = uniqueNamespace();
    namespaces.push(namespace);
    return namespace;
  };
  before(() => {
    redis = redisClient();
  });
  after(async () => {
    for (const namespace of namespaces) {
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  describeWebhookDeliveryRecordContract(
    'RedisWebhookDeliveryRecord',
    () => new RedisWebhookDeliveryRecord(redis, { namespace: namespaced() }),
    { leaseMs: LEASE_MS, lapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 50)) },
  );

  it('claims with SET NX PX lease, and keeps the done key 25 h by default, or as long as told', async () => {
    const namespace = namespaced();
    const record = new RedisWebhookDeliveryRecord(redis, { namespace });
    const id = `evt-${randomUUID()}`;
    const claim = granted(await record.claim(id, 30_000));
    const claimKey = `${namespace}:evt:{${id}}`;
    expect(await redis.pttl(claimKey)).to.be.within(29_000, 30_000);
    await claim.complete();
    expect(await redis.exists(claimKey)).to.equal(0, 'the claim is gone once done');
    expect(await redis.pttl(`${claimKey}:done`)).to.be.within(25 * 3600_000 - 5_000, 25 * 3600_000);

    const longer = new RedisWebhookDeliveryRecord(redis, { namespace, doneTtlMs: 48 * 3600_000 });
    await granted(await longer.claim(`${id}-2`, 30_000)).complete();
    expect(await redis.pttl(`${namespace}:evt:{${id}-2}:done`)).to.be.above(47 * 3600_000);
  });

  it('refuses a done TTL below Paxos’s 24 h of redelivery, an empty namespace and a bad lease', async () => {
    expect(() => new RedisWebhookDeliveryRecord(redis, { namespace: 'n', doneTtlMs: 3600_000 })).to.throw(
      RangeError,
      /24 hours/,
    );
    expect(() => new RedisWebhookDeliveryRecord(redis, { namespace: '' })).to.throw(RangeError, /namespace/);
    const record = new RedisWebhookDeliveryRecord(redis, { namespace: namespaced() });
    await assert.rejects(record.claim('evt', 0), RangeError);
  });

  it('fails closed within its command timeout when Redis does not answer, so the endpoint answers 5xx', async () => {
    const record = new RedisWebhookDeliveryRecord(hungClient(), { namespace: 'n', commandTimeoutMs: 50 });
    const deliveries = new WebhookDeliveries(events, record);
    let calls = 0;
    const started = performance.now();
    const error: unknown = await deliveries
      .handle(notification('evt-1'), () => void (calls += 1))
      .then(
        () => expect.fail('expected a rejection'),
        (caught: unknown) => caught,
      );
    expect(performance.now() - started).to.be.below(1000);
    expect(error).to.be.instanceOf(RedisUnavailableError);
    expect(error).to.include({ code: 'redis_unavailable', operation: 'webhook claim', reason: 'timeout' });
    expect(calls).to.equal(0, 'the handler does not run without a claim');
  });

  it('fails closed when Redis refuses the command, without quoting the command or its arguments', async () => {
    const broken = new RedisWebhookDeliveryRecord(
      {
        evalsha: () => Promise.reject(new Error('READONLY You cannot write against a read only replica. evt-secret')),
      } as unknown as Redis,
      { namespace: 'n' },
    );
    const error: unknown = await broken.claim('evt-secret', 1000).then(
      () => expect.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(RedisUnavailableError).with.property('reason', 'error');
    expect(JSON.stringify(error) + inspect(error)).not.to.include('evt-secret');
  });

  it('does not print the client it was given', () => {
    const record = new RedisWebhookDeliveryRecord(redis, { namespace: namespaced() });
    expect(inspect(record, { depth: Infinity, showHidden: true })).not.to.include('127.0.0.1');
  });
});
