import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEMO = fileURLToPath(new URL('../../src/demo/main.ts', import.meta.url));

/** `npm start` as a newcomer runs it: the whole output, and how the process ended. */
function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DEMO], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not end within 30 s:\n${output}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the demo (npm start)', function () {
  this.timeout(40_000);

  it('opens an account for the approved person, delivers the webhooks to a local endpoint, and prints no personal data', async () => {
    const { code, output } = await runDemo();
    expect(code, output).to.equal(0);
    expect(output).to.match(/-> account [0-9a-f-]{36} for [0-9a-f-]{36}, profile [0-9a-f-]{36}/);
    const handled = /-> (\d+) events handled, (\d+) undelivered/.exec(output);
    expect(handled, 'the webhook summary line').to.not.equal(null);
    expect(Number(handled![1]), 'events handled by the endpoint').to.be.greaterThan(0);
    expect(Number(handled![2]), 'undelivered').to.equal(0);
    expect(output).to.include('identity.approved');
    for (const personal of ['111-11-1234', '111111234', '1980-01-01', '333-33-3333', '12-3456789'])
      expect(output, personal).to.not.include(personal);
  });
});
