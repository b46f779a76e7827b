import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/program.js';
import { FakeIo } from './support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('CLI: --version and --help', () => {
  it("--version prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const io = new FakeIo();
      expect(await run([flag], io)).to.equal(0);
      expect(io.out).to.equal(`${version}\n`);
    }
  });

  it('--help names every environment variable the CLI reads, with what it is for, and the exit codes', async () => {
    const io = new FakeIo();
    expect(await run(['--help'], io)).to.equal(0);
    // Whatever the sources of the CLI read, so that a new variable cannot be left out of the help.
    const read = new Set<string>();
    for (const name of readdirSync(join(root, 'src', 'cli'))) {
      for (const [variable] of readFileSync(join(root, 'src', 'cli', name), 'utf8').matchAll(/\bPAXOS_[A-Z_]+\b/g)) {
        read.add(variable);
      }
    }
    expect([...read]).to.include.members(['PAXOS_ENV', 'PAXOS_CLIENT_ID', 'PAXOS_CLIENT_SECRET', 'PAXOS_BASE_URL']);
    for (const variable of read) expect(io.out).to.match(new RegExp(`^  ${variable} +\\S.{10,}$`, 'm'));
    for (const code of ['0', '1', '2', '130']) expect(io.out).to.match(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(io.out).to.include('--reveal prints them in clear');
  });
});
