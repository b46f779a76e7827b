import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type {
  Clock,
  Logger,
  RateLimitAcquireOptions,
  RateLimiter,
  RateLimitPermit,
  RateLimitRoute,
} from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';
import { RedisUnavailableError } from './errors.js';

/** Requests per second per route: Paxos's published per-IP limits, for every route the limiter may be asked about. */
export const PAXOS_ROUTE_RATES: Readonly<Record<string, number>> = Object.freeze({
  identity: 10,
  token: 1,
  other: 50,
});

/**
 * What the fleet spends per route by default: 95 % of {@link PAXOS_ROUTE_RATES}. Calls are spaced evenly, so the
 * fleet's average over Paxos's five minutes stays under the limit with room for the jitter of the network.
 */
export const DEFAULT_FLEET_RATES: Readonly<Record<string, number>> = Object.freeze({
  identity: 9.5,
  token: 0.95,
  other: 47.5,
});

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * The ioredis client to share. Build it so that it never hangs (`enableOfflineQueue: false` or a
   * `commandTimeout`); every call is also cut off after `commandTimeoutMs` whatever the client does.
   */
  readonly redis: Redis;
  /** Every process using the same namespace shares each route's budget and the cool-down. Keys start with it. */
  readonly namespace: string;
  /**
   * Requests per second the whole fleet may make, per route (fractions allowed: 0.5 is one call every two seconds).
   * Merged over {@link DEFAULT_FLEET_RATES}.
   */
  readonly rates?: Readonly<Partial<Record<RateLimitRoute, number>>>;
  /** Calls that may wait per route in this process; one more is refused with `queue_full`. Default 1000. */
  readonly maxQueue?: number;
  /**
   * How many processes share the namespace: when Redis does not answer, each one falls back to an in-process limiter
   * at `1 / fleetSize` of every rate, so that the fleet together stays within the budget. Default 3.
   */
  readonly fleetSize?: number;
  /**
   * What to do when Redis does not answer: `'degrade'` (default) paces this process alone at `1 / fleetSize` of each
   * rate; `'fail'` refuses every call with {@link RedisUnavailableError} until Redis answers again.
   */
  readonly onRedisUnavailable?: 'degrade' | 'fail';
  /** Longest wait for one Redis command. Default 250 ms. */
  readonly commandTimeoutMs?: number;
  /**
   * How often a process with queued calls looks for a cool-down recorded by another process. Bounds how long a
   * queued call may still be granted after another process saw a 429. Default 100 ms.
   */
  readonly coolDownPollMs?: number;
  /** After Redis failed, how long to use the fallback before asking Redis again. Default 1000 ms. */
  readonly retryRedisAfterMs?: number;
  /** Told once when the limiter degrades (warn) and once when Redis answers again (info). */
  readonly logger?: Logger;
  /** Where the cool-down's end is read from. Default: the system clock. */
  readonly clock?: Clock;
}

const GRANTED: RateLimitPermit = Object.freeze({ granted: true });
/** A grant whose slot began as Redis found no cool-down: the caller need not ask Redis again. */
const GRANTED_CHECKED: RateLimitPermit = Object.freeze({ granted: true });
/** Handed to queued calls when a cool-down starts: not a slot, but a prompt to look at the cool-down again. */
const RECHECK: RateLimitPermit = Object.freeze({ granted: false, reason: 'cooling_down', retryAt: new Date(0) });
/** The longest cool-down kept, and the longest fallback window: what a timer can wait for (about 24.8 days). */
const MAX_COOL_DOWN_MS = 2 ** 31 - 1;
/**
 * Two reads of the same cool-down through PTTL differ by the round trip and the TTL's millisecond rounding; within
 * this much they are the same cool-down, so that callers see one stable end instead of a jittering one.
 */
const SAME_COOL_DOWN_MS = 50;
/**
 * The first cool-down creates the key, a longer one extends it, a shorter one is ignored. A key without a TTL (PTTL
 * -1: not this script's) is overwritten: the reserve script reads it as no cool-down, and kept as it is the 429 would
 * never reach the other processes.
 */
const COOL_DOWN_SCRIPT = `if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return redis.call('PTTL', KEYS[1])`;

