import { writeFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { CoordinationOptions, IdentityService } from '../index.js';
import {
  BatchConfigurationError,
  BatchEncryptionKeyError,
  redisBatch,
  redisCoordination,
  type BatchItem,
  type BatchResult,
  type BatchStatus,
  type RedisBatch,
} from '../redis.js';
import { readInputLine, toResultLine } from './ndjson.js';

/** The environment variable that holds the batch's key: base64 of 32 bytes. Never a flag: flags show in `ps`. */
export const BATCH_KEY_ENV = 'PAXOS_IDENTITY_BATCH_KEY';

/** What the batch commands need from their surroundings; the real process or a test's fakes. */
export interface BatchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => Promise<string>;
  /** Writes a whole file (created or replaced). Default: `fs.writeFile`. */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
  /** Resolves on Ctrl-C or SIGTERM: `work` then stops taking lines and finishes those in flight. */
  readonly untilInterrupted: () => Promise<void>;
}

/** Where a batch is: the Redis URL, the namespace and the batch name. */
export interface BatchLocation {
  readonly redis: string;
  readonly namespace: string;
  readonly batch: string;
}

/** Builds the service a worker creates with, given the fleet's shared pieces. */
export type ServiceFactory = (coordination: CoordinationOptions) => Promise<{
  readonly service: IdentityService;
  close(): Promise<void>;
}>;

/** A problem with the command line or the environment: exit code 2. */
export class BatchUsageError extends Error {}

/** The file's lines as batch items; a line that is not a valid create body with a `ref_id` carries its violations. */
function* itemsOf(text: string): Generator<BatchItem> {
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const item = readInputLine(raw, i + 1);
    if (item === undefined) continue;
    if (item.command !== undefined && item.refId === undefined) {
      // Exactly once rests on the ref_id: a line without one could be created twice by a retried job.
      yield {
        line: item.line,
        violations: [{ path: 'ref_id', code: 'required', message: 'ref_id: is required in a batch' }],
      };
      continue;
    }
    yield item.command !== undefined ? { line: item.line, command: item.command } : item;
  }
}

function keyOf(io: BatchIo): string {
  const key = io.env[BATCH_KEY_ENV];
  if (key === undefined || key === '')
    throw new BatchUsageError(`${BATCH_KEY_ENV} must hold the batch's key (base64 of 32 bytes)`);
  return key;
}

