import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createIdentityService, type CreateIdentityCommand } from '../../src/index.js';
import { redisBatch, RedisRateLimiter, type BatchResult, type BatchStatus } from '../../src/redis.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { contentsUnder, dateOfBirth, keysHolding, secretsOf } from '../adapters/redis/redis-contents.js';
import { aPerson } from '../support/builders.js';
import { ScriptProcess, SCALED_EMULATOR_LIMITS } from '../support/fleet.js';
import { IDENTITIES_ROUTE, paxosOptionsFor } from '../support/paxos.js';
import { describeWithRedis, REDIS_URL, removeBatch, uniqueNamespace } from '../support/redis.js';
import type { BatchWorkerConfig } from './batch-worker-child.js';

/**
 * Scaled (see SCALED_EMULATOR_LIMITS): the emulator allows 40/s on identity routes, the fleet shares 32/s through
 * Redis, so a fleet that kept its budget gets no 429.
 */
const FLEET_RATE = 32;
const LINES = 300;
const CHILD = new URL('./batch-worker-child.ts', import.meta.url);

interface BatchChild {
  readonly script: ScriptProcess;
  readonly working: Promise<void>;
  readonly results: BatchResult[];
  /** Lines whose identity was created and that the child holds without recording (see `stallAfterResults`). */
  readonly stuck: { count: number };
  /** Resolves with the status the child saw when the batch was empty; rejects if it exits without one. */
  readonly empty: Promise<BatchStatus>;
}

