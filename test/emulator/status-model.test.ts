import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { ALL_SCOPES, call, llcBody, seedBody, tokenFor, identityCalls, uploadPdf } from './support.js';

/** A person Paxos verifies itself (no passthrough details): the sandbox does not auto-approve it. */
function paxosVerifiedBody(): Record<string, unknown> {
  const body = seedBody();
  const details: Record<string, unknown> = { ...(body['person_details'] as object), verifier_type: 'PAXOS' };
  delete details['passthrough_verifier_type'];
  delete details['passthrough_verified_at'];
  return { ...body, person_details: details };
}

async function emulatorOn(approval?: 'manual' | 'auto'): Promise<{ emulator: PaxosEmulator; token: string }> {
  const emulator = await startPaxosEmulator(approval === undefined ? {} : { approval });
  return { emulator, token: await tokenFor(emulator, `${ALL_SCOPES} events:read_event`) };
}

describe("emulator: the sandbox's status model (identity-api.md §4.1, §4.11, §8, §9)", () => {
  let emulator: PaxosEmulator;
  let token: string;

  before(async () => {
    ({ emulator, token } = await emulatorOn());
  });

  after(async () => {
    await emulator.close();
  });

  const { create, get, sandbox } = identityCalls(() => ({ emulator, token }));
  const events = (type: string) => call(emulator, 'GET', `/events?type=${type}&limit=100`, { token });

  it('§9 by default a person created with valid passthrough details answers PENDING, then reads APPROVED', async () => {
    const created = await create(seedBody());
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ summary_status: 'PENDING', status: 'PENDING' });
    const got = await get(created.body.id);
    expect(got.body).to.include({ summary_status: 'APPROVED', status: 'APPROVED' });
    expect(got.body.status_details).to.deep.equal({ active_controls: [], requirements: [] });
    const approved = await events('identity.approved');
    expect(approved.status).to.equal(200);
    const mine = (approved.body.events as { object: Record<string, unknown> }[]).filter(
      (e) => e.object['identity_id'] === created.body.id,
    );
    expect(mine.map((e) => [e.object['old_summary_status'], e.object['new_summary_status']])).to.deep.equal([
      ['PENDING', 'APPROVED'],
    ]);
  });

  it('§9 §3.5 an institution stays PENDING by default, even with APPROVED members; sanctions APPROVED approves it', async () => {
    const member = await create(seedBody());
    expect((await get(member.body.id)).body.summary_status).to.equal('APPROVED');
    const llc = await create(llcBody([{ identity_id: member.body.id, roles: ['BENEFICIAL_OWNER'] }]));
    expect(llc.status).to.equal(200);
    const pending = await get(llc.body.id, '?include_details=true');
    expect(pending.body).to.include({ summary_status: 'PENDING', status: 'PENDING' });
    expect(pending.body.institution_details.document_verification_status).to.equal('PENDING');
    expect(pending.body.status_details.requirements).to.deep.equal([
      {
        type: 'SCREENING_CHECK',
        status: 'PENDING',
        awaiting_action_from: 'PAXOS',
        errors: [{ code: 'SCREENING_IN_PROGRESS', description: 'sanctions screening is running' }],
      },
    ]);
    expect((await sandbox(llc.body.id, { sanctions_verification_status: 'APPROVED' })).status).to.equal(200);
    expect((await get(llc.body.id)).body.summary_status).to.equal('APPROVED');
  });

  it('§9 a person Paxos verifies itself is not auto-approved, and status_details says what is missing', async () => {
    const created = await create(paxosVerifiedBody());
    expect(created.status).to.equal(200);
    const got = await get(created.body.id);
    expect(got.body.summary_status).to.equal('PENDING');
    const types = (got.body.status_details.requirements as { type: string; awaiting_action_from?: string }[]).map(
      (r) => [r.type, r.awaiting_action_from],
    );
    expect(types).to.deep.equal([
      ['ID_VERIFICATION', 'CLIENT'],
      ['SCREENING_CHECK', 'PAXOS'],
    ]);
  });

  it('§8.2 a DENIED passthrough verification is DENIED right after the PENDING create, with identity.denied', async () => {
    const body = seedBody();
    body['person_details'].passthrough_verification_status = 'DENIED';
    const created = await create(body);
    expect(created.body.summary_status).to.equal('PENDING');
    const got = await get(created.body.id);
    expect(got.body.summary_status).to.equal('DENIED');
    expect(got.body.status_details.requirements[0]).to.include({ type: 'ID_VERIFICATION', status: 'FAILED' });
    const denied = await events('identity.denied');
    expect(
      (denied.body.events as { object: Record<string, unknown> }[]).some(
        (e) => e.object['identity_id'] === created.body.id && e.object['old_summary_status'] === 'PENDING',
      ),
    ).to.equal(true);
  });

  it('§8.6 auto-approval waits for the EDD documents; the upload approves the person', async () => {
    const created = await create(seedBody());
    emulator.requireDocuments(created.body.id, ['PROOF_OF_FUNDS']);
    const held = await get(created.body.id, '?include_details=true');
    expect(held.body.person_details.sanctions_verification_status, 'the screening passed').to.equal('APPROVED');
    expect(held.body.summary_status, 'the documents are missing').to.equal('PENDING');
    expect(held.body.status_details.requirements).to.deep.equal([
      {
        type: 'ENHANCED_DUE_DILIGENCE',
        status: 'PENDING',
        awaiting_action_from: 'CLIENT',
        errors: [
          {
            code: 'EDD_DOCUMENTATION_REQUIRED',
            description: 'documents are required: list them with include_pending_docs',
          },
        ],
      },
    ]);
    expect(await uploadPdf(emulator, token, created.body.id, ['PROOF_OF_FUNDS'], 'funds.pdf')).to.deep.equal({
      slot: 200,
      upload: 200,
    });
    expect((await get(created.body.id)).body.summary_status).to.equal('APPROVED');
  });

  it('§8.1 set_user_disabled on a person the sandbox approved makes it DISABLED, with identity.disabled', async () => {
    const created = await create(seedBody());
    expect((await get(created.body.id)).body.summary_status).to.equal('APPROVED');
    const updated = await call(emulator, 'PUT', `/identity/identities/${created.body.id}`, {
      token,
      body: { set_user_disabled: true },
    });
    expect(updated.status).to.equal(200);
    expect(updated.body).to.include({ summary_status: 'DISABLED', status: 'DISABLED', user_disabled: true });
    const disabled = await events('identity.disabled');
    expect(
      (disabled.body.events as { object: Record<string, unknown> }[]).some(
        (e) => e.object['identity_id'] === created.body.id && e.object['old_summary_status'] === 'APPROVED',
      ),
    ).to.equal(true);
  });
});

describe("emulator: approval: 'manual' holds every identity PENDING (identity-api.md §9)", () => {
  it('§9 a valid passthrough person stays PENDING until sandbox-status approves it', async () => {
    const { emulator, token } = await emulatorOn('manual');
    try {
      const created = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
      const path = `/identity/identities/${created.body.id}`;
      expect((await call(emulator, 'GET', path, { token })).body.summary_status).to.equal('PENDING');
      await call(emulator, 'PUT', `${path}/sandbox-status`, {
        token,
        body: { sanctions_verification_status: 'APPROVED' },
      });
      expect((await call(emulator, 'GET', path, { token })).body.summary_status).to.equal('APPROVED');
    } finally {
      await emulator.close();
    }
  });
});
