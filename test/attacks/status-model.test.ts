import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { uniqueSsn } from '../support/builders.js';
import { ALL_SCOPES, call, llcBody, seedBody, tokenFor, uploadPdf } from '../emulator/support.js';

// The emulator's status model against identity-api.md §8.1/§8.2 (inferred derivation) and §8.6, from a raw client.
describe('attacks: the status model (institution approval, DENIED passthrough, EDD)', () => {
  let emulator: PaxosEmulator;
  let token: string;

  before(async () => {
    emulator = await startPaxosEmulator({ approval: 'manual' });
    token = await tokenFor(emulator, `${ALL_SCOPES} events:read_event`);
  });

  after(async () => {
    await emulator.close();
  });

  const create = (body: unknown) => call(emulator, 'POST', '/identity/identities', { token, body });
  const get = (id: string, query = '') => call(emulator, 'GET', `/identity/identities/${id}${query}`, { token });
  const sandbox = (id: string, body: unknown) =>
    call(emulator, 'PUT', `/identity/identities/${id}/sandbox-status`, { token, body });
  const approve = (id: string) =>
    sandbox(id, { id_verification_status: 'APPROVED', sanctions_verification_status: 'APPROVED' });
  const status = async (id: string) => (await get(id)).body.summary_status as string;

  it('an institution whose member is still PENDING is not APPROVED by sanctions alone; the member approval frees it', async () => {
    const member = await create(seedBody());
    expect(await status(member.body.id)).to.equal('PENDING');
    const llc = await create(llcBody([{ identity_id: member.body.id, roles: ['BENEFICIAL_OWNER'] }]));
    expect(llc.status).to.equal(200);
    expect((await sandbox(llc.body.id, { sanctions_verification_status: 'APPROVED' })).status).to.equal(200);
    const held = await get(llc.body.id);
    expect(held.body.summary_status).to.equal('PENDING');
    expect((held.body.status_details.requirements as { type: string }[]).map((r) => r.type)).to.include('MEMBERS');
    await approve(member.body.id);
    expect(await status(llc.body.id)).to.equal('APPROVED');
  });

  it('an institution whose member is DENIED never reads APPROVED, and says MEMBERS failed', async () => {
    const member = await create(seedBody());
    await sandbox(member.body.id, { sanctions_verification_status: 'DENIED' });
    expect(await status(member.body.id)).to.equal('DENIED');
    const llc = await create(llcBody([{ identity_id: member.body.id, roles: ['BENEFICIAL_OWNER'] }]));
    await sandbox(llc.body.id, { sanctions_verification_status: 'APPROVED' });
    const got = await get(llc.body.id);
    expect(got.body.summary_status).not.to.equal('APPROVED');
    const members = (got.body.status_details.requirements as { type: string; status: string }[]).find(
      (r) => r.type === 'MEMBERS',
    );
    expect(members?.status).to.equal('FAILED');
  });

  it('a DENIED passthrough person stays DENIED under a Paxos FROZEN control and under set_user_disabled', async () => {
    const body = seedBody({ ssn: uniqueSsn() });
    body['person_details'].passthrough_verification_status = 'DENIED';
    const created = await create(body);
    expect(await status(created.body.id)).to.equal('DENIED');
    emulator.setPaxosControl(created.body.id, 'FROZEN', 'COMPLIANCE_INVESTIGATION');
    expect(await status(created.body.id)).to.equal('DENIED');
    const disabled = await call(emulator, 'PUT', `/identity/identities/${created.body.id}`, {
      token,
      body: { set_user_disabled: true },
    });
    expect(disabled.status).to.equal(200);
    expect(await status(created.body.id)).to.equal('DENIED');
  });

  it('a DENIED passthrough is not turned into APPROVED by a sanctions APPROVED alone', async () => {
    const body = seedBody();
    body['person_details'].passthrough_verification_status = 'DENIED';
    const created = await create(body);
    await sandbox(created.body.id, { sanctions_verification_status: 'APPROVED' });
    expect(await status(created.body.id)).to.equal('DENIED');
  });

  it('an APPROVED person hit by sanctions later is DENIED, with identity.denied from APPROVED', async () => {
    const created = await create(seedBody());
    await approve(created.body.id);
    expect(await status(created.body.id)).to.equal('APPROVED');
    await sandbox(created.body.id, { sanctions_verification_status: 'DENIED' });
    expect(await status(created.body.id)).to.equal('DENIED');
    const events = await call(emulator, 'GET', '/events?type=identity.denied&limit=100', { token });
    expect(
      (events.body.events as { object: Record<string, unknown> }[]).some(
        (e) => e.object['identity_id'] === created.body.id && e.object['old_summary_status'] === 'APPROVED',
      ),
    ).to.equal(true);
  });

  it('EDD: documents asked for hold a person PENDING through a sandbox approval; the upload then approves it', async () => {
    const created = await create(seedBody());
    emulator.requireDocuments(created.body.id, ['PROOF_OF_FUNDS']);
    await approve(created.body.id);
    const held = await get(created.body.id);
    expect(held.body.summary_status).to.equal('PENDING');
    expect((held.body.status_details.requirements as { type: string }[]).map((r) => r.type)).to.include(
      'ENHANCED_DUE_DILIGENCE',
    );
    expect(await uploadPdf(emulator, token, created.body.id, ['PROOF_OF_FUNDS'], 'funds.pdf')).to.deep.equal({
      slot: 200,
      upload: 200,
    });
    expect(await status(created.body.id)).to.equal('APPROVED');
  });

  it('EDD: a document of another type does not lift the hold', async () => {
    const created = await create(seedBody());
    emulator.requireDocuments(created.body.id, ['PROOF_OF_FUNDS']);
    await approve(created.body.id);
    expect((await uploadPdf(emulator, token, created.body.id, ['PROOF_OF_RESIDENCY'], 'other.pdf')).slot).to.equal(200);
    expect(await status(created.body.id)).to.equal('PENDING');
  });

  it('a client DORMANT control on a PENDING person keeps it PENDING; approval then lands it DISABLED, not APPROVED', async () => {
    const created = await create(seedBody());
    const control = await call(emulator, 'POST', '/identity/controls', {
      token: await tokenFor(emulator, `${ALL_SCOPES} identity:read_identity_control identity:write_identity_control`),
      body: { identity_id: created.body.id, type: 'DORMANT', reason_code: 'INACTIVITY' },
    });
    expect(control.status).to.equal(200);
    expect(await status(created.body.id)).to.equal('PENDING');
    await approve(created.body.id);
    expect(await status(created.body.id)).to.equal('DISABLED');
  });
});
