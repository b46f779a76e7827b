import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkInstallLines, checkReadmeBlocks, extractBlocks } from '../../../scripts/readme-blocks.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const pkg = { name: 'paxos-identity', version: '0.1.0', peerDependencies: { inversify: '^8', ioredis: '^6' } };
const fence = '```';

describe('README block checker (scripts/readme-blocks.ts)', () => {
  it('finds every fenced block with its opening line, its headings and its info string', () => {
    const blocks = extractBlocks(
      [
        '# Title',
        '## One',
        `${fence}ts`,
        'const a = 1;',
        fence,
        '### Deeper',
        `${fence}ts no-run=redis`,
        `${fence}sh`, // inside a block: text, not a fence
        fence,
        '## Two',
        `${fence}sh`,
        'npm test',
        fence,
      ].join('\n'),
    );
    expect(blocks.map((b) => [b.line, b.headings.join(' > '), b.language, b.flags.join(' '), b.code])).to.deep.equal([
      [3, '# Title > ## One', 'ts', '', 'const a = 1;'],
      [7, '# Title > ## One > ### Deeper', 'ts', 'no-run=redis', '```sh'],
      [11, '# Title > ## Two', 'sh', '', 'npm test'],
    ]);
  });

  it('refuses a block that is never closed', () => {
    expect(() => extractBlocks(`# T\n${fence}ts\nconst a = 1;\n`)).to.throw(
      'README.md:2: the code block is never closed',
    );
  });

  it('accepts install lines of the package (name, tarball path of this version, github:) and its peers only', () => {
    const blocks = extractBlocks(
      [
        '## Install',
        `${fence}sh`,
        'npm install && npm pack # builds',
        'npm install ../paxos-identity/paxos-identity-0.1.0.tgz inversify reflect-metadata',
        'npm i --save paxos-identity@0.1.0 ioredis@6 github:someone/paxos-identity',
        'npm install ./paxos-identity-0.0.9.tgz',
        fence,
      ].join('\n'),
    );
    expect(checkInstallLines(blocks, pkg)).to.deep.equal([
      "README.md:4 (## Install): npm install names 'reflect-metadata', neither paxos-identity (name, github: source or ./paxos-identity-0.1.0.tgz) nor one of its peer dependencies",
      "README.md:6 (## Install): npm install names './paxos-identity-0.0.9.tgz', neither paxos-identity (name, github: source or ./paxos-identity-0.1.0.tgz) nor one of its peer dependencies",
    ]);
  });

  describe('against a scratch project', () => {
    let project: string;
    before(() => {
      project = mkdtempSync(join(tmpdir(), 'readme-blocks-test-'));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(join(root, 'node_modules', '@types'), join(project, 'node_modules', '@types'));
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    });
    after(() => {
      rmSync(project, { recursive: true, force: true });
    });

    async function check(markdown: string) {
      const readmePath = join(project, 'README.md');
      writeFileSync(readmePath, markdown);
      const lines: string[] = [];
      const result = await checkReadmeBlocks({
        readmePath,
        projectDir: project,
        tsc: join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        packageJson: pkg,
        log: (line) => {
          lines.push(line);
        },
      });
      return { ...result, lines };
    }

    it('names the README line, column and heading of a type error, under exactOptionalPropertyTypes', async () => {
      const result = await check(
        [
          '# T',
          '## Types',
          `${fence}ts`,
          'const ok: { a?: string } = {};',
          'const bad: { a?: string } = { a: undefined };',
          'console.log(ok, bad);',
          fence,
        ].join('\n'),
      );
      expect(result.problems).to.have.length(1);
      expect(result.problems[0]).to.match(/^README\.md:5:7 \(# T > ## Types\): error TS2375: /);
      expect(result.ran).to.equal(0);
    });

    it('runs each block, names the one that fails, and reports why a no-run block was not run', async () => {
      const result = await check(
        [
          '## Runs',
          `${fence}ts`,
          "console.log('fine');",
          fence,
          '## Fails',
          `${fence}typescript`,
          "throw new Error('the block broke');",
          fence,
          '## Skipped',
          `${fence}ts no-run=server`,
          "throw new Error('never run');",
          fence,
        ].join('\n'),
      );
      expect(result).to.include({ typeChecked: 3, ran: 2, notRun: 1 });
      expect(result.problems).to.have.length(1);
      expect(result.problems[0]).to.match(
        /^README\.md:6 \(## Fails\): the block failed when run:\n[\s\S]*the block broke/,
      );
      expect(result.lines).to.include(
        '  - README.md:10 (## Skipped): type-checked, not run: runs a server until it is stopped',
      );
      expect(result.lines.some((line) => line.startsWith('  ✔ README.md:2 (## Runs) ran'))).to.equal(true);
    });

    it('refuses an info string word it does not know, so that a typo cannot skip a block', async () => {
      const result = await check(['## Typo', `${fence}ts norun`, 'const a = 1;', 'console.log(a);', fence].join('\n'));
      expect(result.problems).to.deep.equal([
        "README.md:2 (## Typo): unknown info string word 'norun' (use no-run=credentials|redis|server)",
      ]);
    });
  });
});
