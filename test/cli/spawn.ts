import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = import.meta.resolve('tsx');

/** How a CLI process ended, and everything it wrote. */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `paxos-identity` process (or the npx that runs it): its output so far and how it ends. */
export interface RunningCli {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  stdout: string;
  stderr: string;
  /** Resolves once stdout or stderr contains `text`. */
  waitFor(text: string): Promise<void>;
  /** Sends `signal` to the whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited and every stream of the group it started is closed. */
  readonly ended: Promise<Ended>;
}

/**
 * A scratch project whose `node_modules/.bin/paxos-identity` starts this checkout's CLI from source, as an installed
 * package's bin would start `dist/cli/main.js`: `exec` leaves node itself as the process npx runs, under npx's shell.
 */
export class CliProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'paxos-identity-cli-'));

  constructor() {
    writeFileSync(
      join(this.dir, 'package.json'),
      JSON.stringify({ name: 'cli-host', version: '1.0.0', private: true }),
    );
    const bin = join(this.dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    const shim = join(bin, 'paxos-identity');
    writeFileSync(shim, `#!/bin/sh\nexec node --import '${tsx}' '${join(root, 'src', 'cli', 'main.ts')}' "$@"\n`);
    chmodSync(shim, 0o755);
  }

  /** Writes a file in the project and answers its path. */
  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** `npx --no-install paxos-identity …args` in the project, in a process group of its own. */
  npx(args: readonly string[], env: Record<string, string> = {}): RunningCli {
    return this.start('npx', ['--no-install', 'paxos-identity', ...args], env);
  }

  /** The CLI without npx: node on the bin, as `./node_modules/.bin/paxos-identity …args` would run it. */
  direct(args: readonly string[], env: Record<string, string> = {}): RunningCli {
    return this.start(join(this.dir, 'node_modules', '.bin', 'paxos-identity'), args, env);
  }

  /** Removes the project. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private start(command: string, args: readonly string[], env: Record<string, string>): RunningCli {
    const child = spawn(command, [...args], {
      cwd: this.dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The CLI's sources need the project's compiler settings (decorators), wherever the scratch project is.
      env: { ...cleanEnvironment(), TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), ...env },
    });
    let waiters: { text: string; resolve: () => void }[] = [];
    const running: RunningCli = {
      child,
      stdout: '',
      stderr: '',
      waitFor: (text) =>
        running.stdout.includes(text) || running.stderr.includes(text)
          ? Promise.resolve()
          : new Promise((resolveWait) => waiters.push({ text, resolve: resolveWait })),
      signalGroup: (signal) => {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      },
      ended: new Promise((resolveEnd, reject) => {
        child.once('error', reject);
        // 'close' comes after every pipe closed: the CLI's node too has gone, even when npx went first.
        child.once('close', (code, signal) => {
          resolveEnd({ code, signal, stdout: running.stdout, stderr: running.stderr });
        });
      }),
    };
    const seen = () => {
      waiters = waiters.filter((w) => {
        if (!running.stdout.includes(w.text) && !running.stderr.includes(w.text)) return true;
        w.resolve();
        return false;
      });
    };
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      running.stdout += text;
      seen();
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      running.stderr += text;
      seen();
    });
    return running;
  }
}

/** This process's environment without the Paxos settings a developer may have exported, which would aim the CLI. */
function cleanEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('PAXOS_') && !name.startsWith('npm_')) env[name] = value;
  }
  return env;
}

/** The status a shell reports for a process killed by `signal`: 128 + its number. */
export function shellStatusOf(ended: Ended): number | null {
  return ended.signal === null ? ended.code : 128 + constants.signals[ended.signal];
}
