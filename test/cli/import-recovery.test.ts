import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { run } from '../../src/cli/program.js';
import type { CreateIdentity } from '../../src/application/create-identity.js';
import { ImportIdentities } from '../../src/application/import-identities.js';
import { createIdentityService, type CreateIdentityCommand, type ImportResult } from '../../src/index.js';
import { seedBody } from '../emulator/support.js';
import { IDENTITIES_ROUTE, paxosOptionsFor, useEmulator } from '../support/paxos.js';
import { FakeIo, sandboxEnv } from './support.js';
import { identityCommand, truncateIn } from './import-support.js';

use(chaiAsPromised);

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed NDJSON result line, read field by field in assertions
type Record_ = Record<string, any>;

/** A FakeIo whose appends and truncations land in its files, so that a second run reads the first run's records. */
class ImportIo extends FakeIo {
  readonly truncations: { path: string; bytes: number }[] = [];
  readonly appendFile = (path: string, text: string): Promise<void> => {
    this.files.set(path, (this.files.get(path) ?? '') + text);
    return Promise.resolve();
  };
  readonly truncateFile = (path: string, bytes: number): Promise<void> => {
    this.truncations.push({ path, bytes });
    truncateIn(this.files, path, bytes);
    return Promise.resolve();
  };

  /** Result records written so far (the `sending` write-ahead records left out). */
  results(path = 'results.ndjson'): Record_[] {
    return parse(this.files.get(path) ?? '').filter((r) => r.status !== 'sending');
  }
}

function parse(text: string): Record_[] {
  expect(text === '' || text.endsWith('\n'), 'the file ends with a whole line').to.equal(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record_);
}

/** Each line's last record: the one that counts. */
function lastPerLine(records: readonly Record_[]): Map<number, Record_> {
  return new Map(records.map((r) => [r.line as number, r]));
}

/** A create body without ref_id: the import has to make one up. */
function bodyWithoutRef(): Record_ {
  const body = seedBody();
  delete body.ref_id;
  return body;
}

