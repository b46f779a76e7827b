import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import sinon from 'sinon';
import { run } from '../../src/cli/program.js';
import type { CreateIdentity } from '../../src/application/create-identity.js';
import { ImportIdentities } from '../../src/application/import-identities.js';
import { createIdentityService, type CreateIdentityCommand } from '../../src/index.js';
import { seedBody } from '../emulator/support.js';
import { IDENTITIES_ROUTE, paxosOptionsFor, useEmulator } from '../support/paxos.js';
import { FakeIo, sandboxEnv } from './support.js';
import { identityCommand, truncateIn } from './import-support.js';

use(chaiAsPromised);

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed NDJSON line, read field by field in assertions
type Record_ = Record<string, any>;

/** A FakeIo whose appends land in its files, and whose appends can be made to fail from a given one on. */
class ImportIo extends FakeIo {
  appends = 0;
  failFrom: { at: number; code: string } | undefined;
  /** Rejects, when set, as a results file that cannot be written would. */
  unwritable: string | undefined;
  readonly checkWritable = (path: string): Promise<void> =>
    this.unwritable === undefined
      ? Promise.resolve()
      : Promise.reject(Object.assign(new Error(`${this.unwritable}: open '${path}'`), { code: this.unwritable }));
  readonly appendFile = (path: string, text: string): Promise<void> => {
    this.appends += 1;
    if (this.failFrom !== undefined && this.appends >= this.failFrom.at) {
      const { code } = this.failFrom;
      return Promise.reject(Object.assign(new Error(`${code}: cannot write, open '${path}'`), { code }));
    }
    this.files.set(path, (this.files.get(path) ?? '') + text);
    return Promise.resolve();
  };
  readonly truncateFile = (path: string, bytes: number): Promise<void> => {
    truncateIn(this.files, path, bytes);
    return Promise.resolve();
  };
}

/** Every line of `text` that is a whole JSON object. */
function recordsIn(text: string): Record_[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .flatMap((l) => {
      try {
        const parsed: unknown = JSON.parse(l);
        return parsed !== null && typeof parsed === 'object' ? [parsed as Record_] : [];
      } catch {
        return [];
      }
    });
}

function lastPerLine(records: readonly Record_[]): Map<number, Record_> {
  return new Map(records.filter((r) => r.status !== 'sending').map((r) => [r.line as number, r]));
}

let people = 0;

/** A create body without ref_id, of someone with a name of their own (a fingerprint leaves the SSN and DOB out). */
function bodyWithoutRef(): Record_ {
  const body = seedBody();
  delete body.ref_id;
  people += 1;
  body.person_details.last_name = `Attack${'abcdefghijklmnopqrstuvwxyz'[people % 26]!}${String(people)}`.replace(
    /\d/g,
    (d) => 'abcdefghij'[Number(d)]!,
  );
  return body;
}

const ndjson = (bodies: readonly Record_[]): string => bodies.map((b) => JSON.stringify(b)).join('\n');

