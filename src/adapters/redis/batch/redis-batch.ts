import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import {
  IdentityValidationError,
  NewIdentity,
  type CreateIdentityCommand,
  type Identity,
  type Violation,
} from '../../../domain/index.js';
import { bounded, checkNamespace, RedisScript, type RedisClient } from '../redis-commands.js';
import { BatchConfigurationError, BatchEncryptionKeyError } from './errors.js';
import { verdictOf, type BatchResult, type BatchRetryPolicy, type BatchViolation } from './outcome.js';
import {
  batchKeys,
  jobIdOf,
  keyCheckOf,
  openCommand,
  sealCommand,
  type BatchJobData,
  type BatchKeys,
} from './payload.js';

/** Options of {@link redisBatch}. */
export interface RedisBatchOptions {
  /**
   * The ioredis client (`Redis` or `Cluster`) every queue and worker of the batch shares; workers duplicate it for
   * their blocking reads. BullMQ workers need it built with `maxRetriesPerRequest: null` (`work` refuses another
   * value); enqueuing and reading status accept any client. The batch never closes it: `quit()` it yourself.
   */
  readonly connection: Redis | Cluster;
  /**
   * Prefix of every key of the batch (`{namespace}:batch:{name}:…`): the same namespace as the service's
   * `redisCoordination` keeps one place to look, scan and clean up. On a Redis Cluster, wrap it in a hash tag
   * (`{paxos:prod}`) so that BullMQ's keys share a slot.
   */
  readonly namespace: string;
  /** The batch: letters, digits, `.`, `_` and `-`, at most 100 (BullMQ refuses `:` in queue names). */
  readonly name: string;
  /**
   * A 32-byte key (a Buffer, or its base64 or base64url) that encrypts every line's command at rest (AES-256-GCM).
   * Needed by `enqueue` and `work`; `status` and `results` read no personal data and work without it. The batch keeps
   * an HMAC check value of it, so that a process with another key is refused instead of reading garbage.
   */
  readonly encryptionKey?: Buffer | string;
  /** The longest one of the batch's own Redis commands (results, counts, key check) may take. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * One input of {@link RedisBatch.enqueue}, shaped like the single-process import's `ImportItem`: a command with the
 * line it came from, or the violations of input that could not become a command (recorded as invalid, never sent).
 */
export interface BatchItem {
  /** Where the item comes from; numbered 1, 2, … in source order when absent. */
  readonly line?: number;
  readonly command?: CreateIdentityCommand;
  readonly violations?: readonly Violation[];
  /** The item's `refId` when the command could not be built, so that its result still names it. */
  readonly refId?: string;
}

/** Options of {@link RedisBatch.enqueue}. */
export interface BatchEnqueueOptions {
  /** Lines added per BullMQ `addBulk` (one round trip). Default 500. */
  readonly chunkSize?: number;
}

/** What one {@link RedisBatch.enqueue} did. */
export interface BatchEnqueueReport {
  /** Items read from the source. */
  readonly lines: number;
  /** New lines of the batch: one job each. */
  readonly added: number;
  /** Lines whose `refId` the batch already held (an earlier enqueue, or twice in the source): nothing added. */
  readonly alreadyThere: number;
  /** Lines recorded as invalid results and never sent: no `refId`, or not a valid create command. */
  readonly invalid: number;
}

/** Where a batch stands, read from Redis by any process. The counts are read together, not atomically. */
export interface BatchStatus {
  /** Lines the batch holds: its jobs and its invalid lines. */
  readonly total: number;
  /** Lines not started yet, or waiting to be retried (rate limited, transient failure). */
  readonly waiting: number;
  /** Lines a worker is creating now. */
  readonly active: number;
  /** Lines with a result: `succeeded + failed`. */
  readonly done: number;
  readonly succeeded: number;
  /** Lines that failed for good (invalid ones included). */
  readonly failed: number;
  /** Of `failed`, the lines refused at enqueue (no `refId`, or not a valid command). */
  readonly invalid: number;
}

/** The part of `IdentityService` a worker uses: the same create use case as the single-process import. */
export interface BatchIdentityCreator {
  createIdentity(command: CreateIdentityCommand): Promise<Identity>;
}

/** How a worker retries a line whose failure is transient. */
export interface BatchRetryOptions {
  /**
   * Calls that may have reached Paxos (5xx, network, timeouts, a 429, credentials refused) before the line fails
   * for good. Refusals before sending (cool-down, full local queue, Redis away) do not count. Default 25.
   */
  readonly maxAttempts?: number;
  /** First backoff of a transient failure without `retryAt`; doubles per attempt. Default 1000 ms. */
  readonly initialDelayMs?: number;
  /** Longest backoff. Default 60 000 ms. */
  readonly maxDelayMs?: number;
}

/** Options of {@link RedisBatch.work}. */
export interface BatchWorkOptions {
  /** Lines this process creates at once. The service's rate limiter paces them. Default 4. */
  readonly concurrency?: number;
  /**
   * How long a line stays this worker's without a renewal (renewed every half of it while the create runs). A worker
   * that dies (`kill -9`) keeps its lines this long before another worker may take them. Default 30 000 ms.
   */
  readonly lockDurationMs?: number;
  /** How often a worker looks for lines whose worker died, and puts them back. Default 30 000 ms. */
  readonly stalledIntervalMs?: number;
  /**
   * Times a line may be put back after its worker died before BullMQ fails it (`batch_job_failed`). A line whose
   * worker died is retried and resolves through its `refId`; a line that kills every worker that runs it is failed
   * past this count. Default 3.
   */
  readonly maxStalledCount?: number;
  readonly retry?: BatchRetryOptions;
  /** Called with each result this worker records. */
  readonly onResult?: (result: BatchResult) => void;
  /**
   * Called with the worker's own failures (Redis away while fetching lines or recording a result): a
   * `RedisUnavailableError`-like error that names the operation only. Without it they are dropped, and BullMQ
   * retries.
   */
  readonly onError?: (error: Error) => void;
}

/** Options of {@link BatchWorker.untilEmpty}. */
export interface BatchUntilEmptyOptions {
  /** Milliseconds between two looks at the batch's status. Default 1000. */
  readonly pollMs?: number;
  /** Stops waiting; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A worker draining a batch in this process; {@link BatchWorker.close} it before the process exits. */
export interface BatchWorker {
  /** Resolves with the batch's status once it holds no waiting, delayed or active line (any worker's). */
  untilEmpty(options?: BatchUntilEmptyOptions): Promise<BatchStatus>;
  /** Stops taking lines, lets the creates in flight finish and record their results, and closes its connections. */
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const JOB_NAME = 'create';
const DEFAULT_CHUNK = 500;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_LOCK_MS = 30_000;
const DEFAULT_STALLED_INTERVAL_MS = 30_000;
const DEFAULT_MAX_STALLED = 3;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY: BatchRetryPolicy = { maxAttempts: 25, initialDelayMs: 1_000, maxDelayMs: 60_000 };
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Finished jobs are kept: a removed job frees its id, and enqueuing the same line again would then add it again.
 * The few attempts are for the worker's own failures (Redis away while recording a result); a line's transient
 * failures are retried by delaying the job, which spends none of them.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: false,
  removeOnFail: false,
};

/**
 * Records a line's result and keeps the succeeded and failed counts in step, once per line however many times it is
 * recorded: a line run again after its worker died records the same result again.
 */
const RECORD_RESULT = new RedisScript(`
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if old then
  local was = cjson.decode(old)['ok'] == true and 'succeeded' or 'failed'
  redis.call('HINCRBY', KEYS[2], was, -1)
end
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
return 1`);

/** Takes the key check value when the batch has none yet; answers the one the batch holds. */
const TAKE_KEY_CHECK = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`);

type BullMq = typeof import('bullmq');
let bullmq: Promise<BullMq> | undefined;

/** bullmq is an optional peer dependency: it is loaded on the first call that needs it, never with the entry. */
function loadBullMq(): Promise<BullMq> {
  bullmq ??= import('bullmq').catch(() => {
    bullmq = undefined;
    throw new BatchConfigurationError('bullmq', 'is not installed: npm install bullmq (an optional peer dependency)');
  });
  return bullmq;
}

function isItem(value: unknown): value is BatchItem {
  return value !== null && typeof value === 'object' && ('command' in value || 'violations' in value);
}

function refIdOf(command: unknown): string | undefined {
  const refId = (command as { refId?: unknown } | null | undefined)?.refId;
  return typeof refId === 'string' && refId !== '' ? refId : undefined;
}

function byPath(violations: readonly Violation[]): BatchViolation[] {
  return violations.map((v) => ({ path: v.path, code: v.code }));
}

/** Why an item cannot be a line of a batch, as violations; undefined when it can. */
function problemsOf(item: BatchItem, refId: string | undefined): readonly BatchViolation[] | undefined {
  if (item.violations !== undefined && item.violations.length > 0) return byPath(item.violations);
  if (item.command === undefined) return [];
  // Exactly once rests on the refId: a line without one could be created again by a retry.
  if (refId === undefined) return [{ path: 'refId', code: 'required' }];
  try {
    NewIdentity.create(item.command);
    return undefined;
  } catch (error) {
    if (error instanceof IdentityValidationError) return byPath(error.violations);
    throw error;
  }
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new BatchConfigurationError(field, 'must be a positive integer');
  return n;
}

function positiveMs(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isFinite(n) || n <= 0 || n > MAX_TIMER_MS)
    throw new BatchConfigurationError(field, 'must be a positive number of milliseconds that fits a timer');
  return n;
}

function maxRetriesOf(connection: RedisClient): unknown {
  const options = connection.options as {
    maxRetriesPerRequest?: unknown;
    redisOptions?: { maxRetriesPerRequest?: unknown };
  };
  return 'redisOptions' in options ? options.redisOptions?.maxRetriesPerRequest : options.maxRetriesPerRequest;
}

function parseResult(text: string): BatchResult | undefined {
  try {
    const result = JSON.parse(text) as BatchResult;
    // JSON drops an undefined refId: it is put back, so that every result has the same fields.
    return { ...result, refId: result.refId };
  } catch {
    return undefined;
  }
}

/**
 * A batch of identity creations shared through Redis on BullMQ: any process enqueues lines, any number of processes
 * work them under the shared budgets of their service, and any process reads the status and results. Build it with
 * {@link redisBatch}.
 */
export class RedisBatch {
  // Private so that printing the batch prints neither the client (its URL may carry a password) nor the keys.
  readonly #redis: RedisClient;
  readonly #name: string;
  readonly #prefix: string;
  readonly #keys: BatchKeys | undefined;
  readonly #timeoutMs: number;
  #queue: Promise<Queue<BatchJobData, BatchResult>> | undefined;
  readonly #workers = new Set<BatchWorker>();

  /** @internal Use {@link redisBatch}. */
  constructor(options: RedisBatchOptions) {
    // Untyped callers: a missing client would otherwise fail later, inside BullMQ.
    if ((options.connection as unknown) == null)
      throw new BatchConfigurationError('connection', 'is required (an ioredis client)');
    try {
      checkNamespace(options.namespace);
    } catch {
      throw new BatchConfigurationError('namespace', 'must be a non-empty string');
    }
    if (typeof options.name !== 'string' || !NAME.test(options.name))
      throw new BatchConfigurationError('name', 'must be 1 to 100 letters, digits, ".", "_" or "-"');
    this.#redis = options.connection;
    this.#name = options.name;
    this.#prefix = `${options.namespace}:batch`;
    this.#keys = options.encryptionKey === undefined ? undefined : batchKeys(options.encryptionKey);
    this.#timeoutMs = positiveMs('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS);
  }

  /** The batch's name. */
  get name(): string {
    return this.#name;
  }

  /** The prefix of every Redis key of the batch, BullMQ's and its own: `SCAN MATCH {keyPrefix}*` finds them all. */
  get keyPrefix(): string {
    return `${this.#prefix}:${this.#name}:`;
  }