function startChild(config: BatchWorkerConfig): BatchChild {
  const script = new ScriptProcess(CHILD, { BATCH_WORKER_CONFIG: JSON.stringify(config) });
  const results: BatchResult[] = [];
  const stuck = { count: 0 };
  script.onLine((line) => {
    if (line === 'stuck') stuck.count += 1;
    else if (line.startsWith('result ')) results.push(JSON.parse(line.slice('result '.length)) as BatchResult);
  });
  return {
    script,
    working: script.untilLine('working'),
    results,
    stuck,
    empty: script.untilJson<BatchStatus>('empty '),
  };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > stopAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithRedis(
  'a batch of 300 lines drained by three worker processes, one killed with SIGKILL (scaled)',
  function () {
    this.timeout(90_000);
    let emulator: PaxosEmulator;
    let connection: Redis;
    let children: BatchChild[] = [];
    let namespace: string;
    const batchName = 'fleet-onboarding';

    beforeEach(async () => {
      emulator = await startPaxosEmulator({ rateLimit: SCALED_EMULATOR_LIMITS });
      connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      namespace = uniqueNamespace();
    });

    afterEach(async () => {
      await Promise.all(children.map((c) => c.script.kill()));
      children = [];
      await removeBatch(connection, namespace, batchName);
      await connection.quit();
      await emulator.close();
    });

    it('creates every line exactly once: no duplicate, none lost, no 429, no SSN or date of birth in Redis', async () => {
      const encryptionKey = randomBytes(32).toString('base64');
      const commands: CreateIdentityCommand[] = Array.from({ length: LINES }, (_, i) =>
        aPerson()
          .with({ dateOfBirth: dateOfBirth(i) })
          .withCommand({ refId: `fleet-${String(i)}-${randomBytes(6).toString('hex')}` })
          .build(),
      );
      const batch = redisBatch({ connection, namespace, name: batchName, encryptionKey });
      const startedAt = Date.now();
      const report = await batch.enqueue(commands);
      expect(report).to.deep.equal({ lines: LINES, added: LINES, alreadyThere: 0, invalid: 0 });
      expect((await batch.enqueue(commands)).added, 'enqueued twice, added once').to.equal(0);

      const config: BatchWorkerConfig = {
        paxos: paxosOptionsFor(emulator),
        redisUrl: REDIS_URL,
        namespace,
        batchName,
        encryptionKey,
        identityPerSecond: FLEET_RATE,
        tokenPerSecond: 5,
        concurrency: 8,
        lockDurationMs: 2_000,
        stalledIntervalMs: 1_000,
      };
      // The first worker will be killed with lines whose identities exist but whose results it never recorded.
      children = [startChild({ ...config, stallAfterResults: 30 }), startChild(config), startChild(config)];
      await Promise.all(children.map((c) => c.working));

      // Halfway through the batch, the first worker is killed outright, with its lines in flight.
      const victim = children[0]!;
      await until(() => children.reduce((n, c) => n + c.results.length, 0) >= LINES / 2, 30_000, 'half the batch');
      await until(() => victim.stuck.count >= 3, 20_000, 'the victim to hold created lines');
      const activeAtKill = (await batch.status()).active;
      const stuckAtKill = victim.stuck.count;
      victim.script.child.kill('SIGKILL');
      const killedAt = Date.now();
      const replacement = startChild(config);
      children.push(replacement);

      const survivors = [children[1]!, children[2]!, replacement];
      const finals = await Promise.all(survivors.map((c) => c.empty));
      const elapsedMs = Date.now() - startedAt;

      const status = await batch.status();
      expect(status).to.deep.equal({
        total: LINES,
        waiting: 0,
        active: 0,
        done: LINES,
        succeeded: LINES,
        failed: 0,
        invalid: 0,
      });
      for (const final of finals) expect(final.done).to.equal(LINES);
      expect(replacement.results.length, 'the replacement took lines').to.be.greaterThan(0);

      const results: BatchResult[] = [];
      for await (const r of batch.results()) results.push(r);
      expect(results).to.have.length(LINES);
      const idByRef = new Map(results.map((r) => [r.refId, r.ok ? r.identityId : r.code]));
      expect(idByRef.size).to.equal(LINES);

      // The lines the killed worker held were put back and run again: BullMQ counted them as stalled.
      const queue = new Queue(batchName, { connection, prefix: `${namespace}:batch` });
      const stalled = (await queue.getCompleted(0, -1)).filter((job) => job.stalledCounter > 0).length;
      await queue.close();

      // Paxos's side: one identity per refId, each the one the batch recorded.
      const lister = createIdentityService({
        adapter: 'paxos',
        paxos: paxosOptionsFor(emulator),
        // The listing draws from the fleet's budget too, so that it cannot be what gets a 429.
        coordination: {
          rateLimiter: new RedisRateLimiter({
            redis: connection,
            namespace,
            rates: { identity: FLEET_RATE, token: 5 },
          }),
        },
      });
      const perRef = new Map<string, string[]>();
      for await (const identity of lister.listIdentities({ limit: 100 })) {
        if (identity.refId === undefined) continue;
        perRef.set(identity.refId, [...(perRef.get(identity.refId) ?? []), identity.id]);
      }
      const ours = commands.map((c) => perRef.get(c.refId!) ?? []);
      expect(ours.filter((ids) => ids.length === 0).length, 'lost').to.equal(0);
      expect(ours.filter((ids) => ids.length > 1).length, 'duplicated').to.equal(0);
      expect(perRef.size, 'no identity the batch did not ask for').to.equal(LINES);
      for (const c of commands) expect(idByRef.get(c.refId), c.refId).to.equal(perRef.get(c.refId!)?.[0]);

      const log = emulator.requests;
      const creates = log.filter((r) => r.method === 'POST' && r.route === IDENTITIES_ROUTE);
      const statuses = new Map<number | undefined, number>();
      for (const r of log) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      console.log(
        `      ${String(LINES)} lines in ${String(elapsedMs)} ms (${((LINES * 1000) / elapsedMs).toFixed(1)}/s of ${String(FLEET_RATE)}/s shared); ` +
          `killed a worker ${String(killedAt - startedAt)} ms in with ${String(victim.results.length)} results, ${String(stuckAtKill)} created lines unrecorded, ${String(activeAtKill)} lines active in the batch; ` +
          `${String(stalled)} lines run again after the kill; creates sent ${String(creates.length)} (` +
          `${String(creates.filter((r) => r.status === 200).length)} × 200, ${String(creates.filter((r) => r.status === 409).length)} × 409); ` +
          `statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      expect(log.filter((r) => r.status === 429).length, 'no 429').to.equal(0);
      expect(creates.filter((r) => r.status === 200).length, 'one successful create per line').to.equal(LINES);
      expect(stalled, 'the killed worker held lines that others ran again').to.be.at.least(stuckAtKill);
      expect(
        creates.filter((r) => r.status === 409).length,
        'each created line the killed worker held was replayed by its refId',
      ).to.be.at.least(stuckAtKill);

      const contents = await contentsUnder(connection, `${namespace}:`);
      expect(contents.size).to.be.greaterThan(LINES);
      expect(
        keysHolding(
          contents,
          commands.flatMap((c) => secretsOf(c.person!)),
        ),
      ).to.deep.equal([]);
      await batch.close();
    });
  },
);
