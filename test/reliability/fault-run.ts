import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  createIdentityService,
  IdentityServiceError,
  type CreateIdentityCommand,
  type Identity,
  type IdentityService,
  type LogFields,
  type Logger,
} from '../../src/index.js';
import { startPaxosEmulator, type EmulatorFault, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same fault schedule. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The faults the run injects, by the name the report uses. A 429 without `Retry-After` is left out on purpose: the
 * client never retries one blindly (it would extend Paxos's five-minute throttle), so it fails its call by design;
 * the rate-limit suites and the burst below cover it.
 */
export const FAULT_KINDS = [
  '503',
  '500',
  '502',
  '504',
  '429 with Retry-After',
  'reset before processing',
  'reset after processing',
  'stalled headers',
  'stalled body',
  'truncated body',
  'slow response',
] as const;

/** One of {@link FAULT_KINDS}. */
type FaultKindName = (typeof FAULT_KINDS)[number];

/** The `name` of whatever was thrown (an Error's), or undefined when it has no string name. */
function nameOf(thrown: unknown): string | undefined {
  if (thrown === null || thrown === undefined) return undefined;
  const name = (thrown as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function faultOf(kind: FaultKindName, random: () => number): EmulatorFault {
  switch (kind) {
    case '503':
    case '500':
    case '502':
    case '504':
      return { kind: 'status', status: Number(kind) };
    case '429 with Retry-After':
      return { kind: 'status', status: 429, retryAfter: 0 };
    case 'reset before processing':
      return { kind: 'drop', when: 'before-processing' };
    case 'reset after processing':
      return { kind: 'drop', when: 'after-processing' };
    case 'stalled headers':
      return { kind: 'stall-headers' };
    case 'stalled body':
      return { kind: 'stall-body' };
    case 'truncated body':
      return { kind: 'truncate-body' };
    case 'slow response':
      return { kind: 'delay', ms: 5 + Math.floor(random() * 20) };
  }
}

/** Options of {@link runFaultedCreates}. */
export interface FaultRunOptions {
  readonly seed: number;
  readonly creates: number;
  /** Share of identity requests (creates, retries, replay reads) that get a fault. */
  readonly faultRate: number;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Each call's total deadline; a stalled attempt costs the default attempt timeout, a quarter of it. */
  readonly timeoutMs: number;
}

/** What a faulted run produced, for assertions and for the printed table. */
export interface FaultRunReport {
  readonly seed: number;
  readonly calls: number;
  readonly requests: number;
  readonly faultsByKind: Readonly<Record<FaultKindName, number>>;
  readonly faultedRequests: number;
  /** First-pass outcomes: `identity`, or the error's `code`; `untyped:<name>` would be a defect. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Calls that failed first and resolved on a second call with the same command (same `refId`). */
  readonly recovered: number;
  /** Of those, the ones whose identity the first call had already created (a replay through 409 `ref_id`). */
  readonly recoveredByReplay: number;
  /** Identities in the emulator beyond one per command. */
  readonly duplicates: number;
  /** Commands without an identity after the second pass, plus identities no call returned. */
  readonly lost: number;
  /** Results whose `refId` or CIP id differ from their command's. */
  readonly mismatched: number;
  readonly untyped: readonly string[];
  /** The message of every error of the first pass (typed errors carry no personal data; the canary search checks). */
  readonly failures: readonly string[];
  /** 429s the emulator sent, injected or not. */
  readonly status429: number;
  readonly logLines: number;
  /** Commands whose SSN (with or without dashes) or date of birth shows in a log line or an error rendering. */
  readonly canaryHits: number;
  readonly identitiesInEmulator: number;
}

/** What {@link runRateLimitedBurst} saw. */
export interface RateLimitedRun {
  readonly calls: number;
  readonly created: number;
  readonly status429: number;
}

/**
 * `calls` concurrent creates against an emulator enforcing Paxos's rate-limit shape, scaled: 200 requests/s averaged
 * over 250 ms (a budget of 50 in any 250 ms) against a client paced at 160 requests/s.
 */
export async function runRateLimitedBurst(calls: number): Promise<RateLimitedRun> {
  const emulator = await startPaxosEmulator({
    rateLimit: { identityPerSecond: 200, tokenPerSecond: 20, windowMs: 250, throttleMs: 60_000 },
  });
  try {
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...paxosOptionsFor(emulator),
        timeoutMs: 120_000,
        rateLimit: { requestsPerSecond: 160, tokenRequestsPerSecond: 10, maxQueue: calls },
      },
    });
    const settled = await Promise.allSettled(
      Array.from({ length: calls }, () =>
        service.createIdentity(aPerson().withCommand({ refId: randomUUID() }).build()),
      ),
    );
    return {
      calls,
      created: settled.filter((s) => s.status === 'fulfilled').length,
      status429: emulator.requests.filter((r) => r.status === 429).length,
    };
  } finally {
    await emulator.close();
  }
}

/** Runs `tasks` with at most `concurrency` in flight. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
}

/** A logger that keeps every line, serialized, to search for canaries. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push(`debug ${message} ${JSON.stringify(fields ?? {})}`);
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push(`info ${message} ${JSON.stringify(fields ?? {})}`);
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push(`warn ${message} ${JSON.stringify(fields ?? {})}`);
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push(`error ${message} ${JSON.stringify(fields ?? {})}`);
  }
}

/**
 * A service on the emulator as an application would configure it for fault runs: the default retries, backoff and
 * attempt timeout, a deadline of a few seconds, no client-side rate limit.
 */
function faultRunService(emulator: PaxosEmulator, timeoutMs: number, logger?: Logger): IdentityService {
  return createIdentityService({
    adapter: 'paxos',
    paxos: {
      ...paxosOptionsFor(emulator),
      timeoutMs,
      // The emulator runs without its rate limit here: injected 429s are the only ones, and a cool-down after
      // each would turn the rest of the run into fail-fast refusals instead of exercising the other faults.
      rateLimit: false,
      ...(logger !== undefined && { logger }),
    },
  });
}

/**
 * Creates `creates` distinct persons through the whole stack (use case → Paxos adapter → emulator) while the
 * emulator faults about `faultRate` of the identity requests, following a schedule drawn from `seed`. Calls that
 * fail are then sent once more, unchanged (same `refId`), without faults, as a caller retrying would. Every
 * identity in the emulator is then read back to count duplicates and orphans.
 */
export async function runFaultedCreates(options: FaultRunOptions): Promise<FaultRunReport> {
  const random = seededRandom(options.seed);
  const issued: string[] = [];
  const emulator = await startPaxosEmulator({
    // The schedule and the report read every request of the run from the log: keep all of them.
    maxRequestLog: 1_000_000,
    ids: {
      next: () => {
        const id = randomUUID();
        issued.push(id);
        return id;
      },
    },
  });
  const logger = new CapturingLogger();
  const faultsByKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKindName, number>;
  try {
    const service = faultRunService(emulator, options.timeoutMs, logger);
    // Warm up outside the schedule: the token, the connection pool and the code paths, so that the first burst of
    // calls does not spend its deadline on start-up work.
    await service.findIdentity(randomUUID());
    emulator.clearRequestLog();
    // One slot per request in arrival order: a fault, or a zero delay that leaves the request alone. Armed a few
    // hundred ahead, so that the emulator's queue stays short.
    const schedule: (FaultKindName | undefined)[] = [];
    let armedUntil = 0;
    const armAhead = () => {
      const served = emulator.requests.length;
      while (armedUntil < served + 400) {
        const kind = random() < options.faultRate ? FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]! : undefined;
        schedule.push(kind);
        emulator.faults.inject(kind === undefined ? { kind: 'delay', ms: 0 } : faultOf(kind, random), {
          match: { path: /^\/v2\/identity\// },
        });
        armedUntil += 1;
      }
    };
    const commands: CreateIdentityCommand[] = Array.from({ length: options.creates }, () =>
      aPerson().withCommand({ refId: randomUUID() }).build(),
    );
    const results: unknown[] = new Array(commands.length);
    const outcomes: Record<string, number> = {};
    const untyped: string[] = [];
    await pool(commands, options.concurrency, async (command, index) => {
      armAhead();
      try {
        results[index] = await service.createIdentity(command);
        outcomes['identity'] = (outcomes['identity'] ?? 0) + 1;
      } catch (error) {
        results[index] = error;
        const name = nameOf(error);
        const key = error instanceof IdentityServiceError ? error.code : `untyped:${name ?? typeof error}`;
        if (!(error instanceof IdentityServiceError)) untyped.push(String(name));
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    });
    emulator.faults.clear();
    const firstPassErrors = results.filter((r) => r instanceof Error);

    // Which faults actually hit: the request log names them; the zero delays are the unfaulted slots.
    const log = emulator.requests;
    const identityRequests = log.filter((r) => r.path.startsWith('/v2/identity/'));
    identityRequests.forEach((request, position) => {
      const kind = schedule[position];
      if (request.fault !== undefined && kind !== undefined) faultsByKind[kind] += 1;
    });
    const existedBeforeSecondPass = new Set(issued);

    // Second pass: a caller retries a failed create unchanged. A create that took effect resolves by replay.
    let recovered = 0;
    let recoveredByReplay = 0;
    const firstPassIds = new Set(
      results.filter((r): r is Identity => r instanceof Object && 'summaryStatus' in r).map((r) => r.id),
    );
    await pool(commands, options.concurrency, async (command, index) => {
      if (results[index] instanceof IdentityServiceError) {
        const identity = await service.createIdentity(command);
        results[index] = identity;
        recovered += 1;
        if (existedBeforeSecondPass.has(identity.id) && !firstPassIds.has(identity.id)) recoveredByReplay += 1;
      }
    });

    // Every identity the emulator holds, read back: exactly one per command, each returned to its own command.
    const byRefId = new Map<string, string[]>();
    await pool(issued.slice(), options.concurrency, async (id) => {
      const identity = await service.getIdentity(id);
      const ids = byRefId.get(identity.refId ?? '') ?? [];
      ids.push(id);
      byRefId.set(identity.refId ?? '', ids);
    });
    let duplicates = 0;
    for (const ids of byRefId.values()) duplicates += ids.length - 1;
    const returned = new Set<string>();
    let mismatched = 0;
    let missing = 0;
    commands.forEach((command, index) => {
      const result = results[index];
      if (!(result instanceof Object) || !('summaryStatus' in result)) {
        missing += 1;
        return;
      }
      const identity = result as Identity;
      returned.add(identity.id);
      if (identity.refId !== command.refId || identity.person?.cipId?.reveal() !== command.person?.cipId)
        mismatched += 1;
    });
    const orphans = issued.filter((id) => !returned.has(id)).length;
    // Every command's SSN is a canary: search the log and every rendering of every first-pass error for any of them.
    const haystack = [
      ...logger.lines,
      ...firstPassErrors.flatMap((e) => [
        inspect(e, { depth: Infinity, showHidden: true }),
        JSON.stringify(e),
        String(e),
      ]),
    ].join('\n');
    const ssns = new Set(commands.flatMap((c) => [c.person!.cipId, c.person!.cipId.replace(/-/g, '')]));
    const found = new Set<string>();
    for (const match of haystack.matchAll(/\d{3}-?\d{2}-?\d{4}/g))
      if (ssns.has(match[0])) found.add(match[0].replace(/-/g, ''));
    const dob = commands[0]?.person?.dateOfBirth;
    const canaryHits = found.size + (dob !== undefined && haystack.includes(dob) ? 1 : 0);
    return {
      seed: options.seed,
      calls: commands.length,
      requests: identityRequests.length,
      faultsByKind,
      faultedRequests: Object.values(faultsByKind).reduce((a, b) => a + b, 0),
      outcomes,
      recovered,
      recoveredByReplay,
      duplicates,
      lost: missing + orphans,
      mismatched,
      untyped,
      failures: firstPassErrors.map((e) => e.message),
      status429: emulator.requests.filter((r) => r.status === 429).length,
      logLines: logger.lines.length,
      canaryHits,
      identitiesInEmulator: issued.length,
    };
  } finally {
    await emulator.close();
  }
}
