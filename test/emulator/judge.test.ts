import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createIdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator, type RecordedJudgement } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { ISSUE_CODES } from '../../src/testing/emulator/schemas.js';
import { judgedSoFar } from '../support/judgements.hooks.js';
import { call, seedBody, tokenFor } from './support.js';
import { paxosOptionsFor } from '../support/paxos.js';

const JUDGES = ['schemas.ts', 'rules.ts', 'judge.ts'];
const EMULATOR_DIR = resolve(import.meta.dirname, '../../src/testing/emulator');
const SRC = resolve(import.meta.dirname, '../../src');

/** Every file the module imports, transitively, as paths relative to src (packages and node:* as they are). */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
    const spec = match[1] ?? '';
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    const key = relative(SRC, target);
    if (seen.has(key)) continue;
    seen.add(key);
    if (target.endsWith('.ts')) importGraph(target, seen);
  }
  return seen;
}

describe('emulator judge', () => {
  it("imports nothing of the library's domain, ports or adapters, directly or through another module", () => {
    for (const judge of JUDGES) {
      const graph = [...importGraph(resolve(EMULATOR_DIR, judge))];
      expect(
        graph.filter((path) => /^(domain|ports|adapters|application)\//.test(path)),
        judge,
      ).to.deep.equal([]);
      expect(graph, judge).to.include('testing/emulator/paxos-schemas.json');
    }
  });

  describe('against a running emulator', () => {
    let emulator: PaxosEmulator;
    const seen: RecordedJudgement[] = [];

    before(async () => {
      emulator = await startPaxosEmulator({ onJudgement: (j) => seen.push(j) });
    });

    after(async () => {
      await emulator.close();
    });

    it('judges every body the Paxos adapter sends, and each one passes', async () => {
      const before = judgedSoFar();
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: paxosOptionsFor(emulator),
      });
      const created = await service.createIdentity(aPerson().build());
      await service.updateIdentity(created.id, { person: { lastName: 'Smith' } });
      await service.setSandboxStatus(created.id, { idVerification: 'APPROVED' });
      const library = seen.filter((j) => j.userAgent?.startsWith('paxos-identity/'));
      expect(library.map((j) => j.schema)).to.deep.equal([
        'CreateIdentityRequest',
        'IdentityPublicUpdateIdentityBody',
        'IdentitySandboxSandboxSetIdentityStatusBody',
      ]);
      expect(library.every((j) => j.issues.length === 0)).to.equal(true);
      expect(judgedSoFar()).to.equal(before + 3);
    });

    it('records a refused body with its issues, by wire path and without values', async () => {
      const token = await tokenFor(emulator);
      const body = seedBody();
      body.person_details.cip_id_country = 'us';
      const response = await call(emulator, 'POST', '/identity/identities', { token, body });
      expect(response.status).to.equal(400);
      const last = seen.at(-1);
      expect(last?.schema).to.equal('CreateIdentityRequest');
      expect(last?.issues.map((i) => `${i.path}:${i.code}`)).to.deep.equal(['person_details.cip_id_country:country']);
      expect(JSON.stringify(last)).not.to.include(body.person_details.cip_id);
      expect(
        response.body.meta.violations.every((v: { code: string }) =>
          (ISSUE_CODES as readonly string[]).includes(v.code),
        ),
      ).to.equal(true);
    });

    it('accepts what the schema and the documented rules accept: an empty update', async () => {
      const token = await tokenFor(emulator);
      const created = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
      const response = await call(emulator, 'PUT', `/identity/identities/${created.body.id}`, { token, body: {} });
      expect(response.status).to.equal(200);
    });
  });
});
