/**
 * Runs every example the way a reader would: each `examples/*.ts` with tsx, and the example mocha suites, against
 * the library's sources (examples/tsconfig.json maps `paxos-identity` to src). Fails when any example fails.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsconfig = join('examples', 'tsconfig.json');
const env = { ...process.env, TSX_TSCONFIG_PATH: tsconfig };
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const scripts = readdirSync(join(root, 'examples')).filter(
  (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
);
for (const name of scripts.sort()) {
  execFileSync(bin('tsx'), ['--tsconfig', tsconfig, join('examples', name)], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`  ✔ examples/${name}`);
}
execFileSync(bin('mocha'), ['--config', join('examples', '.mocharc.json'), '--reporter', 'dot'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
console.log(`Examples passed: ${scripts.length} scripts and the example test suites.`);