/**
 * The shared budget of one route, as a generic cell rate algorithm on Redis's own clock: the key holds the next free
 * slot (µs); a call reserves it and is told how long to wait for it, and the slot after it is `interval` later. Any
 * span of `W` µs thus holds at most `W / interval + 1` calls of the whole fleet, and no slot is lost to the race of
 * retries. A reservation further ahead than `horizon` is refused with the wait until it would not be, so that a
 * large fleet queues in its processes rather than in Redis. The key always has a TTL. While the cool-down key
 * (KEYS[2]) lives nothing is reserved and its PTTL is answered, so that an idle route costs one round trip.
 * A value this script did not write (not a number, another type, no TTL, or further ahead than its TTL allows: the
 * TTL is set a second past the slot) is read as no reservation: taken as it is, it would fail every call (the fleet
 * degrades for good) or stall the route until a slot that no call reserved.
 */
const RESERVE_SCRIPT = `local cooling = redis.call('PTTL', KEYS[2])
if cooling > 0 then return {2, cooling} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
local stored = redis.pcall('GET', KEYS[1])
local slot = type(stored) == 'string' and tonumber(stored) or nil
if slot == nil or slot ~= slot or ttl < 0 or slot - now > ttl * 1000 or slot < now then slot = now end
local ahead = slot - now
if ahead > horizon then return {0, math.ceil((ahead - horizon) / 1000)} end
local following = slot + interval
redis.call('SET', KEYS[1], string.format('%.0f', following), 'PX', math.ceil((following - now) / 1000) + 1000)
return {1, math.ceil(ahead / 1000)}`;

class RedisTimeout extends Error {}

interface Waiter {
  readonly resolve: (permit: RateLimitPermit) => void;
  readonly reject: (reason: unknown) => void;
  /** Stops listening to the caller's signal. */
  unsubscribe: () => void;
  /** Granted, released, failed or aborted: no longer counted, and skipped when the queue reaches it. */
  gone: boolean;
}

/**
 * What a {@link Lane} asks of its limiter: `{ startsInMs }` for a slot reserved for this process (0: now; `checked`
 * when Redis found no cool-down as it reserved it), or `{ retryInMs }` when none could be had and the lane should
 * ask again that much later.
 */
type SharedAnswer = { readonly startsInMs: number; readonly checked: boolean } | { readonly retryInMs: number };
type TakeShared = () => Promise<SharedAnswer>;

/**
 * One route's pace in this process: a first-in first-out queue, spaced evenly at the route's full rate, in front of
 * the fleet's shared budget. The lane takes one slot at a time, waits for it, and gives it to the call at its head.
 */
class Lane {
  /**
   * The waiters from `#head` on, in order; an aborted one stays in place (`gone`) until the head passes it or the
   * array is compacted, so that leaving the queue costs the same whatever its length (splicing it out of 100 000
   * took seconds).
   */
  #queue: Waiter[] = [];
  #head = 0;
  /** Waiters still queued. */
  #live = 0;
  readonly #intervalMs: number;
  readonly #maxQueue: number;
  readonly #takeShared: TakeShared;
  readonly #onQueued: () => void;
  #nextSlotAt = 0;
  /** When the slot this lane reserved in the shared budget starts (`performance.now()` time), if it has one. */
  #reservedAt: number | undefined;
  /** True when the slot just taken began as Redis found no cool-down. */
  #checked = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #busy = false;

  constructor(rate: number, maxQueue: number, takeShared: TakeShared, onQueued: () => void) {
    this.#intervalMs = 1000 / rate;
    this.#maxQueue = maxQueue;
    this.#takeShared = takeShared;
    this.#onQueued = onQueued;
  }

  get queued(): number {
    return this.#live;
  }

  /** Nothing queued, waiting or being taken: a call now is the next one to go. */
  get idle(): boolean {
    return this.#live === 0 && !this.#busy && this.#timer === undefined;
  }

