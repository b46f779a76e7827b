/**
 * Runs every example the way a reader would: each `examples/*.ts` by the command its header documents (`Run: …`),
 * from the repository's root, against the library's sources (examples/tsconfig.json maps `paxos-identity` to src).
 * Fails when an example has no such line, or when its command fails: a documented command that does not work is a
 * broken example.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// What the reader's shell would have: none of the settings this script's own runner (npm, tsx) may have exported.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'TSX_TSCONFIG_PATH' && !name.startsWith('npm_')),
);

const examples = readdirSync(join(root, 'examples'))
  .filter((name) => name.endsWith('.ts'))
  .sort();
const missing: string[] = [];
for (const name of examples) {
  const command = /^ \* Run: (.+)$/m.exec(readFileSync(join(root, 'examples', name), 'utf8'))?.[1];
  if (command === undefined) {
    missing.push(name);
    continue;
  }
  execFileSync('sh', ['-c', command], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`  ✔ examples/${name}: ${command}`);
}
if (missing.length > 0) {
  console.error(`Examples without a "Run:" line in their header: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`Examples passed: ${examples.length}, each by its documented command.`);
