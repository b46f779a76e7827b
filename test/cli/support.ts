import type { CliIo } from '../../src/cli/program.js';
import type { PaxosEmulator } from '../../src/testing.js';

/** The variables that point the CLI at `emulator`, as a user's would point it at the sandbox. */
export function sandboxEnv(emulator: PaxosEmulator): Record<string, string> {
  return {
    PAXOS_ENV: 'sandbox',
    PAXOS_BASE_URL: emulator.baseUrl,
    PAXOS_TOKEN_URL: emulator.tokenUrl,
    PAXOS_CLIENT_ID: emulator.clientId,
    PAXOS_CLIENT_SECRET: emulator.clientSecret,
  };
}

/** A CLI environment in memory: captured output, given files and variables, and a Ctrl-C the test presses. */
export class FakeIo implements CliIo {
  out = '';
  err = '';
  readonly files = new Map<string, string>();
  private interrupt!: () => void;
  private readonly interrupted = new Promise<void>((resolve) => {
    this.interrupt = resolve;
  });
  private outputWaiters: { text: string; resolve: () => void }[] = [];

  constructor(readonly env: Record<string, string | undefined> = {}) {}

  readonly stdout = (text: string): void => {
    this.out += text;
    this.outputWaiters = this.outputWaiters.filter((w) => {
      if (!this.out.includes(w.text)) return true;
      w.resolve();
      return false;
    });
  };

  readonly stderr = (text: string): void => {
    this.err += text;
  };

  readonly readFile = (path: string): Promise<string> => {
    const text = this.files.get(path);
    if (text === undefined)
      return Promise.reject(
        Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' }),
      );
    return Promise.resolve(text);
  };

  readonly untilInterrupted = (): Promise<void> => this.interrupted;

  /** Presses Ctrl-C. */
  pressCtrlC(): void {
    this.interrupt();
  }

  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void> {
    if (this.out.includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.outputWaiters.push({ text, resolve }));
  }

  /** The value of a `  NAME=value` line the emulator command printed. */
  printed(name: string): string {
    const match = new RegExp(`^\\s+${name}=(.*)$`, 'm').exec(this.out);
    if (match === null) throw new Error(`${name} was not printed`);
    return match[1]!;
  }
}
