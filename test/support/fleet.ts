/**
 * The fleet suites: processes of their own, each a script run through tsx on loopback, sharing Redis and one emulator.
 * The test side starts them and reads their stdout line by line; the child side builds its Redis client and its
 * service the same way in every script, so that the processes of a fleet differ only in what the suite is about.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { PaxosGatewayOptions } from '../../src/index.js';
import type { RateLimitOptions } from '../../src/testing.js';
import type { EmulatorPaxosOptions } from './paxos.js';

/**
 * Paxos allows 10 requests/s on identity routes averaged over five minutes. To run in seconds, the fleet suites'
 * emulator enforces 40/s averaged over 10 s (a budget of 400 in any 10 s), and a 429 throttles for a minute; a fleet
 * sharing less than 40/s through Redis, calls spaced evenly, never gets a 429.
 */
export const SCALED_EMULATOR_LIMITS = {
  identityPerSecond: 40,
  tokenPerSecond: 20,
  windowMs: 10_000,
  throttleMs: 60_000,
} as const satisfies RateLimitOptions;

/** How much of a child's stderr a failure message quotes. */
const STDERR_TAIL = 4000;

/**
 * A script run as `node --import tsx <script>` with `env` added to this process's: its stdout read as lines, its stderr
 * kept (the tail) for the failure messages.
 */
export class ScriptProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /**
   * Resolves once the child has exited and its output is read to the end, with how it ended and the tail of its
   * stderr: `tokens-child.ts exited with 3: …`.
   */
  readonly closed: Promise<string>;
  readonly #listeners = new Set<(line: string) => void>();
  /** Every line printed so far, so that a line awaited late is still found. */
  readonly #lines: string[] = [];
  #stderr = '';

  constructor(script: URL, env: Record<string, string>) {
    const path = fileURLToPath(script);
    this.child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.#lines.push(line);
      for (const listener of this.#listeners) listener(line);
    });
    this.closed = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        resolve(`${basename(path)} exited with ${String(code ?? signal)}: ${this.stderrTail}`);
      });
    });
  }

  /** The last of what the child wrote to stderr, for a failure message. */
  get stderrTail(): string {
    return this.#stderr;
  }

  /** Calls `listener` with every further line the child prints. */
  onLine(listener: (line: string) => void): void {
    this.#listeners.add(listener);
  }

  /**
   * Resolves when the child prints (or has printed) `text` as a whole line; rejects, with the stderr tail, if it exits
   * first.
   */
  untilLine(text: string): Promise<void> {
    return this.#first((line) => (line === text ? { value: undefined } : undefined), `a line "${text}"`);
  }

  /**
   * Resolves with the JSON that follows `prefix` on the first line, printed or to come, starting with it (`empty {…}`);
   * rejects, with the stderr tail, if the child exits first.
   */
  untilJson<T>(prefix: string): Promise<T> {
    return this.#first(
      (line) => (line.startsWith(prefix) ? { value: JSON.parse(line.slice(prefix.length)) as T } : undefined),
      `a line "${prefix}…"`,
    );
  }

  /** Kills the child outright if it still runs, and resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.closed;
  }

  #first<T>(pick: (line: string) => { value: T } | undefined, what: string): Promise<T> {
    for (const line of this.#lines) {
      const picked = pick(line);
      if (picked !== undefined) return Promise.resolve(picked.value);
    }
    const found = new Promise<T>((resolve, reject) => {
      const listener = (line: string) => {
        const picked = pick(line);
        if (picked === undefined) return;
        this.#listeners.delete(listener);
        resolve(picked.value);
      };
      this.#listeners.add(listener);
      void this.closed.then((how) => {
        this.#listeners.delete(listener);
        reject(new Error(`${how}\n(before ${what})`));
      });
    });
    // A child the test kills on purpose never prints what is awaited here: that rejection is nobody's failure.
    found.catch(() => undefined);
    return found;
  }
}

/** What every member of a fleet is handed by its test (as JSON in an environment variable). */
export interface FleetMemberConfig {
  readonly paxos: EmulatorPaxosOptions;
  readonly redisUrl: string;
  readonly namespace: string;
  /** The identity rate the whole fleet shares through Redis. */
  readonly identityPerSecond: number;
  readonly tokenPerSecond: number;
  readonly concurrency: number;
}

/**
 * A fleet member's Redis client, built as the README recommends (no offline queue, one retry), with its connection
 * errors silenced: the library reports Redis being away itself, and ioredis would print every failed reconnection.
 */
export function fleetRedis(url: string): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * A fleet member's `paxos` options: the emulator it was handed, retries that wait a few milliseconds only, and the
 * fleet's shared rates as its client-side limits. The cool-down after a 429 lasts five minutes, longer than any run,
 * so that a process that was told to cool down is seen to stop.
 */
export function fleetPaxosOptions(config: FleetMemberConfig): PaxosGatewayOptions {
  return {
    ...config.paxos,
    timeoutMs: 20_000,
    retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
    rateLimit: {
      requestsPerSecond: config.identityPerSecond,
      tokenRequestsPerSecond: config.tokenPerSecond,
      maxQueue: 1000,
      coolDownMs: 300_000,
    },
  };
}
