import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findViolations } from '../../scripts/check-architecture.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('dependency rule (dependency-cruiser)', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paxos-arch-'));
    // Packages resolve as they do in the project, so that a rule on node_modules paths is exercised for real.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(path: string, text: string): void {
    const full = join(dir, 'src', path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  async function violations(): Promise<string[]> {
    return (await findViolations(dir)).violations.map((line) => line.replace(/ \(.*\)$/, ''));
  }

  it('holds for the project itself', async () => {
    const result = await findViolations(root);
    expect(result.violations).to.deep.equal([]);
    expect(result.modules).to.be.greaterThan(50);
  });

  it('fails when the domain imports a package, a node module or another layer', async () => {
    write(
      'domain/a.ts',
      "import ky from 'ky';\nimport { readFileSync } from 'node:fs';\nimport type { X } from '../ports/x.js';\nexport { ky, readFileSync };\nexport type Y = X;\n",
    );
    write('ports/x.ts', 'export type X = 1;\n');
    const found = await violations();
    expect(found).to.have.length(3);
    expect(found.every((line) => line.startsWith('domain-is-pure: src/domain/a.ts → '))).to.equal(true);
    expect(found).to.include('domain-is-pure: src/domain/a.ts → src/ports/x.ts');
  });

  it('fails when the application imports ky, node:fs or class-validator, or an adapter', async () => {
    write(
      'application/a.ts',
      "import ky from 'ky';\nimport { readFileSync } from 'node:fs';\nimport { IsString } from 'class-validator';\nimport { B } from '../adapters/paxos/b.js';\nexport { ky, readFileSync, IsString, B };\n",
    );
    write('adapters/paxos/b.ts', 'export const B = 1;\n');
    const found = await violations();
    expect(found).to.have.length(4);
    expect(found.every((line) => line.startsWith('application-uses-domain-and-ports: src/application/a.ts'))).to.equal(
      true,
    );
  });

  it('fails when a port imports ky or the application', async () => {
    write(
      'ports/p.ts',
      "import type { KyInstance } from 'ky';\nimport type { S } from '../application/s.js';\nexport type P = [KyInstance, S];\n",
    );
    write('application/s.ts', 'export type S = 1;\n');
    const found = await violations();
    expect(found).to.have.length(2);
    expect(found.every((line) => line.startsWith('ports-use-domain: src/ports/p.ts'))).to.equal(true);
  });

  it('fails when inversify is imported outside the composition root', async () => {
    write('application/a.ts', "import { injectable } from 'inversify';\nexport { injectable };\n");
    write('adapters/paxos/a.ts', "import { injectable } from 'inversify';\nexport { injectable };\n");
    write('composition/b.ts', "import { Container } from 'inversify';\nexport { Container };\n");
    const found = (await violations()).filter((line) => line.startsWith('inversify-in-the-composition-root'));
    expect(found.map((line) => line.split(' → ')[0])).to.deep.equal([
      'inversify-in-the-composition-root: src/adapters/paxos/a.ts',
      'inversify-in-the-composition-root: src/application/a.ts',
    ]);
  });

  it('fails when one adapter imports another adapter, with no folder excepted', async () => {
    write(
      'adapters/paxos/a.ts',
      "import { B } from '../in-memory/b.js';\nimport { C } from '../system/c.js';\nexport { B, C };\n",
    );
    write('adapters/in-memory/b.ts', "import { C } from '../system/c.js';\nexport const B = C;\n");
    write('adapters/system/c.ts', 'export const C = 1;\n');
    expect(await violations()).to.deep.equal([
      'adapters-stand-alone: src/adapters/in-memory/b.ts → src/adapters/system/c.ts',
      'adapters-stand-alone: src/adapters/paxos/a.ts → src/adapters/in-memory/b.ts',
      'adapters-stand-alone: src/adapters/paxos/a.ts → src/adapters/system/c.ts',
    ]);
  });

  it('fails when the CLI or the demo reach past the public entry points', async () => {
    write(
      'cli/main.ts',
      "import { E } from '../testing/emulator/e.js';\nimport { A } from '../adapters/paxos/a.js';\nimport { T } from '../testing.js';\nexport { E, A, T };\n",
    );
    write('testing/emulator/e.ts', 'export const E = 1;\n');
    write('adapters/paxos/a.ts', 'export const A = 1;\n');
    write('testing.ts', "export { E as T } from './testing/emulator/e.js';\n");
    const found = await violations();
    expect(found).to.include('cli-and-demo-use-public-entries: src/cli/main.ts → src/testing/emulator/e.ts');
    expect(found).to.include('cli-and-demo-use-public-entries: src/cli/main.ts → src/adapters/paxos/a.ts');
    expect(found).not.to.include('cli-and-demo-use-public-entries: src/cli/main.ts → src/testing.ts');
  });

  it('fails when the library imports the test tools', async () => {
    write('adapters/in-memory/a.ts', "import { E } from '../../testing/emulator/e.js';\nexport { E };\n");
    write('index.ts', "export { T } from './testing.js';\n");
    write('testing/emulator/e.ts', 'export const E = 1;\n');
    write('testing.ts', "export { E as T } from './testing/emulator/e.js';\n");
    const found = await violations();
    expect(found).to.include('testing-only-through-its-entry: src/adapters/in-memory/a.ts → src/testing/emulator/e.ts');
    expect(found).to.include('product-never-imports-testing: src/index.ts → src/testing.ts');
  });

  it('fails on an import cycle', async () => {
    write('domain/a.ts', "import { B } from './b.js';\nexport const A = B;\n");
    write('domain/b.ts', "import { A } from './a.js';\nexport const B = () => A;\n");
    const found = await violations();
    expect(found).to.include('no-cycles: src/domain/a.ts → src/domain/b.ts');
  });
});
