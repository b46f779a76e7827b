#!/usr/bin/env node
/**
 * The `paxos-identity` executable: wires the command line to the real process (streams, environment, files, signals).
 */
import { readFile } from 'node:fs/promises';
import { run, type CliIo } from './program.js';

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readFile: (path) => readFile(path, 'utf8'),
  untilInterrupted: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => {
        resolve();
      });
      process.once('SIGTERM', () => {
        resolve();
      });
    }),
  ...(process.stderr.isTTY && { progressTerminal: process.stderr }),
};

run(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Anything that reaches here is a defect of the CLI itself: name it without its message, which could hold data.
    process.stderr.write(`error: unexpected ${error instanceof Error ? error.name : typeof error}\n`);
    process.exitCode = 1;
  },
);
