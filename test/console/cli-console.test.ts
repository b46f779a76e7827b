import { expect } from 'chai';
import { run } from '../../src/cli/program.js';
import { FakeIo } from '../cli/support.js';

describe('CLI: the emulator command serves the console', () => {
  it('prints the console URL, which serves the page, by default', async () => {
    const io = new FakeIo();
    const exit = run(['emulator', '--port', '0'], io);
    try {
      await io.waitForOutput('Press Ctrl-C to stop.');
      const url = /^Console: (\S+)$/m.exec(io.out)?.[1];
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(url ?? '');
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('<title>Paxos emulator console</title>');
    } finally {
      io.pressCtrlC();
      expect(await exit).to.equal(0);
    }
  });

  it('--no-console serves only the API and prints no console URL', async () => {
    const io = new FakeIo();
    const exit = run(['emulator', '--port', '0', '--no-console'], io);
    try {
      await io.waitForOutput('Press Ctrl-C to stop.');
      expect(io.out).not.to.include('Console:');
      const origin = new URL(io.printed('PAXOS_BASE_URL')).origin;
      const page = await fetch(`${origin}/`);
      expect(page.status).to.equal(404);
      await page.body?.cancel();
    } finally {
      io.pressCtrlC();
      expect(await exit).to.equal(0);
    }
  });
});
