import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { call, llcBody, seedBody, tokenFor, identityCalls } from './support.js';

/** Bodies and queries at the edges of Paxos's schema and documented rules, sent as bare HTTP. */
describe('emulator: judged as Paxos judges', () => {
  let emulator: PaxosEmulator;
  let token: string;

  before(async () => {
    emulator = await startPaxosEmulator();
    token = await tokenFor(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  const { create } = identityCalls(() => ({ emulator, token }));
  const paths = (response: { body: { meta?: { violations?: { path: string; code: string }[] } } }) =>
    (response.body.meta?.violations ?? []).map((v) => `${v.path}:${v.code}`);

  /** A TRUST create body (identified by EIN, so with an incorporation address) with the given members. */
  const trustBody = (members: unknown[]) => {
    const body = llcBody(members);
    Object.assign(body.institution_details, { institution_type: 'TRUST', institution_sub_type: 'INVESTMENT' });
    delete body.institution_details.business_description;
    delete body.institution_details.regulation_status;
    delete body.institution_details.trading_type;
    return body;
  };

  it('refuses a TRUST none of whose members is a TRUSTEE, GRANTOR or BENEFICIARY (§6.5, changelog 2025-10-27)', async () => {
    const person = (await create(seedBody())).body.id as string;
    for (const members of [[{ identity_id: person, roles: [] }], [{ identity_id: person }]]) {
      const response = await create(trustBody(members));
      expect(response.status, JSON.stringify(members)).to.equal(400);
      expect(paths(response)).to.deep.equal(['institution_members:required']);
    }
    const accepted = await create(trustBody([{ identity_id: person }, { identity_id: person, roles: ['GRANTOR'] }]));
    expect(accepted.status).to.equal(200);
  });

  it('refuses a date-time whose zone offset is not a time of day (RFC 3339: hours 00-23, minutes 00-59)', async () => {
    for (const at of ['2021-06-16T09:28:14+24:00', '2021-06-16T09:28:14-05:60']) {
      const body = seedBody();
      body.person_details.passthrough_verified_at = at;
      const response = await create(body);
      expect(response.status, at).to.equal(400);
      expect(paths(response), at).to.deep.equal(['person_details.passthrough_verified_at:format']);
    }
    const body = seedBody();
    body.person_details.passthrough_verified_at = '2021-06-16T09:28:14.957068-23:59';
    expect((await create(body)).status).to.equal(200);
  });

  it('never echoes a key that is not shaped like a field name (an SSN or e-mail address sent as a key)', async () => {
    const body = seedBody();
    body.metadata = { '123-45-6789': 1 };
    body.person_details['jane@example.org'] = 'x';
    const response = await create(body);
    expect(response.status).to.equal(400);
    expect(paths(response)).to.deep.equal(['person_details.<key>:unknown_field', 'metadata.<key>:type']);
    expect(JSON.stringify(response.body)).not.to.match(/123-45-6789|jane@example/);
  });

  describe('GET /v2/identity/identities', () => {
    const list = (query: string) => call(emulator, 'GET', `/identity/identities${query}`, { token });

    it("refuses control_types and control_reason_codes outside Paxos's enums, each value checked", async () => {
      for (const [query, path] of [
        ['?control_types=SELL_ONLY&control_types=PAUSED', 'control_types[1]:enum'],
        ['?control_reason_codes=BORED', 'control_reason_codes[0]:enum'],
      ] as const) {
        const response = await list(query);
        expect(response.status, query).to.equal(400);
        expect(paths(response), query).to.deep.equal([path]);
      }
      expect(
        (await list('?control_types=SELL_ONLY&control_types=DORMANT&control_reason_codes=INACTIVITY')).status,
      ).to.equal(200);
    });

    it('caps a limit above the page maximum instead of refusing it (no maximum is documented, §3.3, §12 #15)', async () => {
      const response = await list('?limit=5000');
      expect(response.status).to.equal(200);
      expect(response.body.items).to.be.an('array');
      const tooBig = await list(`?limit=${2 ** 31}`);
      expect(tooBig.status).to.equal(400);
      expect(paths(tooBig)).to.deep.equal(['limit:format']);
    });
  });
});
