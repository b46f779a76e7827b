import { expect } from 'chai';
import { createIdentityService, NewIdentity } from '../../src/index.js';
import { aPerson, anInstitution } from '../support/builders.js';
import { recordingLogger } from '../support/logging.js';
import { rejection, startRig, type Rig } from './support.js';

// Sizes no caller should send: each must end quickly, with a bounded answer, and never reach Paxos unbounded.
describe('attacks: hostile sizes', () => {
  let rig: Rig;

  before(async () => {
    rig = await startRig();
  });

  after(async () => {
    await rig.emulator.close();
  });

  it('a 10 MB business description: judged in well under a second, one warning, and a clear error, no retry storm', async () => {
    const member = await rig.service.createIdentity(aPerson().build());
    const description = 'a'.repeat(10 * 1024 * 1024);
    const command = anInstitution([member.id], { businessDescription: description });
    const started = performance.now();
    const warnings = NewIdentity.create(command).warnings;
    expect(performance.now() - started).to.be.lessThan(1000);
    expect(warnings.filter((w) => w.path.includes('businessDescription'))).to.have.length(1);
    expect(JSON.stringify(warnings).length).to.be.lessThan(2000);
    rig.emulator.clearRequestLog();
    const error = await rejection(rig.service.createIdentity(command));
    expect(error).to.be.instanceOf(Error);
    // The emulator refuses a body over 1 MiB with a 413; the library must not resend it over and over.
    const posts = rig.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v2/identity/identities');
    expect(posts.length).to.be.at.most(1);
    expect((error as Error).message.length).to.be.lessThan(2000);
  });

  // The largest map the library sends (more is refused at the count, see resource-edges.test.ts).
  it('10,000 metadata keys of 101 characters: a bounded number of warnings and log lines', async () => {
    const metadata: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) metadata[`k${String(i).padStart(100, '0')}`] = 'v';
    const command = aPerson().withCommand({ metadata }).build();
    const started = performance.now();
    const warnings = NewIdentity.create(command).warnings;
    expect(performance.now() - started).to.be.lessThan(5000);
    expect(warnings.length, 'warnings for one metadata map').to.be.at.most(10);
    const logger = recordingLogger();
    const service = createIdentityService({ adapter: 'in-memory', logger });
    await service.createIdentity(command);
    expect(logger.lines.length, 'log lines for one create').to.be.at.most(10);
  });

  // Each long value warns at its own path: the warnings of one command stop at 100 and one line saying the rest were
  // left out (they once grew without bound, and their linear dedupe made judging quadratic).
  it('10,000 metadata values over 100 characters: a bounded number of warnings, judged in under 5 s', () => {
    const metadata: Record<string, string> = {};
    const long = 'v'.repeat(101);
    for (let i = 0; i < 10_000; i++) metadata[`k${i}`] = long;
    const started = performance.now();
    const warnings = NewIdentity.create(aPerson().withCommand({ metadata }).build()).warnings;
    expect(performance.now() - started).to.be.lessThan(5000);
    expect(warnings.length, 'warnings for one command').to.be.at.most(101);
    expect(warnings.at(-1)?.code).to.equal('max_items');
  });

  it('100,000 metadata values that are not strings: refused in under 5 s with a message of bounded length', async () => {
    const metadata: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) metadata[`k${i}`] = 1;
    const service = createIdentityService({ adapter: 'in-memory' });
    const started = performance.now();
    const error = (await rejection(
      service.createIdentity(
        aPerson()
          .withCommand({ metadata: metadata as never })
          .build(),
      ),
    )) as Error;
    expect(performance.now() - started).to.be.lessThan(5000);
    expect(error.name).to.equal('IdentityValidationError');
    expect(error.message.length).to.be.lessThan(2000);
  });

  it('an institution with 10,001 members is refused before anything is sent; one violation, not 10,001', async () => {
    const ids = Array.from({ length: 10_001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const logger = recordingLogger();
    const service = createIdentityService({ adapter: 'in-memory', logger });
    const started = performance.now();
    const error = (await rejection(service.createIdentity(anInstitution(ids)))) as {
      name: string;
      violations: { code: string }[];
    };
    expect(performance.now() - started).to.be.lessThan(2000);
    expect(error.name).to.equal('IdentityValidationError');
    expect(error.violations.map((v) => v.code)).to.include('max_items');
    expect(error.violations.length).to.be.lessThan(10);
  });

  it('createAccount with 100,000 members is refused before anything is sent, quickly and with few violations', async () => {
    const owner = await rig.service.createIdentity(aPerson().build());
    const members = Array.from({ length: 100_000 }, (_, i) => ({
      identityId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      roles: ['AUTHORIZED_USER' as const],
    }));
    rig.emulator.clearRequestLog();
    const started = performance.now();
    const error = (await rejection(rig.service.createAccount({ identityId: owner.id, members }))) as {
      name: string;
      violations?: { code: string }[];
    };
    expect(performance.now() - started).to.be.lessThan(2000);
    expect(error.name).to.equal('IdentityValidationError');
    expect(error.violations?.length ?? 0).to.be.lessThan(10);
    expect(rig.emulator.requests.filter((r) => r.path.includes('/accounts'))).to.have.length(0);
  });

  it('createAccount with 5,000 members (under every read cap) ends with an answer, never a hang', async () => {
    const owner = await rig.service.createIdentity(aPerson().build());
    const members = Array.from({ length: 5_000 }, (_, i) => ({
      identityId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      roles: ['AUTHORIZED_USER' as const],
    }));
    const started = performance.now();
    const error = await rejection(rig.service.createAccount({ identityId: owner.id, members }));
    expect(performance.now() - started).to.be.lessThan(10_000);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message.length).to.be.lessThan(5000);
  });
});