  /**
   * Adds one job per line, its id derived from the batch name and the line's `refId`, so that enqueuing the same file
   * again adds nothing (`alreadyThere`). A line without `refId`, or that is not a valid create command, is recorded
   * as an invalid result and never sent. Each command is encrypted before it leaves the process. Lines are added in
   * chunks of `chunkSize` (one `addBulk` each).
   *
   * @throws {BatchConfigurationError} without `encryptionKey`, or when bullmq is not installed.
   * @throws {BatchEncryptionKeyError} when the batch was enqueued with another key.
   *
   * @example
   * ```ts
   * const report = await batch.enqueue(commands); // { lines: 300, added: 300, alreadyThere: 0, invalid: 0 }
   * const again = await batch.enqueue(commands); // { lines: 300, added: 0, alreadyThere: 300, invalid: 0 }
   * ```
   */
  async enqueue(
    source: AsyncIterable<CreateIdentityCommand | BatchItem> | Iterable<CreateIdentityCommand | BatchItem>,
    options: BatchEnqueueOptions = {},
  ): Promise<BatchEnqueueReport> {
    const keys = this.#requireKeys('enqueue');
    const chunkSize = positiveInteger('chunkSize', options.chunkSize, DEFAULT_CHUNK);
    const queue = await this.#openQueue();
    await this.#checkKey(keys);
    let lines = 0;
    let added = 0;
    let alreadyThere = 0;
    let invalid = 0;
    let jobs: { jobId: string; data: BatchJobData }[] = [];
    let invalids: string[] = [];
    const inChunk = new Set<string>();

    const flush = async (): Promise<void> => {
      if (invalids.length > 0) {
        const fields = invalids;
        await bounded('batch invalid lines', this.#timeoutMs, () => this.#redis.hset(this.#key('invalid'), ...fields));
      }
      if (jobs.length > 0) {
        const chunk = jobs;
        const exists = await bounded('batch enqueue', this.#timeoutMs, () =>
          Promise.all(chunk.map((job) => this.#redis.exists(queue.toKey(job.jobId)))),
        );
        const fresh = chunk.filter((_, i) => exists[i] === 0);
        alreadyThere += chunk.length - fresh.length;
        if (fresh.length > 0) {
          await queue.addBulk(
            fresh.map((job) => ({ name: JOB_NAME, data: job.data, opts: { ...JOB_OPTIONS, jobId: job.jobId } })),
          );
        }
        added += fresh.length;
      }
      jobs = [];
      invalids = [];
      inChunk.clear();
    };

    for await (const value of source) {
      lines += 1;
      const item: BatchItem = isItem(value) ? value : { command: value };
      const line = item.line ?? lines;
      const refId = item.refId ?? refIdOf(item.command);
      const problems = problemsOf(item, refId);
      if (problems !== undefined || item.command === undefined || refId === undefined) {
        const result: BatchResult = { line, refId, ok: false, code: 'identity_invalid', violations: problems ?? [] };
        // Keyed by line and refId: enqueuing the same file again overwrites, never adds.
        invalids.push(`${String(line)}:${refId ?? ''}`, JSON.stringify(result));
        invalid += 1;
      } else {
        const jobId = jobIdOf(this.#name, refId);
        if (inChunk.has(jobId)) alreadyThere += 1;
        else {
          inChunk.add(jobId);
          jobs.push({ jobId, data: { v: 1, line, refId, sealed: sealCommand(keys, this.#name, jobId, item.command) } });
        }
      }
      if (jobs.length + invalids.length / 2 >= chunkSize) await flush();
    }
    await flush();
    return { lines, added, alreadyThere, invalid };
  }

  /**
   * Starts a worker in this process: it takes lines of the batch `concurrency` at a time and creates each through
   * `service.createIdentity` (the single-process import's use case), so a line run again after a crash resolves
   * through its `refId` to the identity already created. Give the service `coordination: redisCoordination(...)` on
   * the same Redis, so that every worker shares Paxos's budgets and cool-down.
   *
   * A transient failure (rate limited or cooling down, 5xx, network, timeout) puts the line back until `retryAt` or a
   * backoff, without spending it; a rate limit also holds this worker's other lines until then. A permanent failure
   * (invalid, 4xx) finishes the line with a failed result. A worker killed outright loses nothing: its lines go back
   * to the batch after `lockDurationMs`, found by another worker's stalled check every `stalledIntervalMs`.
   *
   * @throws {BatchConfigurationError} without `encryptionKey`, when the connection's `maxRetriesPerRequest` is not
   *   null, when an option is out of range, or when bullmq is not installed.
   * @throws {BatchEncryptionKeyError} when the batch was enqueued with another key: nothing is taken.
   *
   * @example
   * ```ts
   * const worker = await batch.work(service, { concurrency: 8 });
   * const status = await worker.untilEmpty();
   * await worker.close();
   * ```
   */
  async work(service: BatchIdentityCreator, options: BatchWorkOptions = {}): Promise<BatchWorker> {
    const keys = this.#requireKeys('work');
    if (maxRetriesOf(this.#redis) !== null)
      throw new BatchConfigurationError(
        'connection',
        'must be built with maxRetriesPerRequest: null (BullMQ workers block on it)',
      );
    const concurrency = positiveInteger('concurrency', options.concurrency, DEFAULT_CONCURRENCY);
    const lockDuration = positiveMs('lockDurationMs', options.lockDurationMs, DEFAULT_LOCK_MS);
    const stalledInterval = positiveMs('stalledIntervalMs', options.stalledIntervalMs, DEFAULT_STALLED_INTERVAL_MS);
    const maxStalledCount = positiveInteger('maxStalledCount', options.maxStalledCount, DEFAULT_MAX_STALLED);
    const policy: BatchRetryPolicy = {
      maxAttempts: positiveInteger('retry.maxAttempts', options.retry?.maxAttempts, DEFAULT_RETRY.maxAttempts),
      initialDelayMs: positiveMs('retry.initialDelayMs', options.retry?.initialDelayMs, DEFAULT_RETRY.initialDelayMs),
      maxDelayMs: positiveMs('retry.maxDelayMs', options.retry?.maxDelayMs, DEFAULT_RETRY.maxDelayMs),
    };
    const { Worker: BullWorker, DelayedError } = await loadBullMq();
    await this.#openQueue();
    await this.#checkKey(keys);

    const name = this.#name;
    let holdUntil = 0;

    const processor = async (job: Job<BatchJobData, BatchResult>, token?: string): Promise<BatchResult> => {
      const data = job.data;
      const jobId = job.id ?? '';
      const delay = async (at: number): Promise<never> => {
        await job.moveToDelayed(Math.ceil(at), token);
        throw new DelayedError();
      };
      if (holdUntil > Date.now()) await delay(holdUntil + Math.random() * 250);
      let result: BatchResult;
      let command: CreateIdentityCommand | undefined;
      try {
        command = (data.v as number) === 1 ? openCommand(keys, name, jobId, data.sealed) : undefined;
      } catch {
        // Tampered with, or sealed for another job: nothing readable to send.
        command = undefined;
      }
      if (command === undefined) {
        result = { line: data.line, refId: data.refId, ok: false, code: 'batch_payload_unreadable' };
      } else {
        try {
          const identity = await service.createIdentity(command);
          result = { line: data.line, refId: identity.refId ?? data.refId, ok: true, identityId: identity.id };
        } catch (error) {
          const tries = data.tries ?? 0;
          const verdict = verdictOf(error, data.line, data.refId, tries, policy, Date.now());
          if (verdict.kind === 'retry') {
            if (verdict.holdAll) holdUntil = Math.max(holdUntil, verdict.at);
            if (verdict.counts) await job.updateData({ ...data, tries: tries + 1 });
            return delay(verdict.at);
          }
          result = verdict.result;
        }
      }
      await this.#record(jobId, result);
      options.onResult?.(result);
      return result;
    };

    const worker: Worker<BatchJobData, BatchResult> = new BullWorker<BatchJobData, BatchResult>(name, processor, {
      connection: this.#redis,
      prefix: this.#prefix,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
    });
    worker.on('error', () => {
      // The client's errors carry the command and its arguments: only what failed is passed on.
      options.onError?.(new BatchWorkerError('batch worker'));
    });
    let closing: Promise<void> | undefined;
    const handle: BatchWorker = {
      untilEmpty: (untilOptions = {}) => this.#untilEmpty(untilOptions),
      close: () => {
        closing ??= (async () => {
          this.#workers.delete(handle);
          await worker.close();
        })();
        return closing;
      },
    };
    this.#workers.add(handle);
    return handle;
  }

  /**
   * Where the batch stands, read from Redis: works from any process, without `encryptionKey`.
   *
   * @example
   * ```ts
   * const { total, done, succeeded, failed } = await batch.status();
   * ```
   */
  async status(): Promise<BatchStatus> {
    const queue = await this.#openQueue();
    const [counts, recorded, invalid, unrecorded] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'),
      bounded('batch status', this.#timeoutMs, () => this.#redis.hgetall(this.#key('counts'))),
      bounded('batch status', this.#timeoutMs, () => this.#redis.hlen(this.#key('invalid'))),
      this.#failedWithoutResult(queue),
    ]);
    const count = (state: string): number => counts[state] ?? 0;
    const jobs = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const succeeded = Number(recorded['succeeded'] ?? 0);
    const failed = Number(recorded['failed'] ?? 0) + invalid + unrecorded.length;
    return {
      total: jobs + invalid,
      waiting: count('waiting') + count('delayed') + count('prioritized') + count('waiting-children'),
      active: count('active'),
      done: succeeded + failed,
      succeeded,
      failed,
      invalid,
    };
  }

  /**
   * Every result recorded so far, from any process, in no particular order: the created lines with their identity
   * id, and the failed ones with the error code (invalid lines included). Holds no personal data.
   *
   * @example
   * ```ts
   * for await (const r of batch.results()) if (!r.ok) console.log(r.line, r.refId, r.code);
   * ```
   */
  async *results(): AsyncGenerator<BatchResult> {
    for (const hash of [this.#key('results'), this.#key('invalid')]) {
      let cursor = '0';
      do {
        const [next, entries] = await bounded('batch results', this.#timeoutMs, () =>
          this.#redis.hscan(hash, cursor, 'COUNT', 500),
        );
        cursor = next;
        for (let i = 1; i < entries.length; i += 2) {
          const result = parseResult(entries[i] ?? '');
          if (result !== undefined) yield result;
        }
      } while (cursor !== '0');
    }
    const queue = await this.#openQueue();
    for (const job of await this.#failedWithoutResult(queue)) {
      yield { line: job.data.line, refId: job.data.refId, ok: false, code: 'batch_job_failed' };
    }
  }

  /** Closes the workers this object started and its queue. The connection stays open: it is the caller's. */
  async close(): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.close()));
    const queue = this.#queue;
    this.#queue = undefined;
    if (queue !== undefined) await (await queue).close();
  }

  /**
   * Deletes the whole batch from Redis: its jobs (BullMQ's `obliterate`), results, counts and key check. Run it when
   * no worker works the batch; afterwards the same lines enqueue as new.
   */
  async obliterate(): Promise<void> {
    const queue = await this.#openQueue();
    await queue.obliterate({ force: true });
    await bounded('batch obliterate', this.#timeoutMs, () =>
      Promise.all(['results', 'counts', 'invalid', 'key'].map((part) => this.#redis.del(this.#key(part)))),
    );
  }

  #requireKeys(call: string): BatchKeys {
    if (this.#keys === undefined)
      throw new BatchConfigurationError('encryptionKey', `is required to ${call} a batch: its lines are encrypted`);
    return this.#keys;
  }

  /** One of the batch's own keys, apart from BullMQ's (`…:{jobId}`, `…:wait`, `…:meta`, …). */
  #key(part: string): string {
    return `${this.#prefix}:${this.#name}:paxos-identity:${part}`;
  }

  #openQueue(): Promise<Queue<BatchJobData, BatchResult>> {
    this.#queue ??= loadBullMq().then(({ Queue: BullQueue }) => {
      const queue = new BullQueue<BatchJobData, BatchResult>(this.#name, {
        connection: this.#redis,
        prefix: this.#prefix,
      });
      queue.on('error', () => undefined);
      return queue;
    });
    const queue = this.#queue;
    queue.catch(() => {
      if (this.#queue === queue) this.#queue = undefined;
    });
    return queue;
  }

  async #checkKey(keys: BatchKeys): Promise<void> {
    const check = keyCheckOf(keys, this.#name);
    const held = await bounded('batch key check', this.#timeoutMs, () =>
      TAKE_KEY_CHECK.run(this.#redis, [this.#key('key')], [check]),
    );
    if (held !== check) throw new BatchEncryptionKeyError('is not the key this batch was enqueued with');
  }

  async #record(jobId: string, result: BatchResult): Promise<void> {
    await bounded('batch result', this.#timeoutMs, () =>
      RECORD_RESULT.run(
        this.#redis,
        [this.#key('results'), this.#key('counts')],
        [jobId, JSON.stringify(result), result.ok ? 'succeeded' : 'failed'],
      ),
    );
  }

  /** The jobs BullMQ failed that hold no result (they stalled past `maxStalledCount`). */
  async #failedWithoutResult(queue: Queue<BatchJobData, BatchResult>): Promise<Job<BatchJobData, BatchResult>[]> {
    const failed = (await queue.getFailed(0, -1)).filter((job) => job.id !== undefined);
    if (failed.length === 0) return [];
    const held = await bounded('batch status', this.#timeoutMs, () =>
      this.#redis.hmget(this.#key('results'), ...failed.map((job) => job.id ?? '')),
    );
    return failed.filter((_, i) => held[i] === null);
  }

  async #untilEmpty(options: BatchUntilEmptyOptions): Promise<BatchStatus> {
    const pollMs = positiveMs('pollMs', options.pollMs, 1_000);
    const { signal } = options;
    for (;;) {
      signal?.throwIfAborted();
      const status = await this.status();
      if (status.waiting === 0 && status.active === 0) return status;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/** A failure of a batch worker's own Redis traffic; names the operation only. */
class BatchWorkerError extends Error {
  readonly code = 'redis_unavailable';
  constructor(readonly operation: string) {
    super(`Redis failed the ${operation}`);
    this.name = 'BatchWorkerError';
  }
}

/**
 * A batch of identity creations on Redis (BullMQ): enqueue a file once from any process, work it from any number of
 * processes under the fleet's shared budgets, read its status and results from anywhere. Every line is created
 * exactly once: its job id comes from its `refId`, and a line run again after a crash resolves through that `refId`
 * to the identity already created. Commands are stored encrypted (AES-256-GCM); results hold no personal data.
 *
 * bullmq (an optional peer dependency, like ioredis) is loaded on the first call that needs it. Run this Redis with
 * `maxmemory-policy noeviction`: an evicted job or result would be lost or done again.
 *
 * @throws {BatchConfigurationError} naming the field when an option is missing or out of range.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createIdentityService } from 'paxos-identity';
 * import { redisBatch, redisCoordination } from 'paxos-identity/redis';
 *
 * const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
 * const batch = redisBatch({ connection, namespace: 'paxos:prod', name: 'onboarding-2025-06', encryptionKey });
 * await batch.enqueue(commands); // each with its refId
 *
 * // On every worker host:
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const service = createIdentityService({
 *   adapter: 'paxos',
 *   paxos,
 *   coordination: redisCoordination({ redis, namespace: 'paxos:prod', fleetSize: 4, encryptionKey }),
 * });
 * const worker = await batch.work(service, { concurrency: 8 });
 * console.log(await worker.untilEmpty()); // { total, waiting: 0, active: 0, done, succeeded, failed, invalid }
 * await batch.close();
 * ```
 */
export function redisBatch(options: RedisBatchOptions): RedisBatch {
  return new RedisBatch(options);
}
