/**
 * Checks every TypeScript block of README.md the way a reader would use it: copied as it is into a project that has
 * the package installed, type-checked, and run.
 *
 * Conventions of README.md's code blocks:
 *
 * - A ```ts or ```typescript block is a complete ES module: its imports, its setup, top-level `await`. Each one is
 *   written unchanged to its own file of a scratch project and all of them are type-checked in one `tsc` run under
 *   `strict`, `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess`, against the package's public entries
 *   (`paxos-identity`, `/container`, `/gateways`, `/redis`, `/testing`) as installed.
 * - Every such block is then run with plain `node`, one process per block, and must exit 0 on its own: a block that
 *   starts an emulator or a server closes it. A block runs against the in-memory adapter or an emulator it starts
 *   itself with `startPaxosEmulator` from `paxos-identity/testing`; nothing it does reaches the network.
 * - A block that cannot run here is marked in its info string with `no-run=<reason>`, one of the reasons in
 *   {@link NO_RUN_REASONS}, e.g. ```ts no-run=credentials. It is still type-checked; the report says why it was not
 *   run. Any other word in the info string is an error, so a typo cannot silently skip a block.
 * - ```sh and ```bash blocks are not run. Their `npm install` lines are checked instead: each package they name must
 *   be this package (by name, as a `github:` source, or by a path to the tarball `npm pack` writes of the current
 *   version, `…/paxos-identity-<version>.tgz`) or one of its peer dependencies, so that the install instructions can
 *   neither name a package the project does not use nor a tarball of another version.
 * - Other blocks (```text, ``` without a language) are not checked.
 *
 * Every failure names the block by README line and heading, with the compiler's or the process's output.
 *
 * Run alone (against `dist/`, built first): `npm run test:readme` (`README_BLOCKS_VERBOSE=1` also prints what each block
 * printed). `scripts/consumer-test.ts` runs the same checks
 * inside the scratch project that installed the packed tarball.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a block may be type-checked only; the key is what follows `no-run=` in the block's info string. */
export const NO_RUN_REASONS = {
  credentials: 'talks to Paxos itself, so it needs real API credentials',
  redis: 'needs a Redis server',
  server: 'runs a server until it is stopped',
} as const;

type NoRunReason = keyof typeof NO_RUN_REASONS;

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The headings it sits under, outermost first (`## Usage`, `### …`). */
  readonly headings: readonly string[];
  /** The info string's first word (`ts`, `sh`, …), `''` without one. */
  readonly language: string;
  /** The rest of the info string, split on spaces. */
  readonly flags: readonly string[];
  readonly code: string;
}

