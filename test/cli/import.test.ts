import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { run } from '../../src/cli/program.js';
import { createIdentityService, type CreateIdentityCommand, type ImportResult } from '../../src/index.js';
import { seedBody } from '../emulator/support.js';
import { FakeIo, sandboxEnv } from './support.js';
import { identityCommand } from './import-support.js';
import { useEmulator } from '../support/paxos.js';

use(chaiAsPromised);

/** A FakeIo whose appends land in its files, so that a second run reads the first run's results. */
class ImportIo extends FakeIo {
  appends = 0;
  readonly appendFile = (path: string, text: string): Promise<void> => {
    this.appends += 1;
    this.files.set(path, (this.files.get(path) ?? '') + text);
    return Promise.resolve();
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed NDJSON result line, read field by field in assertions
type ResultLine = Record<string, any>;

function resultsOf(io: FakeIo, path = 'results.ndjson'): ResultLine[] {
  const text = io.files.get(path) ?? '';
  expect(text === '' || text.endsWith('\n'), 'the result file ends with a whole line').to.equal(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ResultLine);
}

describe('CLI: paxos-identity import', () => {
  const emulator = useEmulator();

  function envIo(): ImportIo {
    return new ImportIo(sandboxEnv(emulator()));
  }

  it('creates every line, reports a bad line by number with its violations, and goes on', async () => {
    const bodies = [seedBody(), seedBody(), seedBody()];
    const bad = seedBody();
    delete bad.person_details.first_name;
    bad.person_details.nickname = 'JD';
    const file = [
      JSON.stringify(bodies[0]),
      '{"ref_id": "x", ',
      JSON.stringify(bodies[1]),
      JSON.stringify(bad),
      '',
      JSON.stringify(bodies[2]),
    ].join('\n');
    const io = envIo();
    io.files.set('people.ndjson', file);
    const code = await run(['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '200'], io);
    expect(code).to.equal(1, 'a failed line makes the exit code 1');

    const results = resultsOf(io);
    expect(results.map((r) => r.line).sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 6]);
    const byLine = new Map(results.map((r) => [r.line as number, r]));
    for (const [line, body] of [
      [1, bodies[0]],
      [3, bodies[1]],
      [6, bodies[2]],
    ] as const) {
      expect(byLine.get(line)).to.include({ status: 'created', ref_id: body!.ref_id });
      expect(byLine.get(line)!.identity_id).to.be.a('string');
    }
    expect(byLine.get(2)).to.deep.equal({
      line: 2,
      status: 'invalid',
      error: 'identity_invalid',
      violations: [{ path: 'body', code: 'format' }],
    });
    expect(byLine.get(4)).to.include({ status: 'invalid', ref_id: bad.ref_id, error: 'identity_invalid' });
    expect(byLine.get(4)!.violations).to.deep.include.members([
      { path: 'person_details.nickname', code: 'unknown_field' },
      { path: 'person_details.first_name', code: 'required' },
    ]);
    expect(io.err).to.match(/line 2: invalid, 1 violation; not sent/);
    expect(io.err).to.match(
      /line 4: invalid, 2 violations; not sent\n {2}person_details\.nickname: .*\[unknown_field\]/,
    );
    expect(io.out).to.match(/import: 3 created, 0 replayed, 2 invalid, 0 failed, 0 skipped of 5 lines/);

    // No personal data in anything the import wrote.
    const everything = io.out + io.err + (io.files.get('results.ndjson') ?? '');
    for (const body of [...bodies, bad]) {
      expect(everything).not.to.include(body.person_details.cip_id);
      expect(everything).not.to.include('1980-01-01');
    }
    const got = await run(['get', byLine.get(6)!.identity_id], envIo());
    expect(got).to.equal(0);
  });

  it('resumes: a rerun skips the lines its result file records as created and retries the rest', async () => {
    const bodies = [seedBody(), seedBody(), seedBody(), seedBody()];
    const io = envIo();
    io.files.set('people.ndjson', bodies.map((b) => JSON.stringify(b)).join('\n'));
    // An earlier run created lines 1 and 2, then was stopped; line 3 had failed.
    const first = envIo();
    first.files.set(
      'two.ndjson',
      bodies
        .slice(0, 2)
        .map((b) => JSON.stringify(b))
        .join('\n'),
    );
    expect(await run(['import', '--file', 'two.ndjson', '--out', 'results.ndjson', '--rate', '200'], first)).to.equal(
      0,
    );
    const earlier = resultsOf(first);
    io.files.set(
      'results.ndjson',
      `${first.files.get('results.ndjson')!}${JSON.stringify({ line: 3, ref_id: bodies[2]!.ref_id, status: 'failed', error: 'paxos_server_error', http_status: 503 })}\n`,
    );

    const before = emulator().requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/identity/identities'),
    ).length;
    expect(await run(['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '200'], io)).to.equal(
      0,
    );
    const posts =
      emulator().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/identity/identities')).length - before;
    expect(posts).to.equal(2, 'only lines 3 and 4 are sent again');
    expect(io.err).to.match(/2 lines already created in results\.ndjson, skipped/);
    expect(io.out).to.match(/import: 2 created, 0 replayed, 0 invalid, 0 failed, 2 skipped of 4 lines/);

    const results = resultsOf(io);
    expect(results.slice(0, 2)).to.deep.equal(earlier);
    const latest = new Map(results.map((r) => [r.line as number, r]));
    expect([...latest.keys()].sort()).to.deep.equal([1, 2, 3, 4]);
    for (const line of [1, 2, 3, 4]) expect(latest.get(line)!.status).to.equal('created');

    // Without the result file, a rerun replays every ref_id: the same identities, nothing new.
    const again = envIo();
    again.files.set('people.ndjson', io.files.get('people.ndjson')!);
    expect(await run(['import', '--file', 'people.ndjson', '--out', 'again.ndjson', '--rate', '200'], again)).to.equal(
      0,
    );
    const replays = resultsOf(again, 'again.ndjson');
    expect(replays.map((r) => r.status)).to.deep.equal(['replayed', 'replayed', 'replayed', 'replayed']);
    const replayed = new Map(replays.map((r) => [r.line as number, r.identity_id as string]));
    for (const line of [1, 2, 3, 4]) expect(replayed.get(line)).to.equal(latest.get(line)!.identity_id);
    expect(again.out).to.match(/import: 0 created, 4 replayed, 0 invalid, 0 failed, 0 skipped of 4 lines/);
  });

  it('Ctrl-C stops after the calls in flight: every started line has its whole result line, and a rerun finishes', async () => {
    const bodies = Array.from({ length: 40 }, () => seedBody());
    const io = envIo();
    io.files.set('people.ndjson', bodies.map((b) => JSON.stringify(b)).join('\n'));
    const running = run(
      ['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '20', '--concurrency', '2'],
      io,
    );
    // Press Ctrl-C once a few results are written.
    while (io.appends < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    io.pressCtrlC();
    expect(await running).to.equal(1, 'an interrupted import exits 1');
    const partial = resultsOf(io);
    expect(partial.length).to.be.within(3, 39);
    expect(partial.every((r) => r.status === 'created')).to.equal(true);
    expect(io.out).to.match(/interrupted; rerun to continue/);

    const rest = envIo();
    rest.files.set('people.ndjson', io.files.get('people.ndjson')!);
    rest.files.set('results.ndjson', io.files.get('results.ndjson')!);
    expect(
      await run(
        ['import', '--file', 'people.ndjson', '--out', 'results.ndjson', '--rate', '500', '--concurrency', '8'],
        rest,
      ),
    ).to.equal(0);
    const all = resultsOf(rest);
    expect(all.length).to.equal(40);
    expect(new Set(all.map((r) => r.line)).size).to.equal(40);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const io = envIo();
    io.files.set('people.ndjson', [seedBody(), seedBody(), seedBody()].map((b) => JSON.stringify(b)).join('\n'));
    expect(await run(['import', '--file', 'people.ndjson', '--rate', '50', '--progress-interval', '1'], io)).to.equal(
      0,
    );
    expect(io.err).to.match(/import: 3\/3 done, 0 errors, [\d.]+\/s, ETA 0s/);
  });

  it('refuses a rate that is not a positive number', async () => {
    const io = envIo();
    expect(await run(['import', '--file', 'people.ndjson', '--rate', '0'], io)).to.equal(2);
    expect(io.err).to.match(/must be a positive number/);
  });
});

describe('IdentityService.importIdentities', () => {
  it('creates from an async iterable with bounded concurrency, reports each result and progress, and replays ref_ids', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    // eslint-disable-next-line @typescript-eslint/require-await -- the case is about an async iterable source
    async function* source(): AsyncGenerator<CreateIdentityCommand> {
      for (let i = 0; i < 20; i++) yield identityCommand(`123-45-${String(1000 + i)}`, `ref-${i}`);
      yield { person: { firstName: 'Bad' } } as CreateIdentityCommand;
    }
    const results: ImportResult[] = [];
    const progress: number[] = [];
    const summary = await service.importIdentities(source(), {
      ratePerSecond: 1000,
      concurrency: 3,
      total: 21,
      onResult: (r) => {
        results.push(r);
      },
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).to.include({
      done: 21,
      created: 20,
      replayed: 0,
      invalid: 1,
      failed: 0,
      total: 21,
      interrupted: false,
    });
    expect(progress).to.deep.equal(Array.from({ length: 21 }, (_, i) => i + 1));
    const bad = results.find((r) => r.line === 21)!;
    expect(bad).to.include({ ok: false, outcome: 'invalid', code: 'identity_invalid' });
    expect(!bad.ok && bad.violations!.length).to.be.greaterThan(0);

    const again = await service.importIdentities([identityCommand('123-45-1000', 'ref-0')]);
    expect(again).to.include({ created: 0, replayed: 1, failed: 0, total: 1 });
    const first = results.find((r) => r.line === 1)!;
    const replay: ImportResult[] = [];
    await service.importIdentities([identityCommand('123-45-1000', 'ref-0')], { onResult: (r) => void replay.push(r) });
    expect(replay[0]).to.deep.equal({
      line: 1,
      refId: 'ref-0',
      ok: true,
      outcome: 'replayed',
      identityId: first.ok ? first.identityId : '',
    });
  });

  it('stops starting creates once the signal aborts', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const controller = new AbortController();
    const commands = Array.from({ length: 50 }, (_, i) => identityCommand(`323-45-${String(1000 + i)}`, `stop-${i}`));
    const summary = await service.importIdentities(commands, {
      ratePerSecond: 200,
      signal: controller.signal,
      onResult: (r) => {
        if (r.line === 5) controller.abort();
      },
    });
    expect(summary.interrupted).to.equal(true);
    expect(summary.done).to.be.within(5, 10);
  });

  it('refuses a rate or concurrency that makes no sense', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    await expect(service.importIdentities([], { ratePerSecond: 0 })).to.be.rejectedWith(RangeError);
    await expect(service.importIdentities([], { concurrency: 0 })).to.be.rejectedWith(RangeError);
  });
});
