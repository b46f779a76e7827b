/**
 * The dependency rule of the hexagon (.dependency-cruiser.cjs), checked by dependency-cruiser on every `npm test`.
 * Exits 1 listing every offending import.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const config = createRequire(import.meta.url)(resolve(root, '.dependency-cruiser.cjs')) as IConfiguration;

/**
 * Every import under `<baseDir>/src` that breaks the dependency rule, as `rule: from → to` lines (sorted), and the
 * number of modules read.
 */
export async function findViolations(baseDir: string): Promise<{ violations: string[]; modules: number }> {
  const { output } = await cruise(
    ['src'],
    { ...config.options, ruleSet: { forbidden: config.forbidden ?? [] }, baseDir, validate: true },
    { extensions: ['.ts', '.js', '.json'] },
  );
  const result = output as ICruiseResult;
  const violations = result.summary.violations.map((v) => {
    const cycle = v.cycle === undefined ? '' : ` (${v.cycle.map((step) => step.name).join(' → ')})`;
    return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
  });
  return { violations: violations.sort(), modules: result.modules.filter((m) => m.source.startsWith('src/')).length };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { violations, modules } = await findViolations(root);
  if (violations.length > 0) {
    console.error(`Architecture check failed (${violations.length}):\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`Architecture check passed: ${modules} modules under src follow the dependency rule.`);
}
