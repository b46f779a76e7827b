/**
 * Installs the packed library into a fresh project, the way a user's `npm install` would, and uses it there:
 * (a) a strict TypeScript file against the public API and the testing entry, compiled with tsc;
 * (b) that file run with plain node (ESM); (c) `require()` from a CommonJS file;
 * (d) the exported ContainerModules in the consumer's own inversify container, with the gateway swapped by `rebind`;
 * (e) `npx paxos-identity --help`; (f) the one cursor loop over every page type (`src/paging.ts`, compiled in (a));
 * (g) with ioredis and bullmq added (after (c), which shows the entries load without them), every TypeScript block of
 * README.md, unchanged: type-checked, and run unless marked no-run (see scripts/readme-blocks.ts).
 * Only the package registry is reached, by `npm install`, as for any user.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReadmeBlocks } from './readme-blocks.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

function step(name: string, action: () => string): void {
  const t = Date.now();
  try {
    const out = action().trim();
    console.log(`  ✔ ${name} (${Date.now() - t} ms)${out === '' ? '' : `\n${out.replace(/^/gm, '      ')}`}`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    console.error(`  ✘ ${name}\n${[e.stdout, e.stderr, e.message].filter(Boolean).join('\n')}`);
    throw new Error(`consumer test failed at: ${name}`, { cause: error });
  }
}

const work = mkdtempSync(join(tmpdir(), 'paxos-identity-consumer-'));
try {
  console.log(`Consumer test in ${work}`);
  step('build', () => run(npm, ['run', 'build', '--silent'], root));
  step('pack', () => run(npm, ['pack', '--silent', '--pack-destination', work], root));
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack produced no tarball');
  const app = join(work, 'app');
  cpSync(fixtures, app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { 'paxos-identity': `file:../${tarball}`, inversify: '^8.2.3', 'reflect-metadata': '^0.2.2' },
        devDependencies: { '@types/node': '~20.19.43' },
      },
      null,
      2,
    ),
  );
  step('npm install the tarball', () =>
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], app),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  step('(a) strict TypeScript against the public API compiles', () =>
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], app),
  );
  step('(b) runs with plain node (ESM)', () => run(process.execPath, ['out/consumer.js'], app));
  step('(c) require() from CommonJS', () => run(process.execPath, ['require.cjs'], app));
  step('(d) the consumer’s own inversify container, gateway swapped with rebind', () =>
    run(process.execPath, ['out/container.js'], app),
  );
  step('(e) npx paxos-identity --help', () => run(npm, ['exec', '--offline', '--', 'paxos-identity', '--help'], app));
  step('(f) one cursor loop over every page type', () => run(process.execPath, ['out/paging.js'], app));
  // The README's Redis blocks import ioredis and bullmq: the versions this repository is tested with.
  const optionalPeers = ['ioredis', 'bullmq'].map((name) => {
    const manifest = readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8');
    return `${name}@${(JSON.parse(manifest) as { version: string }).version}`;
  });
  step(`npm install ${optionalPeers.join(' ')}`, () =>
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...optionalPeers], app),
  );
  const readmeStarted = Date.now();
  const readme = await checkReadmeBlocks({
    readmePath: join(root, 'README.md'),
    projectDir: app,
    tsc,
    packageJson: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string },
    log: (line) => {
      console.log(`    ${line}`);
    },
  });
  if (readme.problems.length > 0) {
    for (const problem of readme.problems) console.error(`  ✘ ${problem}`);
    throw new Error(`consumer test failed at: (g) README blocks (${readme.problems.length} problems)`);
  }
  console.log(
    `  ✔ (g) README blocks from the installed tarball: ${readme.typeChecked} type-checked, ${readme.ran} ran, ` +
      `${readme.notRun} not run by their no-run reason (${Date.now() - readmeStarted} ms)`,
  );
  console.log(`Consumer test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
