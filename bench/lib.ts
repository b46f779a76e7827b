/**
 * Shared pieces of the benchmark: timing with warm-up and rounds, unique test people, child processes.
 * Everything here measures the built package in `dist/`, as users run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Operations per second of a synchronous body, median of `rounds` rounds of at least `minMs` each, after warm-up. */
export function opsPerSecondSync(body: () => void, rounds = 7, minMs = 150): number {
  const timeFor = (n: number): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) body();
    return performance.now() - started;
  };
  let n = 64;
  // Warm-up, and a batch size that takes about minMs.
  for (let spent = timeFor(n); spent < minMs; spent = timeFor(n))
    n = Math.ceil(n * Math.min(10, Math.max(2, (minMs * 1.2) / Math.max(spent, 1))));
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) results.push((n * 1000) / timeFor(n));
  return median(results);
}

/** Runs `n` async operations with `concurrency` workers; resolves to operations per second. */
export async function throughput(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await op(i);
    }),
  );
  return (n * 1000) / (performance.now() - started);
}

let counter = 0;
const RUN = process.pid % 800;

/** An SSN unique within this benchmark run (area from the process id, group and serial from a counter). */
function uniqueSsn(): string {
  const i = counter++;
  const area = 1 + ((RUN + Math.floor(i / 989_901)) % 899);
  const group = 1 + (Math.floor(i / 9999) % 99);
  const serial = 1 + (i % 9999);
  const a = area === 666 ? 667 : area;
  return `${String(a).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
}

/** Paxos's create body for the seed's person (snake_case wire format), with a fresh SSN and ref_id. */
export function wireBody() {
  const ssn = uniqueSsn();
  return {
    ref_id: `bench-${ssn}-${RUN}`,
    person_details: {
      verifier_type: 'PASSTHROUGH',
      passthrough_verifier_type: 'JUMIO',
      passthrough_verified_at: '2021-06-16T09:28:14Z',
      first_name: 'John',
      last_name: 'Doe',
      date_of_birth: '1980-01-01',
      phone_number: '+1 555 678 1234',
      email: 'example@somemail.org',
      cip_id: ssn,
      cip_id_type: 'SSN',
      cip_id_country: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zip_code: '10001' },
    },
    metadata: { custom_property1: 'custom value 1' },
  };
}

/** The same person as a camelCase command. */
export function command() {
  const ssn = uniqueSsn();
  return {
    refId: `bench-${ssn}-${RUN}`,
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'JUMIO',
      passthroughVerifiedAt: '2021-06-16T09:28:14Z',
      firstName: 'John',
      lastName: 'Doe',
      dateOfBirth: '1980-01-01',
      phoneNumber: '+1 555 678 1234',
      email: 'example@somemail.org',
      cipId: ssn,
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
    },
    metadata: { custom_property1: 'custom value 1' },
  };
}

/** A child process running a bench entry point; its first stdout line is JSON it reports. */
export interface Child<T> {
  readonly info: T;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startChild<T>(
  script: string,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<Child<T>> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${code}`));
    });
    lines.once('line', (line) => {
      resolve(JSON.parse(line) as T);
    });
  });
  return {
    info,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a child to completion and parses its last stdout line as JSON. */
export async function runChild<T>(
  script: string,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<T> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
