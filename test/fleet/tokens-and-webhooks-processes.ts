/**
 * Child processes of the fleet tests: each runs a script of this folder through tsx, on loopback, and talks with the
 * test in JSON lines (the test writes commands to its stdin, the child answers on stdout).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** How long the test waits for any one answer of a child before failing. */
const ANSWER_TIMEOUT_MS = 15_000;

/** One child process and its answers, in order. */
export class FleetProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #answers: unknown[] = [];
  readonly #waiting: ((answer: unknown) => void)[] = [];
  #stderr = '';
  #exited: string | undefined;
  readonly #failures = new Set<(reason: Error) => void>();

  constructor(script: string, env: Record<string, string>) {
    const path = fileURLToPath(new URL(script, import.meta.url));
    this.#child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4000);
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const answer: unknown = JSON.parse(line);
      const next = this.#waiting.shift();
      if (next === undefined) this.#answers.push(answer);
      else next(answer);
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = `exited with ${String(code ?? signal)}: ${this.#stderr}`;
      for (const fail of this.#failures) fail(new Error(`a fleet process ${this.#exited}`));
    });
  }

  /** Sends one command line. */
  send(command: unknown): void {
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** The next answer, or a failure when the child exits or stays silent for too long. */
  next<T>(): Promise<T> {
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(ready as T);
    if (this.#exited !== undefined) return Promise.reject(new Error(`a fleet process ${this.#exited}`));
    return new Promise<T>((resolve, reject) => {
      const fail = (reason: Error) => {
        clearTimeout(timer);
        this.#failures.delete(fail);
        reject(reason);
      };
      const timer = setTimeout(() => {
        fail(new Error(`a fleet process did not answer within ${String(ANSWER_TIMEOUT_MS)} ms: ${this.#stderr}`));
      }, ANSWER_TIMEOUT_MS);
      this.#failures.add(fail);
      this.#waiting.push((answer) => {
        clearTimeout(timer);
        this.#failures.delete(fail);
        resolve(answer as T);
      });
    });
  }

  /** Ends the child: closes its stdin (it exits by itself) and kills it if it is still there after a second. */
  async stop(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) =>
      this.#child.once('exit', () => {
        resolve();
      }),
    );
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}
