import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createViolationsToWire, identityToJson, readCreateIdentityRequest } from '../gateways.js';
import type { PaxosEmulator } from '../testing.js';
import {
  createIdentityService,
  IdentityServiceError,
  IdentityValidationError,
  type CoordinationOptions,
  type CreateIdentityCommand,
  type IdentityService,
  type PaxosEnvironment,
  type Violation,
  VERSION,
} from '../index.js';
import {
  BATCH_KEY_ENV,
  BatchUsageError,
  runBatchEnqueue,
  runBatchStatus,
  runBatchWork,
  type BatchLocation,
} from './batch-command.js';
import { programHelpFooter, REDIS_URL_ENV } from './help-text.js';
import { runImport } from './import-command.js';
import { Redactor } from './redact.js';

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
  /**
   * Resolves when a long command (the emulator, an import) should wind down: Ctrl-C or SIGTERM. A command that never
   * asks is stopped at once by the signal.
   */
  readonly untilInterrupted: () => Promise<void>;
  /** Appends text to a file, creating it when missing (`import --out`). Default: `fs.appendFile`. */
  readonly appendFile?: (path: string, text: string) => Promise<void>;
  /** Writes a whole file, created or replaced (`import status --out`). Default: `fs.writeFile`. */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
  /** The terminal for `import`'s progress bar; absent when stderr is not a TTY (then progress is plain lines). */
  readonly progressTerminal?: NodeJS.WritableStream;
}

/**
 * Exit codes: 0 done, 1 the call failed, 2 the command line or configuration is wrong. An interrupted run ends as
 * killed by its signal (`main.ts`), which a shell reports as 130 or 143.
 */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The IO of a run, its stderr redacted of the run's secrets and of the personal values a command sends. */
interface GuardedIo extends CliIo {
  /** Adds values to what stderr redacts. */
  hide(values: readonly string[]): void;
}

/** The password of a Redis URL, when it has one. */
function passwordOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `io` with every write to stderr redacted: errors quote Paxos's words, key names and the command line, any of
 * which may hold a personal value or a secret. Stdout is left alone: it carries what was asked for, `--reveal` too.
 */