  take(signal: AbortSignal | undefined, now: number): Promise<RateLimitPermit> {
    signal?.throwIfAborted();
    const idle = this.idle;
    // A slot reserved for calls that all gave up (aborted, or released by a cool-down) and now past is dropped: spent
    // late, it would fall among the slots the fleet has taken since, one extra call per process at the same moment.
    if (idle && this.#reservedAt !== undefined && this.#reservedAt < performance.now()) this.#reservedAt = undefined;
    if (!idle && this.#live >= this.#maxQueue) {
      return Promise.resolve({
        granted: false,
        reason: 'queue_full',
        retryAt: new Date(now + Math.ceil((this.#live + 1) * this.#intervalMs)),
      });
    }
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, unsubscribe: noop, gone: false };
      if (signal !== undefined)
        waiter.unsubscribe = onAbort(signal, () => {
          if (waiter.gone) return;
          this.#leave(waiter);
          if (this.#live === 0) this.#stop();
          else this.#compact();
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
          reject(signal.reason);
        });
      this.#queue.push(waiter);
      this.#live += 1;
      this.#onQueued();
      this.#kick();
    });
  }

  #leave(waiter: Waiter): void {
    waiter.gone = true;
    waiter.unsubscribe();
    this.#live -= 1;
    if (this.#live === 0) {
      this.#queue = [];
      this.#head = 0;
    }
  }

  /** The first waiter still queued, taken out of the queue. */
  #shift(): Waiter | undefined {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head];
      this.#head += 1;
      if (waiter === undefined || waiter.gone) continue;
      this.#leave(waiter);
      this.#compact();
      return waiter;
    }
    return undefined;
  }

  /** Drops what the head has passed and the aborted waiters once they are most of the array: O(1) amortized. */
  #compact(): void {
    const held = this.#queue.length - this.#head;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    } else if (held > 1024 && held > 2 * this.#live) {
      this.#queue = this.#queue.slice(this.#head).filter((waiter) => !waiter.gone);
      this.#head = 0;
    }
  }

  /** Every waiter still queued, taken out of the queue. */
  #drain(): Waiter[] {
    const waiters = this.#queue.slice(this.#head).filter((waiter) => !waiter.gone);
    for (const waiter of waiters) this.#leave(waiter);
    return waiters;
  }

  #kick(): void {
    if (this.#busy || this.#timer !== undefined) return;
    this.#busy = true;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (this.#live > 0) {
        const wait = await this.#tryTake();
        if (wait > 0) {
          this.#busy = false;
          if (this.#live > 0 && this.#timer === undefined)
            // Longer than a timer can hold, a wait would fire at once: the lane would spin on 1 ms timers.
            this.#timer = setTimeout(
              () => {
                this.#timer = undefined;
                this.#kick();
              },
              Math.min(wait, MAX_COOL_DOWN_MS),
            );
          return;
        }
        // The head may have given up while the point was being taken: the slot then goes unused, which is safe.
        const waiter = this.#shift();
        if (waiter === undefined) break;
        waiter.resolve(this.#checked ? GRANTED_CHECKED : GRANTED);
      }
    } catch (error) {
      this.#failAll(error);
    }
    this.#busy = false;
  }

  /** 0 when a slot was taken, else the milliseconds until one may be. */
  async #tryTake(): Promise<number> {
    if (this.#reservedAt === undefined) {
      const spacing = this.#nextSlotAt - performance.now();
      if (spacing > 0) return Math.ceil(spacing);
      const answer = await this.#takeShared();
      if ('retryInMs' in answer) return Math.max(1, answer.retryInMs);
      this.#reservedAt = performance.now() + answer.startsInMs;
      this.#checked = answer.checked && answer.startsInMs === 0;
    } else {
      this.#checked = false;
    }
    // A timer may fire a fraction of a millisecond early; the slot is Redis's, so that fraction is no excess.
    const left = this.#reservedAt - performance.now();
    if (left > 1) return Math.ceil(left);
    this.#reservedAt = undefined;
    this.#nextSlotAt = performance.now() + this.#intervalMs;
    return 0;
  }

  /** Lets every queued call go without a slot, with `permit`: they re-read the cool-down instead of waiting. */
  releaseAll(permit: RateLimitPermit): void {
    this.#stop();
    for (const waiter of this.#drain()) waiter.resolve(permit);
  }

  #failAll(error: unknown): void {
    this.#stop();
    for (const waiter of this.#drain()) waiter.reject(error);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** One route's budgets: the fleet's in Redis, and this process's share of it for when Redis is away. */
interface RouteBudget {
  readonly key: string;
  /** Microseconds between two of the fleet's calls. */
  readonly intervalUs: number;
  /** How far ahead a slot may be reserved, in microseconds. */
  readonly horizonUs: number;
  readonly fallback: RateLimiterMemory;
  /** The fallback's window: one call per this many milliseconds in this process. */
  readonly fallbackWindowMs: number;
  readonly lane: Lane;
}

function checkPositive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number`);
  return value;
}

/**
 * The {@link RateLimiter} port shared by every process behind one egress IP, over Redis (ioredis). Each route's
 * budget lives in Redis as one key: the fleet's calls of the route are spaced evenly at `1 / rate` on Redis's clock
 * (a generic cell rate algorithm, one atomic script per call), so any span of `W` seconds holds at most
 * `W × rate + 1` of them whatever the number of processes, and the fleet together reaches the rate. Each process
 * keeps a first-in first-out queue in front of it, so that bursts wait rather than fail. The 429 cool-down is one Redis key with a relative
 * TTL: one process's 429 stops all of them, a shorter cool-down never cuts a longer one, and clock skew between hosts
 * does not matter. Queued calls notice a cool-down recorded elsewhere within `coolDownPollMs`.
 *
 * When Redis is slow or down, no call waits on it past `commandTimeoutMs` (nor past its own signal): the limiter
 * paces this process alone at `1 / fleetSize` of each rate, or refuses with {@link RedisUnavailableError}
 * (`onRedisUnavailable: 'fail'`), logging once per outage. A cool-down recorded meanwhile holds in this process.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const rateLimiter = new RedisRateLimiter({ redis, namespace: 'paxos:prod', fleetSize: 4 });
 * createIdentityService({ adapter: 'paxos', paxos, coordination: { rateLimiter } });
 * ```
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #coolDownKey: string;
  readonly #rates: Readonly<Record<string, number>>;
  readonly #budgets = new Map<string, RouteBudget>();
  readonly #maxQueue: number;
  readonly #fleetSize: number;
  readonly #failClosed: boolean;
  readonly #commandTimeoutMs: number;
  readonly #pollMs: number;
  readonly #retryRedisAfterMs: number;
  readonly #logger: Logger | undefined;
  readonly #clock: Clock;
  readonly #namespace: string;
  #coolUntil = 0;
  /** The duration of the cool-down in force: what is left of it can never be more, whatever the clock does. */
  #coolFor = 0;
  #degraded = false;
  #redisRetryAt = 0;
  #poll: ReturnType<typeof setTimeout> | undefined;
  /** The read of the cool-down on its way that calls about to queue share. */
  #sharedTtl: Promise<number | undefined> | undefined;

  /**
   * @throws {RangeError} when a rate, `fleetSize`, `maxQueue` or a duration is out of range (a rate so low that
   * `fleetSize / rate` seconds exceed about 24.8 days, the longest timer), or `namespace` is empty.
   */
  constructor(options: RedisRateLimiterOptions) {
    if (typeof options.namespace !== 'string' || options.namespace === '')
      throw new RangeError('namespace must be a non-empty string');
    const maxQueue = options.maxQueue ?? 1000;
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be a non-negative integer');
    const fleetSize = options.fleetSize ?? 3;
    if (!Number.isInteger(fleetSize) || fleetSize < 1) throw new RangeError('fleetSize must be a positive integer');
    this.#redis = options.redis;
    this.#namespace = options.namespace;
    this.#coolDownKey = `${options.namespace}:rate-limit:cool-down`;
    const rates: Record<string, number> = { ...DEFAULT_FLEET_RATES };
    for (const [route, rate] of Object.entries(options.rates ?? {}) as [string, number | undefined][])
      if (rate !== undefined) {
        checkPositive(`rates.${route}`, rate);
        // The fallback's window (fleetSize / rate seconds) must fit a timer: a longer one fires at once, and the
        // lane would spin on 1 ms timers while the fallback granted every call.
        if ((fleetSize * 1000) / rate > MAX_COOL_DOWN_MS)
          throw new RangeError(`rates.${route} is too low to be paced by a timer at fleetSize ${String(fleetSize)}`);
        rates[route] = rate;
      }
    this.#rates = Object.freeze(rates);
    this.#maxQueue = maxQueue;
    this.#fleetSize = fleetSize;
    this.#failClosed = options.onRedisUnavailable === 'fail';
    this.#commandTimeoutMs = checkPositive('commandTimeoutMs', options.commandTimeoutMs ?? 250);
    this.#pollMs = checkPositive('coolDownPollMs', options.coolDownPollMs ?? 100);
    this.#retryRedisAfterMs = checkPositive('retryRedisAfterMs', options.retryRedisAfterMs ?? 1000);
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  /** Calls waiting on `route` in this process right now. */
  queued(route: RateLimitRoute): number {
    return this.#budgets.get(route)?.lane.queued ?? 0;
  }

  /** True while Redis is not answering and this process paces itself alone (or refuses, with `'fail'`). */
  get degraded(): boolean {
    return this.#degraded;
  }

  /**
   * @throws {RangeError} for a route with no rate.
   * @throws {RedisUnavailableError} with `onRedisUnavailable: 'fail'` when Redis does not answer.
   */
  async acquire(route: RateLimitRoute, options: RateLimitAcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    const { lane } = this.#budget(route);
    for (;;) {
      signal?.throwIfAborted();
      // An idle route asks Redis once, in the script that reserves its slot; behind a queue, the cool-down is read
      // first so that the call fails fast instead of waiting its turn.
      const coolEnd = lane.idle ? this.#localEnd() : await this.#coolEnd(signal, true, true);
      const coolingFor = coolEnd - this.#now();
      if (coolingFor > 0) {
        // Only the call told to come back after a Retry-After waits; every other call fails fast.
        if (options.waitForCoolDown !== true)
          return { granted: false, reason: 'cooling_down', retryAt: new Date(coolEnd) };
        await abortableSleep(coolingFor, signal);
        continue;
      }
      const permit = await lane.take(signal, this.#now());
      if (permit === RECHECK) continue;
      // A cool-down recorded (here or in another process) while this call queued holds it back too.
      if (permit.granted) {
        if (permit !== GRANTED_CHECKED && (await this.#coolEnd(signal, true)) > this.#now()) continue;
        if (this.#localEnd() > this.#now()) continue;
        return GRANTED;
      }
      return permit;
    }
  }

  async coolDown(durationMs: number): Promise<Date> {
    const now = this.#now();
    const duration =
      Number.isFinite(durationMs) && durationMs > 0 ? Math.min(Math.ceil(durationMs), MAX_COOL_DOWN_MS) : 0;
    // Recorded here first, so that this process holds back even when Redis does not take it.
    if (now + duration > this.#localEnd()) {
      this.#coolUntil = now + duration;
      this.#coolFor = duration;
    }
    const ttl =
      duration > 0
        ? await this.#redisCall((redis) => redis.eval(COOL_DOWN_SCRIPT, 1, this.#coolDownKey, duration))
        : await this.#redisCall((redis) => redis.pttl(this.#coolDownKey));
    const end = this.#merge(typeof ttl === 'number' ? ttl : undefined);
    if (end > this.#now()) this.#releaseQueues();
    return new Date(end);
  }

  async coolingDownUntil(): Promise<Date | undefined> {
    const end = await this.#coolEnd(undefined, false);
    return end > this.#now() ? new Date(end) : undefined;
  }

  #budget(route: RateLimitRoute): RouteBudget {
    const existing = this.#budgets.get(route);
    if (existing !== undefined) return existing;
    const rate = Object.hasOwn(this.#rates, route) ? this.#rates[route] : undefined;
    if (rate === undefined) throw new RangeError(`no rate configured for route ${JSON.stringify(route)}`);
    // Rounded up and at least 1 µs: rounded to the nearest, a rate above 2 million per second left the slot where it
    // was (every call of the fleet at once), and any rate was paced a fraction faster than asked.
    const intervalUs = Math.max(1, Math.ceil(1_000_000 / rate));
    const fallback = new RateLimiterMemory({ points: 1, duration: this.#fleetSize / rate });
    const budget: RouteBudget = {
      key: `${this.#namespace}:rate-limit:${route}:next-slot`,
      intervalUs,
      horizonUs: Math.max(1_000_000, intervalUs),
      fallback,
      fallbackWindowMs: Math.ceil((this.#fleetSize * 1000) / rate),
      lane: new Lane(
        rate,
        this.#maxQueue,
        () => this.#takeShared(budget),
        () => {
          this.#startPolling();
        },
      ),
    };
    this.#budgets.set(route, budget);
    return budget;
  }

  /** A slot of the shared budget (or, Redis away, of the fallback), or how long to wait before asking again. */
  async #takeShared(budget: RouteBudget): Promise<SharedAnswer> {
    if (this.#redisUsable()) {
      try {
        const answer = await this.#guard(
          this.#redis.eval(RESERVE_SCRIPT, 2, budget.key, this.#coolDownKey, budget.intervalUs, budget.horizonUs),
        );
        this.#redisAnswered();
        const [outcome, ms] = (Array.isArray(answer) ? answer : []) as unknown[];
        if (typeof outcome !== 'number' || typeof ms !== 'number') throw new TypeError('unexpected script answer');
        if (outcome === 1) return { startsInMs: ms, checked: true };
        if (outcome === 2) {
          // Another process met a 429: every call queued here learns it now.
          if (this.#merge(ms) > this.#now()) this.#releaseQueues();
          return { retryInMs: ms };
        }
        return { retryInMs: ms };
      } catch (rejection) {
        this.#redisFailed(rejection);
      }
    }
    if (this.#failClosed) throw new RedisUnavailableError('rate limit');
    try {
      await budget.fallback.consume('paxos', 1);
      return { startsInMs: 0, checked: false };
    } catch (rejection) {
      // The in-memory store measures its window on the wall clock: stepped back, it would answer the size of the
      // step. Its window is all there is to wait; past it the store's own (monotonic) timer has dropped the slot.
      if (rejection instanceof RateLimiterRes)
        return { retryInMs: Math.max(1, Math.min(rejection.msBeforeNext, budget.fallbackWindowMs)) };
      throw rejection;
    }
  }

  /**
   * The end of the cool-down in force (0 for none), from Redis when it answers, else from this process's record.
   * `shared`: the answer may be that of a read already on its way (the check before queuing, which only spares a
   * call its wait; the one that lets a call go is never shared). A burst of 100 000 calls otherwise sent as many
   * PTTLs at once: the event loop stalled for seconds, and the reads that timed out degraded the limiter.
   */
  async #coolEnd(signal: AbortSignal | undefined, strict: boolean, shared = false): Promise<number> {
    let read: Promise<number | undefined>;
    if (shared) {
      read = this.#sharedTtl ??= this.#redisCall((redis) => redis.pttl(this.#coolDownKey)).finally(() => {
        this.#sharedTtl = undefined;
      });
    } else {
      read = this.#redisCall((redis) => redis.pttl(this.#coolDownKey));
    }
    const ttl = await untilAborted(read, signal);
    if (ttl === undefined && strict && this.#failClosed) throw new RedisUnavailableError('cool-down');
    return this.#merge(ttl);
  }

  /** Folds a PTTL answer (undefined: Redis away) into this process's record, and answers the end in force. */
  #merge(ttl: number | undefined): number {
    const local = this.#localEnd();
    if (ttl === undefined || ttl <= 0) return local;
    const now = this.#now();
    // A TTL no coolDown() could have set (a foreign key) is held to the longest one it can, so that a wait fits a timer.
    const duration = Math.min(ttl, MAX_COOL_DOWN_MS);
    const remote = now + duration;
    if (local <= now || remote > local + SAME_COOL_DOWN_MS) {
      this.#coolUntil = remote;
      this.#coolFor = duration;
      return remote;
    }
    return local;
  }

  /**
   * This process's record of the cool-down. A clock stepped back would leave more of it than was ever asked for:
   * the end is then moved so that at most its duration is left.
   */
  #localEnd(): number {
    const now = this.#now();
    if (this.#coolUntil - now > this.#coolFor) this.#coolUntil = now + this.#coolFor;
    return this.#coolUntil;
  }

  /** One Redis command, cut off after `commandTimeoutMs`; undefined when Redis failed or did not answer in time. */
  async #redisCall(command: (redis: Redis) => Promise<unknown>): Promise<number | undefined> {
    if (!this.#redisUsable()) return undefined;
    try {
      const answer = await this.#guard(command(this.#redis));
      this.#redisAnswered();
      return typeof answer === 'number' ? answer : undefined;
    } catch (error) {
      this.#redisFailed(error);
      return undefined;
    }
  }

  #guard<T>(promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Timers run before the loop reads its sockets: after a stall of the event loop (the caller's own work), a
        // reply already received would lose to its timeout, and the limiter degrade with Redis answering. The
        // sockets are read first.
        setImmediate(() => {
          reject(new RedisTimeout());
        });
      }, this.#commandTimeoutMs);
    });
    // The command may still settle after the timeout: its outcome is then of no interest, but must not go unhandled.
    promise.catch(() => undefined);
    return Promise.race([promise, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  #redisUsable(): boolean {
    return !this.#degraded || performance.now() >= this.#redisRetryAt;
  }

  #redisAnswered(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#logger?.info('Redis answers again: the rate limit is shared by the fleet again', {
      namespace: this.#namespace,
    });
  }

  #redisFailed(error: unknown): void {
    this.#redisRetryAt = performance.now() + this.#retryRedisAfterMs;
    if (this.#degraded) return;
    this.#degraded = true;
    // The error's text is not logged: it may name the Redis host, user or more.
    this.#logger?.warn(
      this.#failClosed
        ? 'Redis does not answer: refusing Paxos calls until it does'
        : 'Redis does not answer: pacing this process alone at its share of the rate',
      {
        namespace: this.#namespace,
        cause: error instanceof RedisTimeout ? 'timeout' : 'error',
        fleetSize: this.#fleetSize,
      },
    );
  }

  #releaseQueues(): void {
    for (const { lane } of this.#budgets.values()) lane.releaseAll(RECHECK);
  }

  /** While calls queue, looks for a cool-down another process recorded, so that they fail fast too. */
  #startPolling(): void {
    if (this.#poll !== undefined) return;
    this.#poll = setTimeout(() => {
      void this.#checkPoll();
    }, this.#pollMs);
    this.#poll.unref();
  }

  async #checkPoll(): Promise<void> {
    const end = await this.#coolEnd(undefined, false);
    this.#poll = undefined;
    if (end > this.#now()) this.#releaseQueues();
    if ([...this.#budgets.values()].some(({ lane }) => lane.queued > 0)) this.#startPolling();
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}

function noop(): void {
  // Nothing to stop listening to.
}

interface AbortFanOut {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const abortFanOuts = new WeakMap<AbortSignal, AbortFanOut>();

/**
 * Calls `callback` when `signal` aborts; answers the function that stops it. Every call waiting on one signal
 * shares one listener: Node's `addEventListener` looks through the listeners already there, so 100 000 calls queued
 * on one deadline each adding their own took minutes, on the event loop.
 */
function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let fanOut = abortFanOuts.get(signal);
  if (fanOut === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      abortFanOuts.delete(signal);
      for (const each of callbacks) each();
    };
    fanOut = { callbacks, listener };
    abortFanOuts.set(signal, fanOut);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = fanOut;
  callbacks.add(callback);
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && abortFanOuts.get(signal) === fanOut) {
      abortFanOuts.delete(signal);
      signal.removeEventListener('abort', listener);
    }
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason);
      return;
    }
    const unsubscribe = onAbort(signal, () => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason);
    });
    promise.then(resolve, reject).finally(unsubscribe);
  });
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason);
      return;
    }
    const unsubscribe =
      signal === undefined
        ? noop
        : onAbort(signal, () => {
            clearTimeout(timer);
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
            reject(signal.reason);
          });
    const timer = setTimeout(
      () => {
        unsubscribe();
        resolve();
      },
      Math.min(ms, MAX_COOL_DOWN_MS),
    );
  });
}
