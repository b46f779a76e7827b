import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { run } from '../../src/cli/program.js';
import { seedBody } from '../emulator/support.js';
import { FakeIo } from './support.js';

describe('CLI: paxos-identity emulator', () => {
  it('runs the emulator in the foreground, prints usable URLs and credentials, and stops on Ctrl-C', async () => {
    const io = new FakeIo();
    const exit = run(['emulator', '--port', '0'], io);
    await io.waitForOutput('Press Ctrl-C to stop.');
    const baseUrl = io.printed('PAXOS_BASE_URL');
    expect(baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(io.printed('PAXOS_ENV')).to.equal('sandbox');
    const token = await fetch(io.printed('PAXOS_TOKEN_URL'), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: io.printed('PAXOS_CLIENT_ID'),
        client_secret: io.printed('PAXOS_CLIENT_SECRET'),
        scope: 'identity:read_identity',
      }),
    });
    expect(token.status).to.equal(200);
    await token.body?.cancel();
    io.pressCtrlC();
    expect(await exit).to.equal(0);
    expect(io.out).to.include('Paxos emulator stopped.');
    let refused: unknown;
    try {
      await fetch(`${baseUrl}/identity/identities/x`);
    } catch (error) {
      refused = error;
    }
    expect(refused, 'the port is closed after Ctrl-C').to.be.instanceOf(TypeError);
  });

  for (const [flags, expected] of [
    [[], 'APPROVED'],
    [['--manual-approval'], 'PENDING'],
    [['--auto-approve'], 'APPROVED'],
  ] as const) {
    it(`§9 ${flags.join(' ') || 'by default'}: a valid passthrough person reads ${expected} after its create`, async () => {
      const io = new FakeIo();
      const exit = run(['emulator', '--port', '0', ...flags], io);
      try {
        await io.waitForOutput('Press Ctrl-C to stop.');
        const baseUrl = io.printed('PAXOS_BASE_URL');
        const tokenAnswer = await fetch(io.printed('PAXOS_TOKEN_URL'), {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: io.printed('PAXOS_CLIENT_ID'),
            client_secret: io.printed('PAXOS_CLIENT_SECRET'),
            scope: 'identity:read_identity identity:write_identity',
          }),
        });
        const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const created = await fetch(`${baseUrl}/identity/identities`, {
          method: 'POST',
          headers,
          body: JSON.stringify(seedBody()),
        });
        const { id } = (await created.json()) as { id: string };
        const got = await fetch(`${baseUrl}/identity/identities/${id}`, { headers });
        expect(((await got.json()) as { summary_status: string }).summary_status).to.equal(expected);
      } finally {
        io.pressCtrlC();
        expect(await exit).to.equal(0);
      }
    });
  }

  it('says in one line when the port is taken, and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const io = new FakeIo();
      expect(await run(['emulator', '--port', String(port)], io)).to.equal(1);
      expect(io.err).to.equal(`error: cannot start the emulator on 127.0.0.1:${port} (EADDRINUSE)\n`);
    } finally {
      await new Promise<void>((resolve) =>
        blocker.close(() => {
          resolve();
        }),
      );
    }
  });

  it('refuses a port that is not a number with exit code 2', async () => {
    const io = new FakeIo();
    expect(await run(['emulator', '--port', 'abc'], io)).to.equal(2);
    expect(io.err).to.include("option '--port <port>' argument 'abc' is invalid");
  });

  it('prints help with exit code 0, and an unknown command with exit code 2', async () => {
    const help = new FakeIo();
    expect(await run(['--help'], help)).to.equal(0);
    expect(help.out).to.include('emulator');
    const unknown = new FakeIo();
    expect(await run(['frobnicate'], unknown)).to.equal(2);
    expect(unknown.err).to.include("unknown command 'frobnicate'");
  });
});
