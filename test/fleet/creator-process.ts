/**
 * One process of a fleet: a service on the Paxos adapter whose RedisRateLimiter shares a namespace with its peers,
 * creating identities as fast as `concurrency` loops can. Reads its settings from FLEET_CONFIG, prints `ready`, waits
 * for a line on stdin, runs for `durationMs` (or until told it is cooling down), prints `result {json}` and exits.
 */
import { createInterface } from 'node:readline';
import { createIdentityService, IdentityServiceError, PaxosRateLimitError } from '../../src/index.js';
import { RedisRateLimiter } from '../../src/redis.js';
import { aPerson } from '../support/builders.js';
import { fleetPaxosOptions, fleetRedis, type FleetMemberConfig } from '../support/fleet.js';

/** What the parent test passes in FLEET_CONFIG. */
export interface FleetConfig extends FleetMemberConfig {
  readonly durationMs: number;
}

/** The line a process prints when done. */
export interface FleetResult {
  readonly created: number;
  readonly refused: Record<string, number>;
  readonly otherErrors: Record<string, number>;
  /** Epoch ms at which the loops started. */
  readonly startedAt: number;
  /** Epoch ms at which the last loop stopped (its last call, queued before the end, may finish after it). */
  readonly endedAt: number;
}

const config = JSON.parse(process.env['FLEET_CONFIG'] ?? '{}') as FleetConfig;
// However the parent fares, this process does not outlive its run by much.
setTimeout(() => process.exit(3), config.durationMs + 20_000).unref();

const redis = fleetRedis(config.redisUrl);
await new Promise<void>((resolve, reject) => {
  redis.once('ready', resolve);
  setTimeout(() => {
    reject(new Error('Redis not ready'));
  }, 5_000).unref();
});
const rateLimiter = new RedisRateLimiter({
  redis,
  namespace: config.namespace,
  rates: { identity: config.identityPerSecond, token: config.tokenPerSecond },
  fleetSize: 3,
  coolDownPollMs: 50,
});
const service = createIdentityService({
  adapter: 'paxos',
  paxos: fleetPaxosOptions(config),
  coordination: { rateLimiter },
});

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) =>
  lines.once('line', () => {
    resolve();
  }),
);
lines.close();

const startedAt = Date.now();
const stopAt = startedAt + config.durationMs;
let created = 0;
const refused: Record<string, number> = {};
const otherErrors: Record<string, number> = {};
let endedAt = 0;
await Promise.all(
  Array.from({ length: config.concurrency }, async () => {
    while (Date.now() < stopAt) {
      try {
        await service.createIdentity(aPerson().build());
        created += 1;
      } catch (error) {
        if (error instanceof PaxosRateLimitError) {
          refused[error.reason] = (refused[error.reason] ?? 0) + 1;
          // A cool-down of five minutes: this loop is done, as a real worker would stop and come back later.
          break;
        }
        const code = error instanceof IdentityServiceError ? error.code : 'unknown';
        otherErrors[code] = (otherErrors[code] ?? 0) + 1;
      }
    }
    endedAt = Math.max(endedAt, Date.now());
  }),
);
const result: FleetResult = { created, refused, otherErrors, startedAt, endedAt };
process.stdout.write(`result ${JSON.stringify(result)}\n`);
await redis.quit();
process.exit(0);
