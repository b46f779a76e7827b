import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { seedBody } from '../emulator/support.js';
import { CliProject, shellStatusOf } from './spawn.js';

/**
 * What README "## CLI" documents for Ctrl-C: the command winds down, then the process ends as interrupted, which a
 * shell reports as 130 (143 for SIGTERM), the same through npx as run directly.
 */
describe('CLI: Ctrl-C and SIGTERM, through npx and directly', function () {
  // Each case starts node on the TypeScript sources, twice under npx.
  this.timeout(120_000);
  let project: CliProject;

  before(() => {
    project = new CliProject();
  });
  after(() => {
    project.remove();
  });

  it('npx paxos-identity emulator: Ctrl-C stops the emulator and exits 130', async () => {
    const cli = project.npx(['emulator', '--port', '0']);
    await cli.waitFor('Press Ctrl-C to stop.');
    cli.signalGroup('SIGINT');
    const ended = await cli.ended;
    expect(shellStatusOf(ended), ended.stderr).to.equal(130);
    expect(ended.stdout).to.include('Paxos emulator stopped.');
  });

  it('npx paxos-identity import: Ctrl-C finishes the creates in flight, records them and exits 130', async () => {
    const lines = Array.from({ length: 40 }, () => JSON.stringify(seedBody()));
    const input = project.file('people.ndjson', `${lines.join('\n')}\n`);
    const out = project.file('results.ndjson', '');
    const cli = project.npx(['import', '--file', input, '--out', out, '--rate', '4', '--emulator']);
    await cli.waitFor('using an embedded Paxos emulator');
    // Interrupted once the first result is recorded: some creates are done, most are not started.
    while (readFileSync(out, 'utf8') === '') await new Promise((resolve) => setTimeout(resolve, 20));
    cli.signalGroup('SIGINT');
    const ended = await cli.ended;
    expect(shellStatusOf(ended), ended.stderr).to.equal(130);
    expect(ended.stderr).to.include('import: interrupted, finishing the calls in flight');
    expect(ended.stdout).to.match(
      /^import: \d+ created, 0 replayed, 0 invalid, 0 failed, 0 skipped of \d+ lines \(interrupted; rerun to continue\)\n$/,
    );
    const created = Number(/^import: (\d+) created/.exec(ended.stdout)?.[1]);
    const recorded = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((text) => JSON.parse(text) as object);
    expect(recorded).to.have.length(created);
    expect(created).to.be.within(1, 39);
    for (const result of recorded) expect(result).to.include({ status: 'created' });
  });

  describe('run directly', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let baseUrl: string;

    before(async () => {
      // Takes every connection and never answers: a call that stays in flight until the CLI is stopped.
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      baseUrl = `http://127.0.0.1:${address.port}`;
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    });

    it('SIGTERM stops the emulator and exits 143', async () => {
      const cli = project.direct(['emulator', '--port', '0']);
      await cli.waitFor('Press Ctrl-C to stop.');
      cli.signalGroup('SIGTERM');
      const ended = await cli.ended;
      expect(shellStatusOf(ended), ended.stderr).to.equal(143);
      expect(ended.stdout).to.include('Paxos emulator stopped.');
    });

    it('Ctrl-C during a get that is still waiting for Paxos exits 130 at once, printing nothing', async () => {
      const cli = project.direct(['get', 'some-id'], {
        PAXOS_BASE_URL: `${baseUrl}/v2`,
        PAXOS_TOKEN_URL: `${baseUrl}/oauth2/token`,
        PAXOS_CLIENT_ID: 'client',
        PAXOS_CLIENT_SECRET: 'secret',
      });
      // The token request is the first call: once it is held open, the command is in flight.
      while (sockets.size === 0) await new Promise((resolve) => setImmediate(resolve));
      cli.signalGroup('SIGINT');
      const ended = await cli.ended;
      expect(shellStatusOf(ended), ended.stderr).to.equal(130);
      expect(ended.stdout).to.equal('');
    });
  });
});