function guard(io: CliIo): GuardedIo {
  let redactor = new Redactor([
    io.env['PAXOS_CLIENT_SECRET'],
    io.env[BATCH_KEY_ENV],
    passwordOf(io.env[REDIS_URL_ENV]),
  ]);
  const stderr = (text: string): void => {
    io.stderr(redactor.redact(text));
  };
  const hide = (values: readonly string[]): void => {
    redactor = redactor.with(values);
  };
  // A proxy rather than a copy: every member a command reads (some commands take more than CliIo names) stays
  // there, and a class's methods are still called on the object they belong to.
  return new Proxy(io as GuardedIo, {
    get(target, key) {
      if (key === 'stderr') return stderr;
      if (key === 'hide') return hide;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

class UsageError extends Error {}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return port;
}

function line(write: (text: string) => void, text = ''): void {
  write(`${text}\n`);
}

async function runEmulator(
  io: CliIo,
  options: { port: number; host: string; rateLimit: boolean; approval: 'manual' | 'auto'; console: boolean },
): Promise<number> {
  let emulator: PaxosEmulator;
  try {
    // The emulator (and its schemas) loads only for the commands that start one: `get` against Paxos starts faster.
    const { startPaxosEmulator } = await import('../testing.js');
    emulator = await startPaxosEmulator({
      port: options.port,
      host: options.host,
      rateLimit: options.rateLimit ? 'paxos' : false,
      approval: options.approval,
      console: options.console,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    line(
      io.stderr,
      `error: cannot start the emulator on ${options.host}:${options.port}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
    return EXIT.failed;
  }
  try {
    line(io.stdout, `Paxos emulator listening on ${emulator.baseUrl}`);
    if (emulator.consoleUrl !== undefined) line(io.stdout, `Console: ${emulator.consoleUrl}`);
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

/** A service bound to Paxos, the URLs of the environment, or an embedded emulator, and how to let go of it. */
interface Connection {
  readonly service: IdentityService;
  close(): Promise<void>;
}

const ENVIRONMENTS: readonly PaxosEnvironment[] = ['sandbox', 'production'];

/** Adapter settings a command chooses: `import --rate` sets the adapter's own request rate to match. */
interface ConnectionTuning {
  readonly requestsPerSecond?: number;
  /** The fleet's shared pieces (`import work`). */
  readonly coordination?: CoordinationOptions;
}

async function connect(io: CliIo, embedded: boolean, tuning: ConnectionTuning = {}): Promise<Connection> {
  if (embedded) {
    const { startPaxosEmulator } = await import('../testing.js');
    const emulator = await startPaxosEmulator();
    line(io.stderr, `using an embedded Paxos emulator at ${emulator.baseUrl}`);
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: {
        environment: 'sandbox',
        baseUrl: emulator.baseUrl,
        tokenUrl: emulator.tokenUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        ...(tuning.requestsPerSecond !== undefined && { rateLimit: { requestsPerSecond: tuning.requestsPerSecond } }),
      },
    });
    return { service, close: () => emulator.close() };
  }
  const env = io.env;
  const environment = env['PAXOS_ENV'] === undefined || env['PAXOS_ENV'] === '' ? 'sandbox' : env['PAXOS_ENV'];
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new UsageError("PAXOS_ENV must be 'sandbox' or 'production'");
  }
  const clientId = env['PAXOS_CLIENT_ID'];
  const clientSecret = env['PAXOS_CLIENT_SECRET'];
  if (clientId === undefined || clientId === '' || clientSecret === undefined || clientSecret === '') {
    throw new UsageError('PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET must be set (or pass --emulator)');
  }
  const optional = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const baseUrl = optional('PAXOS_BASE_URL');
  const tokenUrl = optional('PAXOS_TOKEN_URL');
  const service = createIdentityService({
    adapter: 'paxos',
    paxos: {
      environment: environment as PaxosEnvironment,
      clientId,
      clientSecret,
      ...(baseUrl !== undefined && { baseUrl }),
      ...(tokenUrl !== undefined && { tokenUrl }),
      ...(tuning.requestsPerSecond !== undefined && { rateLimit: { requestsPerSecond: tuning.requestsPerSecond } }),
    },
    ...(tuning.coordination !== undefined && { coordination: tuning.coordination }),
  });
  return { service, close: async () => {} };
}

function printViolations(io: CliIo, violations: readonly Violation[], where: string): void {
  const n = violations.length;
  line(io.stderr, `error: IdentityValidationError: ${n} violation${n === 1 ? '' : 's'} in ${where}; nothing was sent`);
  for (const v of violations) line(io.stderr, `  ${v.message} [${v.code}]`);
}

/**
 * One line for a failed call: the error's class, its HTTP status and its message. The library's errors never hold
 * personal data or secrets; anything else is named by its class and code only, because its message could.
 */
function describeError(error: unknown): string {
  if (error instanceof IdentityServiceError) {
    // Adapters attach the HTTP status; the domain's own errors have none.
    const status = (error as { readonly status?: unknown }).status;
    return `error: ${error.name}${typeof status === 'number' ? ` (${status})` : ''}: ${error.message}`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  return `error: ${name}${typeof code === 'string' ? ` (${code})` : ''}`;
}

async function withService(
  io: CliIo,
  embedded: boolean,
  where: string,
  work: (service: IdentityService) => Promise<void>,
  tuning: ConnectionTuning = {},
): Promise<number> {
  let connection: Connection | undefined;
  try {
    connection = await connect(io, embedded, tuning);
    await work(connection.service);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof IdentityValidationError) {
      printViolations(io, createViolationsToWire(error.violations), where);
      return EXIT.failed;
    }
    line(io.stderr, describeError(error));
    return error instanceof IdentityServiceError && error.code === 'paxos_configuration' ? EXIT.usage : EXIT.failed;
  } finally {
    await connection?.close();
  }
}

/** The personal values a create command sends, which an error's text must not repeat in any spelling. */
function personalValuesOf(command: CreateIdentityCommand): string[] {
  return [
    command.person?.cipId,
    command.person?.dateOfBirth,
    command.institution?.cipId,
    ...(command.taxDetails ?? []).map((t) => t.taxPayerId),
  ].filter((value): value is string => typeof value === 'string');
}

async function runCreate(
  io: GuardedIo,
  options: { file: string; emulator: boolean; reveal: boolean },
): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(options.file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    line(io.stderr, `error: cannot read ${options.file}${typeof code === 'string' ? ` (${code})` : ''}`);
    return EXIT.failed;
  }
  let body: unknown;
  try {
    // Editors on Windows start a UTF-8 file with a byte order mark, which JSON.parse refuses.
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // JSON.parse's message quotes the text around the error, which may be an SSN: say only where it is.
    line(io.stderr, `error: ${options.file} is not valid JSON`);
    return EXIT.failed;
  }
  // Every problem at once, by its wire name, before anything is sent.
  const checked = readCreateIdentityRequest(body);
  if (!checked.ok) {
    printViolations(io, checked.violations, options.file);
    return EXIT.failed;
  }
  // Paxos's answer may quote what it refuses, spelled its own way.
  io.hide(personalValuesOf(checked.command));
  return withService(io, options.emulator, options.file, async (service) => {
    const identity = await service.createIdentity(checked.command);
    line(io.stdout, JSON.stringify(identityToJson(identity, { reveal: options.reveal }), null, 2));
  });
}

async function runGet(
  io: CliIo,
  id: string,
  options: { details: boolean; emulator: boolean; reveal: boolean },
): Promise<number> {
  return withService(io, options.emulator, 'the arguments', async (service) => {
    const identity = await service.getIdentity(id, { includeDetails: options.details });
    line(io.stdout, JSON.stringify(identityToJson(identity, { reveal: options.reveal }), null, 2));
  });
}

function parsePositive(integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isSafeInteger(n))) {
      throw new InvalidArgumentError(integer ? 'must be a positive integer' : 'must be a positive number');
    }
    return n;
  };
}

/** The options of `import` as commander hands them over. */
interface ImportOptions {
  file: string;
  out?: string;
  rate: number;
  concurrency: number;
  emulator: boolean;
  progressInterval?: number;
}

async function runImportCommand(io: CliIo, options: ImportOptions): Promise<number> {
  try {
    await io.readFile(options.file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    line(io.stderr, `error: cannot read ${options.file}${typeof code === 'string' ? ` (${code})` : ''}`);
    return EXIT.failed;
  }
  let outcome = { failed: 0, interrupted: false };
  const code = await withService(
    io,
    options.emulator,
    options.file,
    async (service) => {
      outcome = await runImport(io, service, {
        file: options.file,
        rate: options.rate,
        concurrency: options.concurrency,
        ...(options.out !== undefined && { out: options.out }),
        ...(options.progressInterval !== undefined && { progressIntervalMs: options.progressInterval }),
      });
    },
    { requestsPerSecond: options.rate },
  );
  if (code !== EXIT.ok) return code;
  return outcome.failed > 0 || outcome.interrupted ? EXIT.failed : EXIT.ok;
}

/** The options of `import work` as commander hands them over. */
interface BatchWorkOptions extends BatchLocation {
  concurrency: number;
  rate: number;
  fleetSize: number;
  exitWhenEmpty: boolean;
  progressInterval?: number;
}

const DEFAULT_NAMESPACE = 'paxos-identity';

/** Where the batch is, `--redis` falling back to the environment. */
function located(io: CliIo, options: Omit<BatchLocation, 'redis'> & { redis?: string }): BatchLocation {
  const redis = options.redis ?? io.env[REDIS_URL_ENV];
  if (redis === undefined || redis === '') throw new UsageError(`--redis or ${REDIS_URL_ENV} must give the Redis URL`);
  return { redis, namespace: options.namespace, batch: options.batch };
}

/** Runs a batch command: a wrong command line or environment exits 2, a failure 1, each as one line on stderr. */
async function runBatch(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof BatchUsageError || error instanceof UsageError) {
      line(io.stderr, `error: ${error.message}`);
      return EXIT.usage;
    }
    line(io.stderr, describeError(error));
    return error instanceof IdentityServiceError && error.code === 'paxos_configuration' ? EXIT.usage : EXIT.failed;
  }
}

const REVEAL_HELP = 'print CIP ids, tax payer ids and dates of birth in clear (masked by default)';

function buildProgram(io: GuardedIo, setExit: (code: number) => void): Command {
  const program = new Command('paxos-identity')
    .description("Onboard identities to Paxos's v2 Identity API, or run a local emulator of it.")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .version(VERSION, '-V, --version', 'print the version of paxos-identity')
    .addHelpText('after', programHelpFooter())
    .showHelpAfterError('(run paxos-identity --help for usage)');

  program
    .command('emulator')
    .description("Run a local emulator of Paxos's identity API in the foreground and print its URLs and credentials.")
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 4010)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--rate-limit', "enforce Paxos's rate limits (10 rps identity, 1 rps token, per IP)", false)
    .option('--manual-approval', 'hold every identity PENDING until a sandbox-status call', false)
    .option('--no-console', 'do not serve the console (the web page at /)')
    // The sandbox's behaviour is the default now; the old flag still parses so that scripts using it keep working.
    .addOption(new Option('--auto-approve', 'approve valid passthrough persons, as the sandbox does').hideHelp())
    .action(
      async (options: {
        port: number;
        host: string;
        rateLimit: boolean;
        manualApproval: boolean;
        console: boolean;
      }) => {
        setExit(await runEmulator(io, { ...options, approval: options.manualApproval ? 'manual' : 'auto' }));
      },
    );

  program
    .command('create')
    .description(
      "Create an identity from a Paxos wire-format body (the JSON of Paxos's create example) and print Paxos's response, personal data masked.",
    )
    .requiredOption('--file <path>', 'the JSON body of POST /v2/identity/identities')
    .option('--emulator', 'send it to an embedded emulator instead of Paxos', false)
    .option('--reveal', REVEAL_HELP, false)
    .action(async (options: { file: string; emulator: boolean; reveal: boolean }) => {
      setExit(await runCreate(io, options));
    });

  program
    .command('get')
    .description('Print an identity as Paxos returns it, personal data masked.')
    .argument('<id>', 'the identity id')
    .option('--no-details', 'leave person_details / institution_details out')
    .option('--emulator', 'ask an embedded (empty) emulator instead of Paxos', false)
    .option('--reveal', REVEAL_HELP, false)
    .action(async (id: string, options: { details: boolean; emulator: boolean; reveal: boolean }) => {
      setExit(await runGet(io, id, options));
    });

  const importCommand = program
    .command('import')
    .description(
      'Create identities in bulk from an NDJSON file (one Paxos create body per line) at a steady rate; rerunning skips what was created.',
    )
    // Not a requiredOption: commander checks those of every parent of a sub-command, and `import work` has no file.
    .option('--file <path>', 'NDJSON: one JSON body of POST /v2/identity/identities per line (required)')
    .option(
      '--out <path>',
      'append one result line per input (line, ref_id, identity id or error); read back to resume',
    )
    .option('--rate <n>', 'creates started per second (Paxos allows 10 per IP)', parsePositive(false), 10)
    .option('--concurrency <n>', 'creates in flight at most', parsePositive(true), 4)
    .option('--emulator', 'send them to an embedded emulator instead of Paxos', false)
    .addOption(
      new Option('--progress-interval <ms>', 'milliseconds between plain progress lines')
        .argParser(parsePositive(true))
        .hideHelp(),
    )
    .action(async (options: Partial<ImportOptions>) => {
      if (options.file === undefined) importCommand.error("error: required option '--file <path>' not specified");
      setExit(await runImportCommand(io, options as ImportOptions));
    });
  // `import`'s own options are read only before a sub-command's name, so that `--out` and `--concurrency` reach the
  // sub-command; commander needs the program positional too for that.
  program.enablePositionalOptions();
  importCommand.enablePositionalOptions();

  const withLocation = (command: Command): Command =>
    command
      // From the environment too: a URL with a password on the command line shows in `ps`.
      .option('--redis <url>', `the Redis that holds the batch (redis:// or rediss://; default $${REDIS_URL_ENV})`)
      .requiredOption('--batch <name>', 'the batch: letters, digits, ".", "_" and "-"')
      .option(
        '--namespace <ns>',
        "prefix of the batch's keys, the same as the fleet's rate limiter",
        DEFAULT_NAMESPACE,
      );

  withLocation(
    importCommand
      .command('enqueue')
      .description(
        `Add one job per line of an NDJSON file to a batch on Redis; lines already there (same ref_id) are not added again. Every line needs a ref_id. The key is read from ${BATCH_KEY_ENV}.`,
      )
      .argument('<file>', 'NDJSON: one JSON body of POST /v2/identity/identities per line, each with its ref_id'),
  ).action(async (file: string, options: BatchLocation) => {
    setExit(
      await runBatch(io, async () =>
        (await runBatchEnqueue(io, file, located(io, options))) > 0 ? EXIT.failed : EXIT.ok,
      ),
    );
  });

  withLocation(
    importCommand
      .command('work')
      .description(
        `Work a batch on Redis in this process, sharing the rate limits, the cool-down and the token with every worker of the namespace. Credentials as for import; the key from ${BATCH_KEY_ENV}.`,
      ),
  )
    .option('--concurrency <n>', 'lines in flight at most in this process', parsePositive(true), 4)
    .option('--rate <n>', 'creates per second for the whole fleet (Paxos allows 10 per IP)', parsePositive(false), 9.5)
    .option(
      '--fleet-size <n>',
      'workers sharing the namespace, for the pace each keeps while Redis is away',
      parsePositive(true),
      3,
    )
    .option('--exit-when-empty', 'exit once the batch has no waiting or active line', false)
    .addOption(
      new Option('--progress-interval <ms>', 'milliseconds between progress lines')
        .argParser(parsePositive(true))
        .hideHelp(),
    )
    .action(async (options: BatchWorkOptions) => {
      setExit(
        await runBatch(io, async () => {
          const failed = await runBatchWork(
            io,
            located(io, options),
            {
              concurrency: options.concurrency,
              exitWhenEmpty: options.exitWhenEmpty,
              fleetSize: options.fleetSize,
              rate: options.rate,
              ...(options.progressInterval !== undefined && { progressIntervalMs: options.progressInterval }),
            },
            (coordination) => connect(io, false, { requestsPerSecond: options.rate, coordination }),
          );
          return failed > 0 ? EXIT.failed : EXIT.ok;
        }),
      );
    });

  withLocation(
    importCommand
      .command('status')
      .description('Print where a batch on Redis stands; with --out, write its results. Needs no key.'),
  )
    .option('--out <path>', 'write one result line per line of the batch (line, ref_id, identity id or error)')
    .action(async (options: BatchLocation & { out?: string }) => {
      setExit(
        await runBatch(io, async () => {
          await runBatchStatus(io, located(io, options), options.out);
          return EXIT.ok;
        }),
      );
    });

  return program;
}

/**
 * Runs the `paxos-identity` command line with `argv` (the arguments after the program name) and resolves to the
 * exit code. Errors are one line on stderr: the error's class, HTTP status and detail, never personal data.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const guarded = guard(io);
  const program = buildProgram(guarded, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      line(guarded.stderr, `error: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
