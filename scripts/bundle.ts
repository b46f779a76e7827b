/**
 * `npm run build`: tsc compiles `src/` into `.tmp/build/` (one JavaScript file and one declaration file per source
 * file), then esbuild bundles that JavaScript into `dist/`, and the declarations are copied beside it unchanged.
 *
 * Loading one module per source file made the root import about 130 of the package's own files: a cold start paid
 * for each one's resolution, read and compilation. Bundled, each public entry is one file plus the chunks it shares
 * with the others. All the entries go through one esbuild call with code splitting, so that every class exists once
 * whichever entries a program imports (an error thrown by the service is `instanceof` the class the gateways entry
 * exports). What the code loads lazily stays lazy: `import()` of a dependency stays an `import()` (every package is
 * external), the CLI's `import('../testing.js')` becomes an import of the testing entry, and the libraries loaded
 * through `createRequire` are resolved from the chunk's location, which finds the same `node_modules`.
 *
 * The declarations, the `exports` map and the API documentation are unchanged: every `.d.ts` under `dist/` is tsc's,
 * and each entry's JavaScript sits next to its declaration file.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** tsc's output (`outDir` of tsconfig.build.json): git, eslint and prettier already ignore `.tmp/`. */
const stage = join(root, '.tmp', 'build');
const dist = join(root, 'dist');

/** Every public entry, as a path under `dist/` without `.js`: the `exports` map's and the bin's. */
const ENTRIES = ['index', 'container', 'gateways', 'redis', 'testing', 'cli/main'] as const;

// A clean start: a file left over from an earlier build (a removed source, the unbundled layout) would be packed.
rmSync(stage, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

// esbuild reads `sideEffects` from a module's nearest package.json: the root one describes dist/, not tsc's files, and
// would let esbuild drop a module imported only for its decorators. tsc's tree gets a manifest of its own.
writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);

const result = await build({
  absWorkingDir: root,
  entryPoints: ENTRIES.map((entry) => join(stage, `${entry}.js`)),
  outbase: stage,
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies and peers are the user's to install and to deduplicate: none is copied into the package.
  packages: 'external',
  // Error classes and others are told apart by `.name`, which esbuild's renaming of colliding identifiers would change.
  keepNames: true,
  minify: false,
  metafile: true,
  logLevel: 'warning',
});

// A module that several entries import gets a chunk of its own even when nothing of it runs (the root entry's
// re-exports, which the CLI imports too): an empty file that every importer would still resolve, read and link.
const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.js'));
const empty = outputs.filter(([, output]) => output.bytes === 0).map(([path]) => basename(path));
for (const [path] of outputs) {
  const file = join(root, path);
  if (empty.includes(basename(path))) {
    rmSync(file);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  const kept = empty.reduce((code, name) => code.replace(`import "${importPath(path, name)}";\n`, ''), text);
  if (kept !== text) writeFileSync(file, kept);
  for (const name of empty) if (kept.includes(name)) throw new Error(`${path} still refers to the empty chunk ${name}`);
}

/** How esbuild names the chunk `name` in an import written into the output `from` (a path relative to the root). */
function importPath(from: string, name: string): string {
  const path = relative(dirname(join(root, from)), join(dist, 'chunks', name))
    .split(sep)
    .join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

cpSync(stage, dist, { recursive: true, filter: (source) => !source.endsWith('.js') && !source.endsWith('.json') });

// What package.json promises must be there: each entry's JavaScript next to its declarations, the bin with its shebang.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  types: string;
  main: string;
};
const promised = [
  manifest.main,
  manifest.types,
  ...Object.values(manifest.bin),
  ...Object.values(manifest.exports).flatMap((target) =>
    typeof target === 'string' ? [target] : Object.values(target),
  ),
];
const missing = promised.filter((path) => !existsSync(join(root, path)));
if (missing.length > 0) throw new Error(`the build wrote no ${missing.join(', ')}`);
for (const bin of Object.values(manifest.bin))
  if (!readFileSync(join(root, bin), 'utf8').startsWith('#!/usr/bin/env node\n'))
    throw new Error(`${bin} lost its shebang`);

const chunks = outputs.filter(([path]) => path.startsWith(`${relative(root, dist)}/chunks/`)).length - empty.length;
console.log(`dist/: ${ENTRIES.length} entries and ${chunks} shared chunks bundled from ${relative(root, stage)}/`);
