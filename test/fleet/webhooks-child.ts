/**
 * One process of the webhook fleet: webhook deliveries over a RedisWebhookDeliveryRecord on the namespace the test
 * gives. On `{ deliver, id, count, handler }` it handles `count` deliveries of event `id` at once and answers how
 * they ended. Every run of the handler is counted in Redis (`INCR {namespace}:runs:{id}`), so the test sees the
 * runs of the whole fleet; handler `fail-first` throws on the event's first run of the fleet.
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { RedisWebhookDeliveryRecord } from '../../src/redis.js';
import { WebhookDeliveries } from '../../src/application/webhooks.js';
import { events, notification } from '../support/webhooks.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

interface Deliver {
  readonly deliver: true;
  readonly id: string;
  readonly count: number;
  readonly handler: 'ok' | 'fail-first';
}

const namespace = env('FLEET_NAMESPACE');
const redis = new Redis(env('REDIS_URL'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
await new Promise<void>((resolve, reject) => {
  redis.once('ready', resolve);
  redis.once('error', reject);
});
const deliveries = new WebhookDeliveries(events, new RedisWebhookDeliveryRecord(redis, { namespace }));
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
answer({ ready: true });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Deliver;
  const handler = async () => {
    const run = await redis.incr(`${namespace}:runs:${command.id}`);
    // Long enough for the other processes' deliveries to arrive while this one holds the claim.
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (command.handler === 'fail-first' && run === 1) throw new Error('the first run fails');
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: command.count }, () => deliveries.handle(notification(command.id), handler)),
  );
  const tally: Record<string, number> = {};
  for (const outcome of outcomes) {
    const status = outcome.status === 'fulfilled' ? outcome.value.status : 'failed';
    tally[status] = (tally[status] ?? 0) + 1;
  }
  answer(tally);
}
await redis.quit();
