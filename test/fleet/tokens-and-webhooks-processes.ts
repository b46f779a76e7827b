/**
 * Child processes of the token and webhook fleet tests: each runs a script of this folder through tsx, on loopback,
 * and talks with the test in JSON lines (the test writes commands to its stdin, the child answers on stdout).
 */
import { ScriptProcess } from '../support/fleet.js';

/** How long the test waits for any one answer of a child before failing. */
const ANSWER_TIMEOUT_MS = 15_000;

/** One child process and its answers, in order. */
export class FleetProcess {
  readonly #script: ScriptProcess;
  readonly #answers: unknown[] = [];
  readonly #waiting: ((answer: unknown) => void)[] = [];
  #exited: string | undefined;
  readonly #failures = new Set<(reason: Error) => void>();

  constructor(script: string, env: Record<string, string>) {
    this.#script = new ScriptProcess(new URL(script, import.meta.url), env);
    this.#script.onLine((line) => {
      const answer: unknown = JSON.parse(line);
      const next = this.#waiting.shift();
      if (next === undefined) this.#answers.push(answer);
      else next(answer);
    });
    void this.#script.closed.then((how) => {
      this.#exited = how;
      for (const fail of this.#failures) fail(new Error(`a fleet process: ${how}`));
    });
  }

  /** Sends one command line. */
  send(command: unknown): void {
    this.#script.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** The next answer, or a failure when the child exits or stays silent for too long. */
  next<T>(): Promise<T> {
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(ready as T);
    if (this.#exited !== undefined) return Promise.reject(new Error(`a fleet process: ${this.#exited}`));
    return new Promise<T>((resolve, reject) => {
      const fail = (reason: Error) => {
        clearTimeout(timer);
        this.#failures.delete(fail);
        reject(reason);
      };
      const timer = setTimeout(() => {
        fail(
          new Error(
            `a fleet process did not answer within ${String(ANSWER_TIMEOUT_MS)} ms: ${this.#script.stderrTail}`,
          ),
        );
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
    this.#script.child.stdin.end();
    const timer = setTimeout(() => this.#script.child.kill('SIGKILL'), 1000);
    await this.#script.closed;
    clearTimeout(timer);
  }
}
