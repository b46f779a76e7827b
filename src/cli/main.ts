#!/usr/bin/env node
/**
 * The `paxos-identity` executable: wires the command line to the real process (streams, environment, files, signals).
 */
import { readFile } from 'node:fs/promises';
import { run, type CliIo } from './program.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

let received: StopSignal | undefined;
const waiting: (() => void)[] = [];

/**
 * Ends the process as killed by `signal`, after stdout and stderr are flushed. Whoever started it (a shell, npx's
 * `sh -c`, CI) then sees an interrupted run: 130 for SIGINT, 143 for SIGTERM. npx's shell dies of the terminal's
 * Ctrl-C whatever its child returns, so any other exit code would differ between `npx paxos-identity` and a direct run.
 */
function dieOf(signal: StopSignal): void {
  for (const name of STOP_SIGNALS) process.removeListener(name, onStopSignal);
  process.stdout.write('', () => {
    process.stderr.write('', () => {
      process.kill(process.pid, signal);
    });
  });
}

function onStopSignal(signal: StopSignal): void {
  // One Ctrl-C often arrives twice (the terminal signals the whole group, and npx forwards it again): a repeat must
  // not cut short the calls in flight that the first one lets finish.
  if (received !== undefined) return;
  received = signal;
  // Nothing to wind down (create, get): stop now, as an unhandled Ctrl-C would.
  if (waiting.length === 0) {
    dieOf(signal);
    return;
  }
  for (const resolve of waiting.splice(0)) resolve();
}

for (const name of STOP_SIGNALS) process.on(name, onStopSignal);

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readFile: (path) => readFile(path, 'utf8'),
  untilInterrupted: () =>
    received !== undefined
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiting.push(resolve);
        }),
  ...(process.stderr.isTTY && { progressTerminal: process.stderr }),
};

run(process.argv.slice(2), io).then(
  (code) => {
    // The command wound down (the emulator closed, the imports in flight recorded): now report the interruption.
    if (received !== undefined) dieOf(received);
    else process.exitCode = code;
  },
  (error: unknown) => {
    // Anything that reaches here is a defect of the CLI itself: name it without its message, which could hold data.
    process.stderr.write(`error: unexpected ${error instanceof Error ? error.name : typeof error}\n`);
    process.exitCode = 1;
  },
);