/** Every fenced block of a Markdown text, with its line and headings. */
export function extractBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const headings: string[] = [];
  const lines = markdown.split('\n');
  let open: { line: number; fence: string; info: string; body: string[] } | undefined;
  for (const [index, text] of lines.entries()) {
    if (open !== undefined) {
      if (text !== open.fence) {
        open.body.push(text);
        continue;
      }
      const [language = '', ...flags] = open.info.split(/\s+/).filter(Boolean);
      blocks.push({ line: open.line, headings: [...headings], language, flags, code: open.body.join('\n') });
      open = undefined;
      continue;
    }
    const heading = /^(#{1,6}) \S/.exec(text);
    if (heading?.[1] !== undefined) {
      // A heading closes the headings of its depth and deeper, whatever depths were skipped above it.
      const depth = heading[1].length;
      while (headings.length > 0 && (/^#+/.exec(headings.at(-1) ?? '')?.[0].length ?? 0) >= depth) headings.pop();
      headings.push(text);
      continue;
    }
    const fence = /^(`{3,})(.*)$/.exec(text);
    if (fence?.[1] !== undefined) open = { line: index + 1, fence: fence[1], info: fence[2] ?? '', body: [] };
  }
  if (open !== undefined) throw new Error(`README.md:${open.line}: the code block is never closed`);
  return blocks;
}

/** `README.md:123 (## Section > ### Subsection)`: where to look. */
export function where(block: ReadmeBlock): string {
  return `README.md:${block.line} (${block.headings.join(' > ') || 'top'})`;
}

const TS = new Set(['ts', 'typescript']);
const SHELL = new Set(['sh', 'bash', 'shell']);

interface Plan {
  readonly block: ReadmeBlock;
  readonly file: string;
  readonly noRun?: NoRunReason;
}

function planBlocks(blocks: readonly ReadmeBlock[], problems: string[]): Plan[] {
  const plans: Plan[] = [];
  for (const block of blocks) {
    if (!TS.has(block.language)) continue;
    let noRun: NoRunReason | undefined;
    for (const flag of block.flags) {
      const reason = /^no-run=(.+)$/.exec(flag)?.[1];
      if (reason !== undefined && Object.hasOwn(NO_RUN_REASONS, reason)) noRun = reason as NoRunReason;
      else
        problems.push(
          `${where(block)}: unknown info string word '${flag}' (use no-run=${Object.keys(NO_RUN_REASONS).join('|')})`,
        );
    }
    plans.push({ block, file: `block-${String(block.line).padStart(4, '0')}.ts`, ...(noRun && { noRun }) });
  }
  return plans;
}

/**
 * Checks the `npm install` lines of the shell blocks: every package named is this package (by name, as a `github:`
 * source, or as the tarball of the current version) or one of its peer dependencies.
 */
export function checkInstallLines(
  blocks: readonly ReadmeBlock[],
  pkg: { name: string; version: string; peerDependencies?: Record<string, string> },
): string[] {
  const problems: string[] = [];
  const allowed = new Set([pkg.name, ...Object.keys(pkg.peerDependencies ?? {})]);
  const tarball = `./${pkg.name}-${pkg.version}.tgz`; // what `npm pack` writes, by any path
  for (const block of blocks) {
    if (!SHELL.has(block.language)) continue;
    for (const [offset, line] of block.code.split('\n').entries()) {
      for (const command of line.split(/&&|;/)) {
        const words = command.replace(/#.*$/, '').trim().split(/\s+/);
        if (words[0] !== 'npm' || (words[1] !== 'install' && words[1] !== 'i')) continue;
        for (const word of words.slice(2)) {
          if (word.startsWith('-')) continue;
          const ok =
            allowed.has(word) ||
            word.endsWith(`/${tarball.slice(2)}`) ||
            (word.startsWith('github:') && word.endsWith(`/${pkg.name}`)) ||
            allowed.has(word.replace(/(?<=.)@[^/]*$/, ''));
          if (!ok)
            problems.push(
              `README.md:${block.line + 1 + offset} (${block.headings.join(' > ')}): npm install names '${word}', ` +
                `neither ${pkg.name} (name, github: source or ${tarball}) nor one of its peer dependencies`,
            );
        }
      }
    }
  }
  return problems;
}

/** The scratch project's compiler options: what a careful consumer turns on. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: ['node'],
    outDir: 'out',
    rootDir: 'src',
  },
  include: ['src'],
};

function runNode(file: string, cwd: string, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [file],
      { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (error, stdout, stderr) => {
        const timedOut = error !== null && error.killed;
        const output = [stdout.trim(), stderr.trim(), timedOut ? `did not exit within ${timeoutMs} ms` : '']
          .filter(Boolean)
          .join('\n');
        done({ ok: error === null, output });
      },
    );
  });
}

/** What {@link checkReadmeBlocks} saw. */
export interface ReadmeCheckResult {
  readonly typeChecked: number;
  readonly ran: number;
  readonly notRun: number;
  readonly problems: readonly string[];
}

/**
 * Writes every TypeScript block of `readmePath` into `<projectDir>/readme-blocks/src`, type-checks them in one `tsc`
 * run and runs the runnable ones with node, `concurrency` at a time. `projectDir` must be an ES module project
 * (`"type": "module"`) whose `node_modules` holds the package and what the blocks import.
 */
export async function checkReadmeBlocks(options: {
  readmePath: string;
  projectDir: string;
  tsc: string;
  packageJson: { name: string; version: string; peerDependencies?: Record<string, string> };
  concurrency?: number;
  timeoutMs?: number;
  /** Also prints what each block printed. */
  verbose?: boolean;
  log?: (line: string) => void;
}): Promise<ReadmeCheckResult> {
  const log = options.log ?? console.log;
  const blocks = extractBlocks(readFileSync(options.readmePath, 'utf8'));
  const problems = checkInstallLines(blocks, options.packageJson);
  const plans = planBlocks(blocks, problems);
  const dir = join(options.projectDir, 'readme-blocks');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  for (const plan of plans) writeFileSync(join(dir, 'src', plan.file), `${plan.block.code}\n`);

  const byFile = new Map(plans.map((plan) => [plan.file, plan]));
  try {
    execFileSync(process.execPath, [options.tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    for (const line of `${stdout}${stderr}`.split('\n').filter(Boolean)) {
      // tsc continues a message on indented lines: they belong to the problem above.
      const last = problems.pop();
      if (/^\s/.test(line) && last !== undefined) {
        problems.push(`${last}\n    ${line.trim()}`);
        continue;
      }
      if (last !== undefined) problems.push(last);
      // src/block-0087.ts(3,5): error TS2304: … → README.md:90:5 (# … > ## Section): error TS2304: …
      const [, file = '', row = '0', column = '0', message = ''] =
        /^src[\\/](block-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line) ?? [];
      const plan = byFile.get(file);
      if (plan === undefined) problems.push(`tsc: ${line}`);
      else
        problems.push(
          `README.md:${plan.block.line + Number(row)}:${column} (${plan.block.headings.join(' > ')}): ${message}`,
        );
    }
  }
  const typeChecked = plans.length;
  if (problems.length > 0) return { typeChecked, ran: 0, notRun: 0, problems };

  const runnable = plans.filter((plan) => plan.noRun === undefined);
  for (const plan of plans)
    if (plan.noRun !== undefined) log(`  - ${where(plan.block)}: type-checked, not run: ${NO_RUN_REASONS[plan.noRun]}`);
  const queue = [...runnable];
  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan !== undefined; plan = queue.shift()) {
      const started = Date.now();
      const result = await runNode(join('out', plan.file.replace(/\.ts$/, '.js')), dir, options.timeoutMs ?? 30_000);
      if (result.ok) {
        log(`  ✔ ${where(plan.block)} ran (${Date.now() - started} ms)`);
        if (options.verbose === true && result.output !== '') log(result.output.replace(/^/gm, '      '));
      } else problems.push(`${where(plan.block)}: the block failed when run:\n${result.output.replace(/^/gm, '    ')}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  return { typeChecked, ran: runnable.length, notRun: plans.length - runnable.length, problems };
}

/**
 * A scratch project whose `node_modules` links the repository's dependencies and the package itself (its `dist/`,
 * through the package's own `exports`), for checking the README against a build without packing it.
 */
function linkedProject(root: string): string {
  const project = mkdtempSync(join(tmpdir(), 'paxos-identity-readme-'));
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
  symlinkSync(root, join(modules, pkg.name));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }),
  );
  return project;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const started = Date.now();
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
  });
  const project = linkedProject(root);
  try {
    const result = await checkReadmeBlocks({
      readmePath: join(root, 'README.md'),
      projectDir: project,
      tsc: join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      packageJson: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      },
      verbose: process.env['README_BLOCKS_VERBOSE'] === '1',
    });
    for (const problem of result.problems) console.error(`  ✘ ${problem}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `README blocks: ${result.typeChecked} type-checked, ${result.ran} ran, ${result.notRun} not run by their ` +
        `no-run reason, ${result.problems.length} problems (${seconds} s)`,
    );
    if (result.problems.length > 0) process.exitCode = 1;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
