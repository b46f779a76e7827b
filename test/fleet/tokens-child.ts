/**
 * One process of the token fleet: a service on the Paxos adapter against the emulator, with a RedisTokenCache on the
 * namespace the test gives. It answers `ready` once connected, and on `go` makes one call that needs a token.
 */
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisTokenCache } from '../../src/redis.js';
import { createIdentityService, IdentityNotFoundError } from '../../src/index.js';
import type { EmulatorPaxosOptions } from '../support/paxos.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const redis = new Redis(env('REDIS_URL'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
await new Promise<void>((resolve, reject) => {
  redis.once('ready', resolve);
  redis.once('error', reject);
});
const service = createIdentityService({
  adapter: 'paxos',
  paxos: { ...(JSON.parse(env('EMULATOR_PAXOS')) as EmulatorPaxosOptions), timeoutMs: 10_000 },
  tokenCache: new RedisTokenCache(redis, {
    namespace: env('FLEET_NAMESPACE'),
    encryptionKey: env('FLEET_ENCRYPTION_KEY'),
  }),
});

const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
answer({ ready: true });

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== '"go"') continue;
  try {
    await service.getIdentity(randomUUID());
    answer({ outcome: 'found' });
  } catch (error) {
    // A 404 for a random id is the expected answer: the call went through with a token.
    answer({ outcome: error instanceof IdentityNotFoundError ? 'not_found' : `failed: ${String(error)}` });
  }
}
await redis.quit();
