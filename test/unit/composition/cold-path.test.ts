import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPaxosEmulator, type PaxosEmulator } from '../../../src/testing.js';
import { paxosOptionsFor } from '../../support/paxos.js';

interface ChildReport {
  readonly created: boolean;
  readonly afterSuccess: readonly string[];
  readonly invalidIssues: readonly string[];
  readonly afterInvalid: readonly string[];
}

const CHILD = fileURLToPath(new URL('./cold-path-child.ts', import.meta.url));
const packageOf = (file: string): string =>
  file
    .split('/')
    .slice(0, file.startsWith('@') ? 2 : 1)
    .join('/');

function runChild(emulator: PaxosEmulator): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, PAXOS_OPTIONS: JSON.stringify(paxosOptionsFor(emulator)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport);
    });
  });
}

// What a process loads decides its cold start: the root entry and a successful create load ky and nothing heavy;
// the decorator libraries load when an answer has to be explained.
describe('the root entry and a first create, in a fresh process', function () {
  this.timeout(120_000);
  let emulator: PaxosEmulator;
  let report: ChildReport;

  before(async () => {
    emulator = await startPaxosEmulator();
    report = await runChild(emulator);
  });
  after(async () => {
    await emulator.close();
  });

  it('creates without loading inversify, reflect-metadata, class-validator or class-transformer', () => {
    expect(report.created).to.equal(true);
    const packages = new Set(report.afterSuccess.map(packageOf));
    expect(packages).to.include('ky');
    for (const heavy of ['inversify', 'reflect-metadata', 'class-validator', 'class-transformer'])
      expect(packages, heavy).not.to.include(heavy);
    expect([...packages].filter((name) => name.startsWith('@inversifyjs/'))).to.deep.equal([]);
  });

  it("loads rate-limiter-flexible's in-memory limiter, not its index of every store", () => {
    expect(report.afterSuccess).to.include('rate-limiter-flexible/lib/RateLimiterMemory.js');
    expect(report.afterSuccess).not.to.include('rate-limiter-flexible/index.js');
    expect(report.afterSuccess.filter((file) => file.startsWith('rate-limiter-flexible/lib/RateLimiterRedis'))).to.be
      .empty;
  });

  it('loads class-validator and class-transformer for the first invalid answer, and names its issues', () => {
    expect(report.invalidIssues).to.include('id: isString');
    const packages = new Set(report.afterInvalid.map(packageOf));
    expect(packages).to.include('class-validator');
    expect(packages).to.include('class-transformer');
  });
});
