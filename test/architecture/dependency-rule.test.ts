import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findViolations } from '../../scripts/check-architecture.js';

const realSrc = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

describe('dependency rule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paxos-arch-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(path: string, text: string): void {
    const full = join(dir, 'src', path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  it('holds for the project itself', () => {
    expect(findViolations(realSrc)).to.deep.equal([]);
  });

  it('fails when the domain imports a framework or node module', () => {
    write('domain/a.ts', "import ky from 'ky';\nimport { readFileSync } from 'node:fs';\n");
    expect(findViolations(join(dir, 'src'))).to.have.length(2);
  });

  it('fails when the domain imports another layer', () => {
    write('domain/a.ts', "import type { X } from '../ports/x.js';\n");
    write('ports/x.ts', 'export type X = 1;\n');
    expect(findViolations(join(dir, 'src'))).to.deep.equal([
      "src/domain/a.ts: domain must not import ports ('../ports/x.js')",
    ]);
  });

  it('fails when inversify is imported outside the composition root', () => {
    write('application/a.ts', "import { injectable } from 'inversify';\n");
    write('composition/b.ts', "import { Container } from 'inversify';\n");
    expect(findViolations(join(dir, 'src'))).to.deep.equal([
      'src/application/a.ts: imports inversify outside src/composition',
    ]);
  });

  it('fails when one adapter imports another adapter', () => {
    write('adapters/paxos/a.ts', "import { B } from '../in-memory/b.js';\n");
    write('adapters/in-memory/b.ts', 'export const B = 1;\n');
    write('adapters/emulator/c.ts', "import { S } from '../simulation/s.js';\n");
    write('adapters/simulation/s.ts', 'export const S = 1;\n');
    expect(findViolations(join(dir, 'src'))).to.deep.equal([
      "src/adapters/paxos/a.ts: adapters/paxos must not import adapters/in-memory ('../in-memory/b.js')",
    ]);
  });
});