describe('CLI: paxos-identity import, recovering from interruptions and crashes', () => {
  const emulator = useEmulator();

  function env(): Record<string, string> {
    return sandboxEnv(emulator());
  }

  /** Every identity of the emulator, by ref_id. */
  async function identitiesByRef(): Promise<Map<string, string[]>> {
    const lister = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator()) });
    const byRef = new Map<string, string[]>();
    for await (const identity of lister.listIdentities({ limit: 100 })) {
      if (identity.refId !== undefined) byRef.set(identity.refId, [...(byRef.get(identity.refId) ?? []), identity.id]);
    }
    return byRef;
  }

  it('a rerun after Ctrl-C replays the lines without ref_id: all 20 recorded with their identity, exit 0', async () => {
    const input = Array.from({ length: 20 }, () => JSON.stringify(bodyWithoutRef())).join('\n');
    const first = new ImportIo(env());
    first.files.set('people.ndjson', input);
    const args = ['import', '--file', 'people.ndjson', '--out', 'results.ndjson'];
    const running = run([...args, '--rate', '20', '--concurrency', '2'], first);
    while (first.results().length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    first.pressCtrlC();
    expect(await running).to.equal(1, 'an interrupted import exits 1');
    const before = first.results();
    expect(before.length).to.be.within(3, 19);
    // Every result line names the ref_id its create was sent with, and the write-ahead record came first.
    const records = parse(first.files.get('results.ndjson')!);
    for (const result of before) {
      const sending = records.findIndex((r) => r.line === result.line && r.status === 'sending');
      const at = records.findIndex((r) => r.line === result.line && r.status !== 'sending');
      expect(sending, `line ${String(result.line)} written ahead`).to.be.within(0, at - 1);
      expect(records[sending]!.ref_id).to.equal(result.ref_id);
    }

    const rerun = new ImportIo(env());
    rerun.files.set('people.ndjson', input);
    rerun.files.set('results.ndjson', first.files.get('results.ndjson')!);
    expect(await run([...args, '--rate', '200', '--concurrency', '4'], rerun)).to.equal(0, rerun.err);
    const latest = lastPerLine(rerun.results());
    expect([...latest.keys()].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of latest.values()) {
      expect(r.status, `line ${String(r.line)}`).to.be.oneOf(['created', 'replayed']);
      expect(r.identity_id).to.be.a('string');
    }
    expect(new Set([...latest.values()].map((r) => r.identity_id)).size).to.equal(20);
    expect(rerun.out).to.match(new RegExp(`0 invalid, 0 failed, ${String(before.length)} skipped of 20 lines`));

    const byRef = await identitiesByRef();
    for (const r of latest.values()) expect(byRef.get(r.ref_id as string)).to.deep.equal([r.identity_id]);
  });

  it('kill -9 with creates in flight: the resume maps every line to exactly one identity, none twice', async function () {
    this.timeout(120_000);
    const lines = 30;
    const dir = await mkdtemp(join(tmpdir(), 'import-kill-'));
    try {
      const file = join(dir, 'people.ndjson');
      const out = join(dir, 'results.ndjson');
      await writeFile(file, Array.from({ length: lines }, () => JSON.stringify(bodyWithoutRef())).join('\n'));
      const known = await identitiesByRef();
      const cli = (): { exited: Promise<number | null>; kill(): void; stderr(): string } => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', MAIN, 'import', '--file', file, '--out', out, '--rate', '20', '--concurrency', '4'],
          { env: { ...process.env, ...env() }, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        const exited = new Promise<number | null>((resolve) => {
          child.once('close', (code) => {
            resolve(code);
          });
        });
        return { exited, kill: () => child.kill('SIGKILL'), stderr: () => stderr };
      };
      const read = async (): Promise<Record_[]> => {
        const text = await readFile(out, 'utf8').catch(() => '');
        return text
          .split('\n')
          .filter((l) => l.endsWith('}'))
          .map((l) => JSON.parse(l) as Record_);
      };

      const first = cli();
      while ((await read()).filter((r) => r.status === 'created').length < 5) {
        if (/^error:/m.test(first.stderr())) throw new Error(first.stderr());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // The next four creates are made by the emulator, which then never finishes answering: in flight at the kill.
      const stall = emulator().faults.inject(
        { kind: 'stall-body' },
        { times: 4, match: { method: 'POST', path: IDENTITIES_ROUTE } },
      );
      const state = { exited: false };
      void first.exited.then(() => {
        state.exited = true;
      });
      while (stall.hits < 4 && !state.exited) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(state.exited, 'the import was still running with four creates in flight').to.equal(false);
      first.kill();
      await first.exited;
      const atKill = await read();
      const resultsAtKill = atKill.filter((r) => r.status !== 'sending');
      expect(resultsAtKill.length).to.be.below(lines);

      const resumed = cli();
      expect(await resumed.exited).to.equal(0, resumed.stderr());
      const latest = lastPerLine(await read());
      expect(latest.size).to.equal(lines);
      const statuses = [...latest.values()].map((r) => r.status as string);
      expect(statuses.filter((s) => s !== 'created' && s !== 'replayed')).to.deep.equal([]);
      // The four stalled creates had made their identities: the resume found them through the recorded ref_ids.
      expect(statuses.filter((s) => s === 'replayed').length).to.be.at.least(4);

      const byRef = await identitiesByRef();
      const ours = [...byRef].filter(([ref]) => !known.has(ref));
      expect(ours.length, 'identities the import made').to.equal(lines);
      expect(
        ours.filter(([, ids]) => ids.length > 1),
        'duplicated',
      ).to.deep.equal([]);
      for (const r of latest.values()) expect(byRef.get(r.ref_id as string)).to.deep.equal([r.identity_id]);
    } finally {
      emulator().faults.clear();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('repairs a last line torn by a crash before appending, and resends that line under its recorded ref_id', async () => {
    const bodies = [bodyWithoutRef(), bodyWithoutRef(), bodyWithoutRef()];
    const input = bodies.map((b) => JSON.stringify(b)).join('\n');
    const first = new ImportIo(env());
    first.files.set('people.ndjson', input);
    const args = ['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '200'];
    expect(await run([...args, '--concurrency', '1'], first)).to.equal(0, first.err);
    const whole = first.files.get('results.ndjson')!;
    const records = parse(whole);
    const lastResult = records.at(-1)!;
    expect(lastResult.status).to.equal('created');

    // The crash came in the middle of writing the last result.
    const lastText = `${JSON.stringify(lastResult)}\n`;
    const kept = whole.slice(0, whole.length - lastText.length);
    const torn = new ImportIo(env());
    torn.files.set('people.ndjson', input);
    torn.files.set('results.ndjson', kept + lastText.slice(0, 20));
    expect(await run(args, torn)).to.equal(0, torn.err);
    expect(torn.truncations).to.deep.equal([{ path: 'results.ndjson', bytes: Buffer.byteLength(kept) }]);
    expect(torn.err).to.match(/the last line of results\.ndjson was cut short by a crash; removed/);
    const after = parse(torn.files.get('results.ndjson')!);
    expect(after.slice(0, records.length - 1)).to.deep.equal(records.slice(0, -1));
    const again = lastPerLine(after).get(lastResult.line as number)!;
    expect(again).to.deep.include({
      status: 'replayed',
      ref_id: lastResult.ref_id,
      identity_id: lastResult.identity_id,
    });
    expect(torn.out).to.match(/0 created, 1 replayed, 0 invalid, 0 failed, 2 skipped of 3 lines/);

    // A whole last record that only lacks its newline is kept: the newline is added and the line stays done.
    const unterminated = new ImportIo(env());
    unterminated.files.set('people.ndjson', input);
    unterminated.files.set('results.ndjson', whole.slice(0, -1));
    expect(await run(args, unterminated)).to.equal(0, unterminated.err);
    expect(unterminated.truncations).to.deep.equal([]);
    expect(unterminated.files.get('results.ndjson')).to.equal(whole);
    expect(unterminated.out).to.match(/0 created, 0 replayed, 0 invalid, 0 failed, 3 skipped of 3 lines/);
  });

  it('repairs a torn last line of a real file (fs.truncate by bytes, after multi-byte text)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-torn-'));
    try {
      const out = join(dir, 'results.ndjson');
      const body = bodyWithoutRef();
      // An older record whose ref_id is not ASCII-only would break a character count; bytes are what fs cuts.
      const earlier = `${JSON.stringify({ line: 9, ref_id: 'é-ref', status: 'failed', error: 'paxos_server_error' })}\n`;
      await writeFile(out, `${earlier}{"line":1,"ref_id":"ab`);
      const io = new (class extends FakeIo {
        override readonly readFile = (path: string): Promise<string> =>
          path === 'people.ndjson' ? Promise.resolve(JSON.stringify(body)) : readFile(path, 'utf8');
      })(env());
      expect(await run(['import', '--file', 'people.ndjson', '--out', out, '--rate', '200'], io)).to.equal(0, io.err);
      const records = parse(await readFile(out, 'utf8'));
      expect(records[0]).to.deep.equal(JSON.parse(earlier));
      expect(records.slice(1).map((r) => r.status)).to.deep.equal(['sending', 'created']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says, without --out, that the ref_ids generated for lines without one are not kept', async () => {
    const io = new ImportIo(env());
    io.files.set(
      'people.ndjson',
      [seedBody(), bodyWithoutRef(), bodyWithoutRef()].map((b) => JSON.stringify(b)).join('\n'),
    );
    expect(await run(['import', '--file', 'people.ndjson', '--rate', '200', '--concurrency', '1'], io)).to.equal(0);
    expect(io.err.match(/no ref_id and there is no --out/g)).to.have.length(1, 'said once');
    expect(io.err).to.match(/line 2 has no ref_id and there is no --out .*: a rerun cannot replay such lines/);
    expect(io.out).to.match(/import: 3 created, 0 replayed, 0 invalid, 0 failed, 0 skipped of 3 lines/);
  });

  it('counts created, replayed, invalid, failed and skipped separately', async () => {
    const created = seedBody();
    const replayed = seedBody();
    const skipped = seedBody();
    const conflicting = seedBody();
    const earlier = new ImportIo(env());
    earlier.files.set('earlier.ndjson', [replayed, conflicting].map((b) => JSON.stringify(b)).join('\n'));
    expect(await run(['import', '--file', 'earlier.ndjson', '--rate', '200'], earlier)).to.equal(0, earlier.err);
    // The same person under another ref_id: Paxos refuses it as a CIP conflict.
    const conflict = { ...conflicting, ref_id: `${String(conflicting.ref_id)}-again` };
    const invalid = seedBody();
    delete invalid.person_details.first_name;
    const input = [skipped, created, replayed, invalid, conflict, bodyWithoutRef()].map((b) => JSON.stringify(b));
    const io = new ImportIo(env());
    io.files.set('people.ndjson', input.join('\n'));
    io.files.set(
      'results.ndjson',
      `${JSON.stringify({ line: 1, ref_id: skipped.ref_id, status: 'created', identity_id: 'id-from-earlier' })}\n`,
    );
    expect(await run(['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '200'], io)).to.equal(
      1,
      'an invalid or failed line makes the exit code 1',
    );
    expect(io.out).to.match(/^import: 2 created, 1 replayed, 1 invalid, 1 failed, 1 skipped of 6 lines\n$/m);
    const latest = lastPerLine(io.results());
    expect([2, 3, 4, 5, 6].map((line) => latest.get(line)!.status)).to.deep.equal([
      'created',
      'replayed',
      'invalid',
      'failed',
      'created',
    ]);
    expect(latest.get(5)).to.include({ error: 'identity_already_exists', http_status: 409 });
  });
});

describe('ImportIdentities: refIds, outcomes, totals and pacing', () => {
  it('counts each outcome once and reports an array source’s total', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    await service.createIdentity(identityCommand('423-45-1000', 'earlier'));
    const summary = await service.importIdentities(
      [
        identityCommand('423-45-1001', 'new-1'),
        identityCommand('423-45-1002'),
        identityCommand('423-45-1000', 'earlier'),
        { person: { firstName: 'Bad' } } as CreateIdentityCommand,
        identityCommand('423-45-1001', 'new-1-again'),
      ],
      { ratePerSecond: 1000, concurrency: 1 },
    );
    expect(summary).to.deep.include({
      done: 5,
      total: 5,
      created: 2,
      replayed: 1,
      invalid: 1,
      failed: 1,
      interrupted: false,
    });
  });

  it('hands a generated refId to beforeSend before sending, and a rerun with it replays', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const commands = [identityCommand('523-45-1000'), identityCommand('523-45-1001'), identityCommand('523-45-1002')];
    const sent: { line: number; refId: string; generated: boolean }[] = [];
    let n = 0;
    const results: ImportResult[] = [];
    await expect(
      service.importIdentities(commands, {
        concurrency: 1,
        ratePerSecond: 1000,
        newRefId: () => `generated-${String((n += 1))}`,
        beforeSend: (send) => {
          // The write-ahead record fails for the third line: it must not be sent.
          if (send.line === 3) throw new Error('disk full');
          sent.push(send);
        },
        onResult: (r) => void results.push(r),
      }),
    ).to.be.rejectedWith('disk full');
    expect(sent).to.deep.equal([
      { line: 1, refId: 'generated-1', generated: true },
      { line: 2, refId: 'generated-2', generated: true },
    ]);
    expect(results.map((r) => [r.line, r.refId, r.ok && r.outcome])).to.deep.equal([
      [1, 'generated-1', 'created'],
      [2, 'generated-2', 'created'],
    ]);
    const listed: string[] = [];
    for await (const identity of service.listIdentities()) listed.push(identity.refId ?? '');
    expect(listed.sort()).to.deep.equal(['generated-1', 'generated-2'], 'line 3 was never sent');

    // The rerun hands back the recorded refIds: the first two replay, the third is generated anew.
    const rerun: ImportResult[] = [];
    const again = await service.importIdentities(
      [
        { line: 1, refId: 'generated-1', command: commands[0]! },
        { line: 2, refId: 'generated-2', command: commands[1]! },
        { line: 3, command: commands[2]! },
      ],
      { newRefId: () => 'generated-3', ratePerSecond: 1000, onResult: (r) => void rerun.push(r) },
    );
    expect(again).to.deep.include({ created: 1, replayed: 2, failed: 0, total: 3 });
    expect(rerun.find((r) => r.line === 3)).to.deep.include({ refId: 'generated-3', outcome: 'created' });
  });

  it('never lets more than the rate into a one-second window after a stall (no catch-up burst)', async function () {
    this.timeout(30_000);
    const service = createIdentityService({ adapter: 'in-memory' });
    // The pacing's clock: real time plus the stalls the test injects, as a blocked event loop would show them. It
    // ticks between callbacks only, so that the time the pacer counts a start at and the time recorded here when the
    // create is sent, both read in one synchronous stretch, are the same reading.
    let stalled = 0;
    let reading: number | undefined;
    const now = (): number => {
      if (reading === undefined) {
        reading = performance.now() + stalled;
        queueMicrotask(() => (reading = undefined));
      }
      return reading;
    };
    const starts: number[] = [];
    const recording = {
      execute: (c: CreateIdentityCommand) => {
        starts.push(now());
        return service.createIdentity(c);
      },
    } as unknown as CreateIdentity;
    const commands = Array.from({ length: 250 }, (_, i) =>
      identityCommand(`623-45-${String(1000 + i)}`, `pace-${String(i)}`),
    );
    const summary = await new ImportIdentities(recording).execute(commands, {
      ratePerSecond: 100,
      concurrency: 16,
      now,
      beforeSend: ({ line }) => {
        // Stalls just short of the schedule's reset: the late slots are kept.
        if (line === 60 || line === 150) stalled += 95;
      },
    });
    expect(summary.created).to.equal(250);
    expect(starts.length).to.equal(250);
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[j]! <= starts[i]! - 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most, 'starts in the busiest one-second window').to.be.at.most(100);
  });
});
