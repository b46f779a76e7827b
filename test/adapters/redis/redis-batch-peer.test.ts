import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOOK = fileURLToPath(new URL('./without-bullmq.ts', import.meta.url));
const CHILD = fileURLToPath(new URL('./without-bullmq-child.ts', import.meta.url));

describe('paxos-identity/redis without bullmq nor ioredis installed', function () {
  this.timeout(20_000);

  it('loads both entries, and a batch call says bullmq is missing with a typed error naming it', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', HOOK, CHILD], { encoding: 'utf8' });
    expect(JSON.parse(out)).to.deep.equal({
      entries: ['function', 'function', 'function'],
      // The hook works: without it the test would pass for the wrong reason.
      bullmqLoadable: false,
      error: { code: 'batch_configuration', field: 'bullmq' },
    });
  });
});