/** A client on `url`; ioredis is an optional peer dependency, loaded only by the batch commands. */
async function connectRedis(url: string, options: Record<string, unknown>): Promise<Redis> {
  let RedisClass: typeof import('ioredis').Redis;
  try {
    ({ Redis: RedisClass } = await import('ioredis'));
  } catch {
    throw new BatchUsageError('the batch commands need ioredis and bullmq: npm install ioredis bullmq');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BatchUsageError('--redis must be a redis:// or rediss:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new BatchUsageError('--redis must be a redis:// or rediss:// URL');
  const client = new RedisClass(url, { lazyConnect: true, connectTimeout: 5_000, ...options });
  // Errors surface through the calls; the client's own events would print its URL, which may hold a password.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    client.disconnect();
    throw new BatchUsageError(`cannot connect to Redis at --redis ${parsed.host}`);
  }
  return client;
}

async function withBatch<T>(
  io: BatchIo,
  where: BatchLocation,
  key: string | undefined,
  work: (batch: RedisBatch, connection: Redis) => Promise<T>,
): Promise<T> {
  const connection = await connectRedis(where.redis, { maxRetriesPerRequest: null });
  let batch: RedisBatch | undefined;
  try {
    batch = redisBatch({
      connection,
      namespace: where.namespace,
      name: where.batch,
      ...(key !== undefined && { encryptionKey: key }),
    });
    return await work(batch, connection);
  } catch (error) {
    if (error instanceof BatchConfigurationError) {
      const flag = { name: '--batch', namespace: '--namespace', encryptionKey: BATCH_KEY_ENV }[error.field];
      throw new BatchUsageError(flag === undefined ? error.message : `${flag}: ${error.message}`);
    }
    if (error instanceof BatchEncryptionKeyError)
      throw new BatchUsageError(`${BATCH_KEY_ENV} is not the key this batch was enqueued with`);
    throw error;
  } finally {
    await batch?.close();
    await connection.quit().catch(() => {
      connection.disconnect();
    });
  }
}

function statusLine(status: BatchStatus): string {
  return (
    `total ${String(status.total)}, waiting ${String(status.waiting)}, active ${String(status.active)}, ` +
    // The batch's `failed` includes its invalid lines; each line is counted once here, as the single-process import does.
    `done ${String(status.done)} (${String(status.succeeded)} created, ${String(status.invalid)} invalid, ` +
    `${String(status.failed - status.invalid)} failed)`
  );
}

/**
 * `paxos-identity import enqueue <file>`: one job per line of the NDJSON file in the batch; lines already in the batch
 * (same `ref_id`) are not added again. Resolves to the number of invalid lines.
 */
export async function runBatchEnqueue(io: BatchIo, file: string, where: BatchLocation): Promise<number> {
  const key = keyOf(io);
  const text = await io.readFile(file);
  return withBatch(io, where, key, async (batch) => {
    const report = await batch.enqueue(itemsOf(text));
    io.stdout(
      `enqueue: ${String(report.lines)} lines, ${String(report.added)} added, ${String(report.alreadyThere)} already there, ` +
        `${String(report.invalid)} invalid\n`,
    );
    return report.invalid;
  });
}

/** Options of `import work`. */
export interface BatchWorkCommandOptions {
  readonly concurrency: number;
  readonly exitWhenEmpty: boolean;
  /** Processes that share the namespace, for the rate limiter's fallback while Redis is away. */
  readonly fleetSize: number;
  /** Creates per second for the whole fleet (the shared identity budget). */
  readonly rate: number;
  /** Milliseconds between progress lines on stderr. */
  readonly progressIntervalMs?: number;
}

/**
 * `paxos-identity import work`: works the batch in this process with a service whose rate limiter, cool-down and
 * token are shared through the same Redis and namespace, until interrupted or, with `--exit-when-empty`, until the
 * batch holds no waiting or active line. Resolves to the number of lines this worker failed.
 */
export async function runBatchWork(
  io: BatchIo,
  where: BatchLocation,
  options: BatchWorkCommandOptions,
  makeService: ServiceFactory,
): Promise<number> {
  const key = keyOf(io);
  const redis = await connectRedis(where.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  try {
    const coordination = redisCoordination({
      redis,
      namespace: where.namespace,
      fleetSize: options.fleetSize,
      encryptionKey: key,
      rateLimiter: { rates: { identity: options.rate } },
    });
    const made = await makeService(coordination);
    const service = made.service;
    try {
      return await withBatch(io, where, key, async (batch) => {
        let created = 0;
        let invalid = 0;
        let failed = 0;
        const worker = await batch.work(service, {
          concurrency: options.concurrency,
          onResult: (result) => {
            if (result.ok) created += 1;
            else {
              if (result.code === 'identity_invalid') invalid += 1;
              else failed += 1;
              io.stderr(
                `line ${String(result.line)}: ${result.code}${result.status === undefined ? '' : ` (${String(result.status)})`}\n`,
              );
            }
          },
        });
        const here = (): string =>
          `${String(created)} created, ${String(invalid)} invalid, ${String(failed)} failed here`;
        io.stderr(`work: working batch ${where.batch} (${String(options.concurrency)} at a time)\n`);
        const stop = new AbortController();
        void io.untilInterrupted().then(() => {
          stop.abort();
        });
        const progress = setInterval(() => {
          void batch.status().then(
            (status) => {
              io.stderr(`work: ${here()}; batch ${statusLine(status)}\n`);
            },
            () => undefined,
          );
        }, options.progressIntervalMs ?? 5_000);
        try {
          if (options.exitWhenEmpty)
            await worker.untilEmpty({ pollMs: 500, signal: stop.signal }).catch((error: unknown) => {
              // Ctrl-C ends the wait; anything else (Redis away) is the command's failure.
              if (!stop.signal.aborted) throw error;
            });
          else
            await new Promise<void>((resolve) => {
              stop.signal.addEventListener('abort', () => {
                resolve();
              });
            });
        } finally {
          clearInterval(progress);
          if (stop.signal.aborted) io.stderr('\nwork: interrupted, finishing the lines in flight…\n');
          await worker.close();
        }
        const status = await batch.status();
        io.stdout(`work: ${here()}; batch ${statusLine(status)}\n`);
        return invalid + failed;
      });
    } finally {
      await made.close();
    }
  } finally {
    await redis.quit().catch(() => {
      redis.disconnect();
    });
  }
}

/**
 * `paxos-identity import status`: prints where the batch stands and, with `--out`, writes every result recorded so
 * far, one JSON line each in line order, in the format of `import --out`. Needs no key: results hold no personal data.
 */
export async function runBatchStatus(io: BatchIo, where: BatchLocation, out: string | undefined): Promise<void> {
  await withBatch(io, where, undefined, async (batch) => {
    const status = await batch.status();
    io.stdout(`status: ${statusLine(status)}\n`);
    if (out === undefined) return;
    const results: BatchResult[] = [];
    for await (const result of batch.results()) results.push(result);
    results.sort((a, b) => a.line - b.line);
    const text = results.map((r) => `${JSON.stringify(toResultLine(r))}\n`).join('');
    await (io.writeFile ?? ((path: string, data: string) => writeFile(path, data, 'utf8')))(out, text);
    io.stdout(`status: ${String(results.length)} results written to ${out}\n`);
  });
}
