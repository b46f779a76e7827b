/**
 * The larger reliability run: 10,000 creates against the emulator with about a quarter of the requests faulted,
 * then a burst against the emulator's (scaled) Paxos rate limit, printed as one table. Seeded: RELIABILITY_SEED.
 * The client runs with its default retries, backoff and attempt timeout and a five-second deadline; the run fails
 * (exit code 1) below 99.5 % of creates succeeding on the first call, or on any duplicate, loss or untyped error.
 *
 *   npm run reliability                      # 10,000 creates
 *   RELIABILITY_CREATES=2000 npm run reliability
 */
import { FAULT_KINDS, runFaultedCreates, runRateLimitedBurst } from '../test/reliability/fault-run.js';

const seed = Number(process.env['RELIABILITY_SEED'] ?? 20261125);
const creates = Number(process.env['RELIABILITY_CREATES'] ?? 10_000);
const started = performance.now();
const run = await runFaultedCreates({ seed, creates, faultRate: 0.25, concurrency: 24, timeoutMs: 5_000 });
const burst = await runRateLimitedBurst(1000);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const firstCallShare = ((100 * (run.outcomes['identity'] ?? 0)) / run.calls).toFixed(2);
const rows: [string, string | number][] = [
  ['seed', run.seed],
  ['calls (creates)', run.calls],
  ['identity requests sent', run.requests],
  [
    'faults injected',
    `${run.faultedRequests} (${((100 * run.faultedRequests) / run.requests).toFixed(1)}% of requests)`,
  ],
  ...FAULT_KINDS.map((kind): [string, number] => [`  ${kind}`, run.faultsByKind[kind]]),
  ['outcomes, first call', ''],
  ...Object.entries(run.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([key, n]): [string, number] => [`  ${key}`, n]),
  ['succeeded on the first call', `${run.outcomes['identity'] ?? 0} (${firstCallShare}%)`],
  ['failed calls resolved by calling again', run.recovered],
  ['  of which replays of a create that had taken effect', run.recoveredByReplay],
  ['untyped errors', run.untyped.length],
  ['identities in the emulator', run.identitiesInEmulator],
  ['duplicates', run.duplicates],
  ['lost', run.lost],
  ["identity not its command's", run.mismatched],
  ['log lines searched', run.logLines],
  ['canary hits (SSN, DOB in logs and errors)', run.canaryHits],
  ['429s, injected', run.status429],
  [`429s, ${burst.calls} calls against the rate-limited emulator`, `${burst.status429} (${burst.created} created)`],
  ['wall time', `${seconds} s`],
];
const width = Math.max(...rows.map(([label]) => label.length));
const line = `+${'-'.repeat(width + 2)}+${'-'.repeat(26)}+`;
const out = [line, ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${String(value).padStart(24)} |`), line];
process.stdout.write(`${out.join('\n')}\n`);
const failed =
  (run.outcomes['identity'] ?? 0) < 0.995 * run.calls ||
  run.duplicates > 0 ||
  run.lost > 0 ||
  run.mismatched > 0 ||
  run.untyped.length > 0 ||
  run.canaryHits > 0 ||
  burst.status429 > 0;
process.exitCode = failed ? 1 : 0;
