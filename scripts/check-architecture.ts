/**
 * The dependency rule of the hexagon, checked on every `npm test`:
 * - src/domain imports nothing outside src/domain (no frameworks, no node:*);
 * - src/ports imports only src/domain; src/application only src/domain and src/ports;
 * - an adapter imports src/domain, src/ports, src/adapters/simulation, src/adapters/system and itself, never another adapter;
 * - inversify appears only in src/composition.
 * Exits 1 listing every offending import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a file under src belongs to: 'domain', 'ports', 'application', 'composition', 'adapters/<name>', ... */
function layerOf(src: string, file: string): string {
  const parts = relative(src, file).split(sep);
  if (parts[0] === 'adapters' && parts.length > 2) return `adapters/${parts[1]}`;
  const top = parts.length > 1 ? parts[0] : undefined;
  return top ?? 'root';
}

const SHARED_ADAPTER_SUPPORT = ['adapters/simulation', 'adapters/system'];

function allowed(from: string, to: string): boolean {
  if (from === to) return true;
  switch (from) {
    case 'domain':
      return false;
    case 'ports':
      return to === 'domain';
    case 'application':
      return to === 'domain' || to === 'ports';
    default:
      if (from.startsWith('adapters/')) {
        return to === 'domain' || to === 'ports' || SHARED_ADAPTER_SUPPORT.includes(to);
      }
      return true; // composition, cli, demo and the entry points may wire anything
  }
}

/** Every import under `src` that breaks the dependency rule, as `file: reason` lines. */
export function findViolations(src: string): string[] {
  const root = dirname(src);
  const problems: string[] = [];
  for (const file of files(src)) {
    const from = layerOf(src, file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (spec === undefined) continue;
      const where = relative(root, file);
      if (!spec.startsWith('.')) {
        if (from === 'domain') problems.push(`${where}: the domain imports '${spec}'`);
        if ((spec === 'inversify' || spec.startsWith('@inversifyjs/')) && from !== 'composition') {
          problems.push(`${where}: imports inversify outside src/composition`);
        }
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src + sep)) {
        problems.push(`${where}: imports '${spec}' outside src`);
        continue;
      }
      const to = layerOf(src, target);
      if (!allowed(from, to)) problems.push(`${where}: ${from} must not import ${to} ('${spec}')`);
    }
  }
  return problems;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'src');
  const problems = findViolations(src);
  if (problems.length > 0) {
    console.error(`Architecture check failed (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`Architecture check passed: ${files(src).length} files under src follow the dependency rule.`);
}
