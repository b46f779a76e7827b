/**
 * What `paxos-identity --help` says after the commands: the environment variables the CLI reads and its exit codes,
 * which a user otherwise finds only in the README.
 */
import { BATCH_KEY_ENV } from './batch-command.js';

/** The variable that gives `import enqueue|work|status` their Redis URL when `--redis` is not given. */
export const REDIS_URL_ENV = 'PAXOS_IDENTITY_REDIS_URL';

/** Every environment variable the CLI reads, with what it is for. */
const VARIABLES: readonly (readonly [name: string, purpose: string])[] = [
  ['PAXOS_ENV', "which Paxos: 'sandbox' (default) or 'production'"],
  ['PAXOS_CLIENT_ID', 'client id of your Paxos API credentials'],
  ['PAXOS_CLIENT_SECRET', 'client secret of those credentials (never printed)'],
  ['PAXOS_BASE_URL', "API base URL instead of the environment's (an emulator's)"],
  ['PAXOS_TOKEN_URL', "OAuth2 token URL instead of the environment's"],
  [REDIS_URL_ENV, 'Redis URL of import enqueue|work|status without --redis'],
  [BATCH_KEY_ENV, "base64 of the 32-byte key of a batch's data on Redis"],
];

/** Exit codes, as a shell sees them. */
const EXIT_CODES: readonly (readonly [code: string, meaning: string])[] = [
  ['0', 'done'],
  ['1', 'the call failed, or a line of an import failed'],
  ['2', 'the command line or the configuration is wrong'],
  ['130', 'stopped by Ctrl-C (SIGINT; 143 for SIGTERM) once the calls in flight ended'],
];

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

/** The text printed after the commands by `paxos-identity --help`. */
export function programHelpFooter(): string {
  return [
    '',
    'Environment variables:',
    table(VARIABLES),
    '',
    'Exit codes:',
    table(EXIT_CODES),
    '',
    'CIP ids, tax payer ids and dates of birth are printed masked; --reveal prints them in clear.',
    'The credentials are not needed with --emulator.',
    '',
  ].join('\n');
}
