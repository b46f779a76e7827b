/**
 * One worker of a fleet draining a Redis batch: a service on the Paxos adapter coordinated through Redis (shared
 * budgets, cool-down and token), working the batch named in BATCH_WORKER_CONFIG. Prints `working` once it takes
 * lines, one `result {json}` line per result it records, and `empty {status json}` once the batch is drained; then
 * closes everything and exits 0. With `stallAfterResults`, once it has recorded that many results every further create
 * that Paxos answers is held for ever (printing `stuck`): those identities exist, their lines are never recorded, and
 * the process is the one the test kills.
 */
import { Redis } from 'ioredis';
import { createIdentityService, type CreateIdentityCommand, type Identity } from '../../src/index.js';
import { redisBatch, redisCoordination } from '../../src/redis.js';
import { fleetPaxosOptions, fleetRedis, type FleetMemberConfig } from '../support/fleet.js';

/** What the parent test passes in BATCH_WORKER_CONFIG. */
export interface BatchWorkerConfig extends FleetMemberConfig {
  readonly batchName: string;
  /** base64 of the batch's 32-byte key. */
  readonly encryptionKey: string;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly stallAfterResults?: number;
}

const config = JSON.parse(process.env['BATCH_WORKER_CONFIG'] ?? '{}') as BatchWorkerConfig;
// However the parent fares, this process does not outlive the test by much.
setTimeout(() => process.exit(3), 90_000).unref();

const redis = fleetRedis(config.redisUrl);
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);

const service = createIdentityService({
  adapter: 'paxos',
  paxos: fleetPaxosOptions(config),
  coordination: redisCoordination({
    redis,
    namespace: config.namespace,
    fleetSize: 3,
    encryptionKey: config.encryptionKey,
    rateLimiter: { rates: { identity: config.identityPerSecond, token: config.tokenPerSecond }, coolDownPollMs: 50 },
  }),
});

const batch = redisBatch({
  connection,
  namespace: config.namespace,
  name: config.batchName,
  encryptionKey: config.encryptionKey,
});
let recorded = 0;
const stallAfter = config.stallAfterResults;
const creator =
  stallAfter === undefined
    ? service
    : {
        createIdentity: async (command: CreateIdentityCommand): Promise<Identity> => {
          const identity = await service.createIdentity(command);
          if (recorded < stallAfter) return identity;
          process.stdout.write('stuck\n');
          return new Promise<never>(() => undefined);
        },
      };
const worker = await batch.work(creator, {
  concurrency: config.concurrency,
  lockDurationMs: config.lockDurationMs,
  stalledIntervalMs: config.stalledIntervalMs,
  onResult: (result) => {
    recorded += 1;
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
  },
});
process.stdout.write('working\n');
const status = await worker.untilEmpty({ pollMs: 200 });
process.stdout.write(`empty ${JSON.stringify(status)}\n`);
await batch.close();
await Promise.all([connection.quit(), redis.quit()]);
process.exit(0);
