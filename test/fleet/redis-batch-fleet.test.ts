import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createIdentityService, type CreateIdentityCommand } from '../../src/index.js';
import { redisBatch, RedisRateLimiter, type BatchResult, type BatchStatus } from '../../src/redis.js';
import { startPaxosEmulator, type PaxosEmulator, type RateLimitOptions } from '../../src/testing.js';
import { contentsUnder, dateOfBirth, keysHolding, secretsOf } from '../adapters/redis/redis-contents.js';
import { aPerson } from '../support/builders.js';
import { describeWithRedis, uniqueNamespace } from '../support/redis.js';
import type { BatchWorkerConfig } from './batch-worker-child.js';

/**
 * Scaled as in redis-fleet.test.ts: the emulator enforces 40/s on identity routes averaged over 10 s, the fleet
 * shares 32/s through Redis, so a fleet that kept its budget gets no 429.
 */
const EMULATOR_LIMITS: RateLimitOptions = {
  identityPerSecond: 40,
  tokenPerSecond: 20,
  windowMs: 10_000,
  throttleMs: 60_000,
};
const FLEET_RATE = 32;
const LINES = 300;
const CREATE_ROUTE = '/v2/identity/identities';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CHILD = fileURLToPath(new URL('./batch-worker-child.ts', import.meta.url));

interface BatchChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly working: Promise<void>;
  readonly results: BatchResult[];
  /** Lines whose identity was created and that the child holds without recording (see `stallAfterResults`). */
  readonly stuck: { count: number };
  /** Resolves with the status the child saw when the batch was empty; rejects if it exits without one. */
  readonly empty: Promise<BatchStatus>;
}

function startChild(config: BatchWorkerConfig): BatchChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, BATCH_WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const results: BatchResult[] = [];
  const stuck = { count: 0 };
  let onWorking: () => void = () => undefined;
  const working = new Promise<void>((resolve) => {
    onWorking = resolve;
  });
  const empty = new Promise<BatchStatus>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'working') onWorking();
      else if (line === 'stuck') stuck.count += 1;
      else if (line.startsWith('result ')) results.push(JSON.parse(line.slice(7)) as BatchResult);
      else if (line.startsWith('empty ')) resolve(JSON.parse(line.slice(6)) as BatchStatus);
    });
    child.on('exit', (code, signal) => {
      reject(new Error(`worker exited (${String(code ?? signal)}) before the batch was empty: ${stderr.slice(-2000)}`));
    });
  });
  // A killed child's promise is never awaited: its rejection is expected.
  empty.catch(() => undefined);
  return { child, working, results, stuck, empty };
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
      emulator = await startPaxosEmulator({ rateLimit: EMULATOR_LIMITS });
      connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      namespace = uniqueNamespace();
    });

    afterEach(async () => {
      for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      children = [];
      const cleaner = redisBatch({ connection, namespace, name: batchName });
      await cleaner.obliterate();
      await cleaner.close();
      // The coordination keys (budgets, token) have TTLs; they are removed now all the same.
      const left = [...(await contentsUnder(connection, `${namespace}:`)).keys()];
      if (left.length > 0) await connection.del(...left);
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
        baseUrl: emulator.baseUrl,
        tokenUrl: emulator.tokenUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
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
      victim.child.kill('SIGKILL');
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
        paxos: {
          environment: 'sandbox',
          baseUrl: emulator.baseUrl,
          tokenUrl: emulator.tokenUrl,
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
        },
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
      const creates = log.filter((r) => r.method === 'POST' && r.route === CREATE_ROUTE);
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
