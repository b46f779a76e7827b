import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { startPaxosEmulator, type PaxosEmulator } from '../adapters/emulator/index.js';

/** What the CLI reads from and writes to; the real process in `main.ts`, fakes in tests. */
export interface CliIo {
  /** Writes text to standard output (no newline added). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error (no newline added). */
  readonly stderr: (text: string) => void;
  /** The environment: `PAXOS_ENV`, `PAXOS_CLIENT_ID`, `PAXOS_CLIENT_SECRET`, `PAXOS_BASE_URL`, `PAXOS_TOKEN_URL`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 file. */
  readonly readFile: (path: string) => Promise<string>;
  /** Resolves when a foreground command (the emulator) should stop: Ctrl-C or SIGTERM in a terminal. */
  readonly untilInterrupted: () => Promise<void>;
}

/** Exit codes: 0 done, 1 the call failed, 2 the command line or configuration is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return port;
}

function line(write: (text: string) => void, text = ''): void {
  write(`${text}\n`);
}

async function runEmulator(io: CliIo, options: { port: number; host: string; rateLimit: boolean; approval: 'manual' | 'auto' }): Promise<number> {
  let emulator: PaxosEmulator;
  try {
    emulator = await startPaxosEmulator({
      port: options.port,
      host: options.host,
      rateLimit: options.rateLimit ? 'paxos' : false,
      approval: options.approval,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    line(io.stderr, `error: cannot start the emulator on ${options.host}:${options.port}${typeof code === 'string' ? ` (${code})` : ''}`);
    return EXIT.failed;
  }
  try {
    line(io.stdout, `Paxos emulator listening on ${emulator.baseUrl}`);
    line(io.stdout, 'Point the Paxos adapter or this CLI at it with:');
    line(io.stdout, `  PAXOS_ENV=sandbox`);
    line(io.stdout, `  PAXOS_BASE_URL=${emulator.baseUrl}`);
    line(io.stdout, `  PAXOS_TOKEN_URL=${emulator.tokenUrl}`);
    line(io.stdout, `  PAXOS_CLIENT_ID=${emulator.clientId}`);
    // A throwaway credential of this local process, printed so that the user can use it.
    line(io.stdout, `  PAXOS_CLIENT_SECRET=${emulator.clientSecret}`);
    line(io.stdout, 'Press Ctrl-C to stop.');
    await io.untilInterrupted();
  } finally {
    await emulator.close();
  }
  line(io.stdout, 'Paxos emulator stopped.');
  return EXIT.ok;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('paxos-identity')
    .description("Onboard identities to Paxos's v2 Identity API, or run a local emulator of it.")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run paxos-identity --help for usage)');

  program
    .command('emulator')
    .description("Run a local emulator of Paxos's identity API in the foreground and print its URLs and credentials.")
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 4010)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--rate-limit', "enforce Paxos's rate limits (10 rps identity, 1 rps token, per IP)", false)
    .option('--auto-approve', 'approve persons right after creation, as the sandbox does', false)
    .action(async (options: { port: number; host: string; rateLimit: boolean; autoApprove: boolean }) => {
      setExit(await runEmulator(io, { ...options, approval: options.autoApprove ? 'auto' : 'manual' }));
    });

  return program;
}

/**
 * Runs the `paxos-identity` command line with `argv` (the arguments after the program name) and resolves to the
 * exit code. Errors are one line on stderr: the error's class, HTTP status and detail, never personal data.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      line(io.stderr, `error: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
