import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteKeysUnder, describeWithRedis, REDIS_URL, redisClient, uniqueNamespace } from '../support/redis.js';
import { FleetProcess } from './tokens-and-webhooks-processes.js';

/** 50 deliveries of one event, spread over 3 processes. */
const SHARES = [17, 17, 16];

type Tally = Partial<Record<'handled' | 'duplicate' | 'failed', number>>;

function sum(tallies: readonly Tally[]): Tally {
  const total: Tally = {};
  for (const tally of tallies)
    for (const [status, n] of Object.entries(tally) as [keyof Tally, number][])
      total[status] = (total[status] ?? 0) + n;
  return total;
}

describeWithRedis('a fleet sharing a RedisWebhookDeliveryRecord', function () {
  this.timeout(60_000);
  const namespace = uniqueNamespace();
  let fleet: FleetProcess[] = [];
  let redis: Redis;

  before(async () => {
    redis = redisClient();
    fleet = SHARES.map(() => new FleetProcess('./webhooks-child.ts', { REDIS_URL, FLEET_NAMESPACE: namespace }));
    expect(await Promise.all(fleet.map((child) => child.next()))).to.deep.equal(SHARES.map(() => ({ ready: true })));
  });
  after(async () => {
    await Promise.all(fleet.map((child) => child.stop()));
    // The done keys would otherwise stay their 25 h.
    await deleteKeysUnder(redis, `${namespace}:`);
    await redis.quit();
  });

  /** Sends every process its share of the deliveries at once, and sums how they ended. */
  async function deliver(id: string, handler: 'ok' | 'fail-first', shares = SHARES): Promise<Tally> {
    shares.forEach((count, i) => fleet[i]?.send({ deliver: true, id, count, handler }));
    return sum(await Promise.all(shares.map((_, i) => fleet[i]?.next<Tally>() ?? Promise.resolve({}))));
  }

  const runs = async (id: string) => Number(await redis.get(`${namespace}:runs:${id}`));

  it('runs the handler exactly once for 50 concurrent deliveries of one event over 3 processes', async () => {
    const id = `evt-${randomUUID()}`;
    expect(await deliver(id, 'ok')).to.deep.equal({ handled: 1, duplicate: 49 });
    expect(await runs(id)).to.equal(1);
    expect(await deliver(id, 'ok'), 'a later redelivery').to.deep.equal({ duplicate: 50 });
    expect(await runs(id)).to.equal(1);
  });

  it('runs a handler that failed once again on redelivery, once, for the whole fleet', async () => {
    const id = `evt-${randomUUID()}`;
    expect(await deliver(id, 'fail-first', [1])).to.deep.equal({ failed: 1 });
    expect(await runs(id)).to.equal(1);
    expect(await deliver(id, 'fail-first')).to.deep.equal({ handled: 1, duplicate: 49 });
    expect(await runs(id)).to.equal(2, 'the redelivery ran the handler again, once');
    expect(await deliver(id, 'fail-first')).to.deep.equal({ duplicate: 50 });
    expect(await runs(id)).to.equal(2);
  });
});