describe('CLI: paxos-identity import, under attack', () => {
  const emulator = useEmulator();

  function io(): ImportIo {
    return new ImportIo(sandboxEnv(emulator()));
  }

  /** How many creates the emulator received from now on. */
  function postsFrom(): () => number {
    const before = emulator().requests.length;
    return () =>
      emulator()
        .requests.slice(before)
        .filter((r) => r.method === 'POST' && r.path === IDENTITIES_ROUTE).length;
  }

  /** The ref_ids of every identity the emulator holds. */
  async function refIds(): Promise<Set<string>> {
    const lister = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator()) });
    const refs = new Set<string>();
    for await (const identity of lister.listIdentities({ limit: 100 })) if (identity.refId) refs.add(identity.refId);
    return refs;
  }

  const args = (out = 'results.ndjson'): string[] => [
    'import',
    '--file',
    'people.ndjson',
    '--out',
    out,
    '--rate',
    '200',
  ];

  it('refuses a results file written for another input, before sending anything, instead of skipping its lines', async () => {
    const first = io();
    first.files.set('people.ndjson', ndjson([bodyWithoutRef(), bodyWithoutRef()]));
    expect(await run(args(), first)).to.equal(0, first.err);

    const other = io();
    other.files.set('people.ndjson', ndjson([bodyWithoutRef(), bodyWithoutRef()]));
    other.files.set('results.ndjson', first.files.get('results.ndjson')!);
    const posts = postsFrom();
    expect(await run(args(), other)).to.equal(1, other.out);
    expect(other.err).to.match(/results\.ndjson was written for other input: line 1 differs/);
    expect(other.out).not.to.match(/skipped/);
    expect(posts()).to.equal(0, 'nothing sent');
    expect(other.files.get('results.ndjson')).to.equal(first.files.get('results.ndjson'), 'the file is left as it was');
  });

  it('refuses an input whose lines were reordered since the interrupted run', async () => {
    const [a, b] = [bodyWithoutRef(), bodyWithoutRef()];
    const first = io();
    first.files.set('people.ndjson', ndjson([a]));
    expect(await run(args(), first)).to.equal(0, first.err);

    // b was put in front: line 1 is now someone the record of line 1 was not made for.
    const reordered = io();
    reordered.files.set('people.ndjson', ndjson([b, a]));
    reordered.files.set('results.ndjson', first.files.get('results.ndjson')!);
    const posts = postsFrom();
    expect(await run(args(), reordered)).to.equal(1);
    expect(reordered.err).to.match(/line 1 differs/);
    expect(posts()).to.equal(0);
  });

  it('keeps its record of a line whose SSN or DOB was corrected (they are not part of its fingerprint)', async () => {
    const body = bodyWithoutRef();
    const first = io();
    first.files.set('people.ndjson', ndjson([body]));
    expect(await run(args(), first)).to.equal(0, first.err);
    const text = first.files.get('results.ndjson')!;
    // The results file holds neither the SSN nor the date of birth, not even as part of the fingerprint.
    expect(text).not.to.include(String(body.person_details.cip_id));
    expect(text).not.to.include(String(body.person_details.date_of_birth));
    const records = recordsIn(text);
    expect(records.map((r) => typeof r.fingerprint)).to.deep.equal(['string', 'string']);

    const corrected = { ...body, person_details: { ...body.person_details, date_of_birth: '1970-02-03' } };
    const again = io();
    again.files.set('people.ndjson', ndjson([corrected]));
    again.files.set('results.ndjson', text);
    expect(await run(args(), again)).to.equal(0, again.err);
    expect(again.out).to.match(/0 created, 0 replayed, 0 invalid, 0 failed, 1 skipped of 1 lines/);
  });

  it('skips a created line that was given a ref_id of its own since, instead of failing it as a CIP conflict', async () => {
    const body = bodyWithoutRef();
    const first = io();
    first.files.set('people.ndjson', ndjson([body]));
    expect(await run(args(), first)).to.equal(0, first.err);
    const again = io();
    again.files.set('people.ndjson', ndjson([{ ...body, ref_id: 'given-since' }]));
    again.files.set('results.ndjson', first.files.get('results.ndjson')!);
    const posts = postsFrom();
    expect(await run(args(), again)).to.equal(0, again.err);
    expect(again.err).to.match(/line 1 has a ref_id other than the one results\.ndjson records/);
    expect(again.out).to.match(/0 created, 0 replayed, 0 invalid, 0 failed, 1 skipped of 1 lines/);
    expect(posts()).to.equal(0);
    expect(again.files.get('results.ndjson')).to.equal(first.files.get('results.ndjson'));
  });

  it('resends a line given a ref_id of its own after a kill in flight under the recorded one, which replays', async () => {
    const body = bodyWithoutRef();
    const first = io();
    first.files.set('people.ndjson', ndjson([body]));
    expect(await run(args(), first)).to.equal(0, first.err);
    // As if killed with the create in flight: made by Paxos, only the write-ahead record in the file.
    const sending = recordsIn(first.files.get('results.ndjson')!).find((r) => r.status === 'sending')!;
    const again = io();
    again.files.set('people.ndjson', ndjson([{ ...body, ref_id: 'given-after-the-kill' }]));
    again.files.set('results.ndjson', `${JSON.stringify(sending)}\n`);
    expect(await run(args(), again)).to.equal(0, again.err);
    expect(again.err).to.match(/line 1 has a ref_id other than the one results\.ndjson records it was sent with/);
    expect(again.out).to.match(/0 created, 1 replayed, 0 invalid, 0 failed, 0 skipped of 1 lines/);
    expect(lastPerLine(recordsIn(again.files.get('results.ndjson')!)).get(1)).to.include({
      status: 'replayed',
      ref_id: sending.ref_id,
    });
    expect((await refIds()).has('given-after-the-kill')).to.equal(false);
  });

  it('a write-ahead record torn by kill -9 is dropped: its create was never sent, and the line is created once', async () => {
    const [a, b] = [bodyWithoutRef(), bodyWithoutRef()];
    const first = io();
    first.files.set('people.ndjson', ndjson([a]));
    expect(await run(args(), first)).to.equal(0, first.err);
    const known = await refIds();
    const torn = io();
    torn.files.set('people.ndjson', ndjson([a, b]));
    torn.files.set('results.ndjson', `${first.files.get('results.ndjson')!}{"line":2,"ref_id":"never-se`);
    expect(await run(args(), torn)).to.equal(0, torn.err);
    expect(torn.out).to.match(/1 created, 0 replayed, 0 invalid, 0 failed, 1 skipped of 2 lines/);
    const made = [...(await refIds())].filter((ref) => !known.has(ref));
    expect(made).to.deep.equal([lastPerLine(recordsIn(torn.files.get('results.ndjson')!)).get(2)!.ref_id]);
  });

  it('maps lines sharing a ref_id to one identity (same person) or fails the other person’s line', async () => {
    const shared = seedBody();
    const other = { ...seedBody(), ref_id: shared.ref_id };
    const x = io();
    x.files.set('people.ndjson', ndjson([shared, shared, other]));
    expect(await run([...args(), '--concurrency', '3'], x)).to.equal(1);
    const latest = lastPerLine(recordsIn(x.files.get('results.ndjson')!));
    expect(latest.get(1)!.identity_id).to.be.a('string');
    expect(latest.get(2)!.identity_id).to.equal(latest.get(1)!.identity_id);
    expect([latest.get(1)!.status, latest.get(2)!.status].sort()).to.deep.equal(['created', 'replayed']);
    expect(latest.get(3)).to.include({ status: 'failed', error: 'identity_already_exists' });
  });

  it('a second Ctrl-C with creates in flight is taken as the same one: they finish and are recorded, and the resume creates none twice', async function () {
    this.timeout(120_000);
    const lines = 8;
    const dir = await mkdtemp(join(tmpdir(), 'import-attack-'));
    try {
      const file = join(dir, 'people.ndjson');
      const out = join(dir, 'results.ndjson');
      await writeFile(file, ndjson(Array.from({ length: lines }, () => bodyWithoutRef())));
      const known = await refIds();
      const cli = (): { exited: Promise<NodeJS.Signals | number | null>; signal(): void; stderr(): string } => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', MAIN, 'import', '--file', file, '--out', out, '--rate', '50', '--concurrency', '2'],
          { env: { ...process.env, ...io().env }, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
          child.once('close', (code, signal) => {
            resolve(signal ?? code);
          });
        });
        return { exited, signal: () => child.kill('SIGINT'), stderr: () => stderr };
      };
      // The first two creates are made by the emulator, which then never finishes answering.
      const stall = emulator().faults.inject(
        { kind: 'stall-body' },
        { times: 2, match: { method: 'POST', path: IDENTITIES_ROUTE } },
      );
      const first = cli();
      while (stall.hits < 2) {
        if (/^error:/m.test(first.stderr())) throw new Error(first.stderr());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first.signal();
      while (!first.stderr().includes('interrupted, finishing')) await new Promise((resolve) => setTimeout(resolve, 5));
      first.signal();
      // A terminal and npx may each deliver one Ctrl-C: the second is ignored, the stalled creates are cut by their
      // attempt's budget and retried, which replays them, and the process then ends by the signal.
      expect(await first.exited).to.equal('SIGINT', 'the import ends as interrupted');
      const resumed = cli();
      expect(await resumed.exited).to.equal(0, resumed.stderr());
      expect(resumed.stderr(), 'the first run released its lock').not.to.match(/taken over/);
      const latest = lastPerLine(recordsIn(await readFile(out, 'utf8')));
      expect([...latest.values()].map((r) => r.status as string).filter((st) => st === 'replayed')).to.have.length(2);
      expect(latest.size).to.equal(lines);
      const made = [...(await refIds())].filter((ref) => !known.has(ref));
      expect(made.sort()).to.deep.equal([...latest.values()].map((r) => r.ref_id as string).sort());
    } finally {
      emulator().faults.clear();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts off a huge torn tail and keeps every whole record before it', async () => {
    const body = bodyWithoutRef();
    const first = io();
    first.files.set('people.ndjson', ndjson([body, bodyWithoutRef()]));
    expect(await run([...args(), '--concurrency', '1'], first)).to.equal(0, first.err);
    const whole = first.files.get('results.ndjson')!;
    const torn = io();
    torn.files.set('people.ndjson', first.files.get('people.ndjson')!);
    torn.files.set('results.ndjson', `${whole}{"line":3,"ref_id":"${'x'.repeat(8 * 1024 * 1024)}`);
    const posts = postsFrom();
    expect(await run(args(), torn)).to.equal(0, torn.err);
    expect(torn.files.get('results.ndjson')).to.equal(whole);
    expect(torn.out).to.match(/0 created, 0 replayed, 0 invalid, 0 failed, 2 skipped of 2 lines/);
    expect(posts()).to.equal(0);
  });

  it('reports a line too long as invalid, with its number and nothing of its content', async () => {
    const long = bodyWithoutRef();
    long.person_details.metadata = { note: 'n'.repeat(2 * 1024 * 1024) };
    const x = io();
    x.files.set('people.ndjson', ndjson([long, bodyWithoutRef()]));
    expect(await run(args(), x)).to.equal(1);
    const latest = lastPerLine(recordsIn(x.files.get('results.ndjson')!));
    // A metadata value of 2 MiB is over the library's cap (10,000 characters): refused before it is sent.
    expect(latest.get(1)).to.include({ status: 'invalid' });
    expect(latest.get(2)!.status).to.equal('created');
    const everything = x.out + x.err + x.files.get('results.ndjson')!;
    expect(everything).not.to.include('nnnn');
    expect(everything).not.to.include(String(long.person_details.cip_id));
  });

  it('reads an input file that starts with a byte order mark', async () => {
    const x = io();
    x.files.set('people.ndjson', `\uFEFF${ndjson([seedBody(), seedBody()])}\r\n`);
    expect(await run(args(), x)).to.equal(0, x.err);
    expect(x.out).to.match(/2 created, 0 replayed, 0 invalid, 0 failed, 0 skipped of 2 lines/);
  });

  it('reads a results file with a byte order mark and garbage lines: its records still count', async () => {
    const [a, b] = [bodyWithoutRef(), bodyWithoutRef()];
    const first = io();
    first.files.set('people.ndjson', ndjson([a, b]));
    expect(await run([...args(), '--concurrency', '1'], first)).to.equal(0, first.err);
    const written = first.files.get('results.ndjson')!.split('\n');
    const sendingB = written.find((l) => l.includes('"line":2') && l.includes('"sending"'))!;
    const rest = written.filter((l) => l !== '' && !l.includes('"line":2'));
    const edited = io();
    edited.files.set('people.ndjson', ndjson([a, b]));
    // As if killed once line 2 was written ahead (its create made, its result not written), then saved by an editor
    // that adds a BOM and CRLF, with a stray note and a half line among the records.
    edited.files.set(
      'results.ndjson',
      `\uFEFF${[sendingB, 'note: done', '{"line":1,', '[1]', ...rest].join('\r\n')}\r\n`,
    );
    const posts = postsFrom();
    expect(await run(args(), edited)).to.equal(0, edited.err);
    expect(edited.out).to.match(/0 created, 1 replayed, 0 invalid, 0 failed, 1 skipped of 2 lines/);
    expect(posts()).to.equal(1);
  });

  it('stops before sending anything when the results file cannot be written (EACCES), even for a line with ref_id', async () => {
    const x = io();
    x.files.set('people.ndjson', ndjson([seedBody(), bodyWithoutRef(), seedBody()]));
    x.unwritable = 'EACCES';
    x.failFrom = { at: 1, code: 'EACCES' };
    const posts = postsFrom();
    expect(await run(args(), x)).to.equal(1);
    expect(x.err).to.match(/error: .*\(EACCES\)/);
    expect(posts()).to.equal(0, 'nothing sent without a record');
  });

  it('stops sending at the first record it cannot write (ENOSPC): every create sent is in the file or its input', async function () {
    this.timeout(30_000);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bodies = Array.from({ length: 24 }, () => bodyWithoutRef());
      const x = io();
      x.files.set('people.ndjson', ndjson(bodies));
      // The first records land; the disk is full from the eighth append on.
      x.failFrom = { at: 8, code: 'ENOSPC' };
      const known = await refIds();
      const posts = postsFrom();
      expect(await run([...args(), '--concurrency', '4'], x)).to.equal(1);
      expect(x.err).to.match(/error: .*\(ENOSPC\)/);
      const recorded = new Set(recordsIn(x.files.get('results.ndjson') ?? '').map((r) => r.ref_id as string));
      const sent = posts();
      expect(sent).to.be.within(1, 6);
      const made = [...(await refIds())].filter((ref) => !known.has(ref));
      expect(made.length).to.equal(sent);
      for (const refId of made) expect(recorded.has(refId), `${refId} was written ahead`).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).to.deep.equal([]);
      expect(posts(), 'nothing sent after the import returned').to.equal(sent);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('repairs a torn tail after a garbage line that is not UTF-8 without cutting at the wrong byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-attack-'));
    try {
      const out = join(dir, 'results.ndjson');
      const earlier = JSON.stringify({ line: 7, ref_id: 'r-7', status: 'failed', error: 'paxos_server_error' });
      await writeFile(
        out,
        Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${earlier}\n{"line":1,"ref_id":"torn`, 'utf8')]),
      );
      const x = new (class extends FakeIo {
        override readonly readFile = (path: string): Promise<string> =>
          path === 'people.ndjson' ? Promise.resolve(ndjson([bodyWithoutRef()])) : readFile(path, 'utf8');
      })(io().env);
      expect(await run(['import', '--file', 'people.ndjson', '--out', out, '--rate', '200'], x)).to.equal(0, x.err);
      const text = await readFile(out, 'utf8');
      const records = recordsIn(text);
      expect(records[0]).to.deep.equal(JSON.parse(earlier));
      expect(records.slice(1).map((r) => r.status)).to.deep.equal(['sending', 'created']);
      expect(text.endsWith('\n')).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second import on the same --out while the first runs, and takes over the lock of a killed one', async function () {
    this.timeout(30_000);
    const dir = await mkdtemp(join(tmpdir(), 'import-attack-'));
    try {
      const out = join(dir, 'results.ndjson');
      const input = ndjson(Array.from({ length: 6 }, () => bodyWithoutRef()));
      const realFiles = (): FakeIo =>
        new (class extends FakeIo {
          override readonly readFile = (path: string): Promise<string> =>
            path === 'people.ndjson' ? Promise.resolve(input) : readFile(path, 'utf8');
        })(io().env);
      const first = realFiles();
      const firstRun = run(
        ['import', '--file', 'people.ndjson', '--out', out, '--rate', '5', '--concurrency', '1'],
        first,
      );
      while (!(await readFile(out, 'utf8').catch(() => '')).includes('"created"'))
        await new Promise((resolve) => setTimeout(resolve, 5));
      // The second one names the file through a symbolic link.
      const alias = join(dir, 'alias.ndjson');
      await symlink(out, alias);
      const second = realFiles();
      const posts = postsFrom();
      expect(await run(['import', '--file', 'people.ndjson', '--out', alias, '--rate', '200'], second)).to.equal(1);
      expect(second.err).to.match(/is in use by another import \(process \d+\)/);
      expect(posts()).to.be.at.most(1, 'only the first import sends (one more of its lines at most)');
      first.pressCtrlC();
      expect(await firstRun).to.equal(1);

      // A lock left by a process that no longer runs (kill -9) is taken over.
      const dead = spawn(process.execPath, ['-e', '']);
      const pid = dead.pid!;
      await new Promise((resolve) => dead.once('close', resolve));
      await writeFile(`${out}.lock`, `${String(pid)}\n`);
      const resumed = realFiles();
      expect(await run(['import', '--file', 'people.ndjson', '--out', out, '--rate', '200'], resumed)).to.equal(
        0,
        resumed.err,
      );
      expect(resumed.err).to.match(/left by process \d+, which no longer runs; taken over/);
      const latest = lastPerLine(recordsIn(await readFile(out, 'utf8')));
      expect([...latest.values()].map((r) => r.status as string).sort()).to.deep.equal(
        Array.from({ length: 6 }, () => 'created'),
      );
      await expect(readFile(`${out}.lock`)).to.be.rejectedWith(/ENOENT/, 'the lock is removed at the end');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ImportIdentities, under attack', () => {
  it('an onResult that throws stops the sends and rejects the import, with no rejection left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const service = createIdentityService({ adapter: 'in-memory' });
      const commands = Array.from({ length: 20 }, (_, i) =>
        identityCommand(`723-45-${String(1000 + i)}`, `full-${String(i)}`),
      );
      let sent = 0;
      let results = 0;
      const counting = {
        execute: (c: CreateIdentityCommand, o: object) => {
          sent += 1;
          return service.createIdentity(c, o);
        },
      } as unknown as CreateIdentity;
      await expect(
        new ImportIdentities(counting).execute(commands, {
          ratePerSecond: 1000,
          concurrency: 4,
          onResult: () => {
            results += 1;
            throw new Error('disk full');
          },
        }),
      ).to.be.rejectedWith('disk full');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
      expect(sent).to.be.within(1, 4);
      expect(results, 'every create sent had its result offered').to.equal(sent);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  describe('pacing, on a fake clock', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      clock.restore();
    });

    async function startsAt(rate: number, n: number, stallAt?: number): Promise<number[]> {
      const service = createIdentityService({ adapter: 'in-memory' });
      const starts: number[] = [];
      let stalled = 0;
      const now = (): number => clock.now + stalled;
      const recording = {
        execute: (c: CreateIdentityCommand) => {
          starts.push(now());
          return service.createIdentity(c);
        },
      } as unknown as CreateIdentity;
      const commands = Array.from({ length: n }, (_, i) =>
        identityCommand(`823-45-${String(1000 + i)}`, `p-${String(i)}`),
      );
      const done = new ImportIdentities(recording).execute(commands, {
        ratePerSecond: rate,
        concurrency: 16,
        now,
        beforeSend: ({ line }) => {
          if (line === stallAt) stalled += 99;
        },
      });
      while (starts.length < n) await clock.tickAsync(1);
      await done;
      return starts;
    }

    /** The most starts in any window of `ms` (a start at its far edge counts for the next one). */
    function most(starts: readonly number[], ms: number): number {
      let best = 0;
      for (let i = 0, j = 0; i < starts.length; i++) {
        while (starts[j]! <= starts[i]! - ms) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    }

    it('honours 9.5/s on average (not 9/s), with at most 10 in any second even after a stall', async () => {
      const starts = await startsAt(9.5, 96, 40);
      const span = starts.at(-1)! - starts[0]!;
      // 95 intervals of 1/9.5 s are 10 s (plus the stall); at 9/s they would take 10.56 s.
      expect(span).to.be.within(10_000, 10_000 + 99 + 2);
      expect(most(starts, 1000)).to.be.at.most(10);
      expect(most(starts, 2000), 'no more than 19 in two seconds').to.be.at.most(19);
    });

    it('keeps an integer rate’s one-second window exact', async () => {
      const starts = await startsAt(10, 61, 25);
      expect(most(starts, 1000)).to.be.at.most(10);
      expect(starts.at(-1)! - starts[0]!).to.be.within(6000, 6000 + 99 + 2);
    });

    it('an abort while waiting for the next slot resolves at once, without waiting out the slot', async () => {
      const service = createIdentityService({ adapter: 'in-memory' });
      const controller = new AbortController();
      const done = service.importIdentities(
        [identityCommand('923-45-1000', 'a-1'), identityCommand('923-45-1001', 'a-2')],
        {
          ratePerSecond: 0.1,
          now: () => clock.now,
          signal: controller.signal,
          onResult: () => {
            controller.abort();
          },
        },
      );
      await clock.tickAsync(0);
      const summary = await done;
      expect(summary).to.deep.include({ created: 1, interrupted: true });
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
