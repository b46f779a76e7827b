import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { uniqueSsn } from '../support/builders.js';
import { call, llcBody, ManualClock, seedBody, tokenFor, identityCalls } from './support.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('emulator: identities', () => {
  let emulator: PaxosEmulator;
  let token: string;
  const clock = new ManualClock('2026-01-15T10:00:00.123Z');

  before(async () => {
    // These cases read identities as created: no auto-approval moves them on in between.
    emulator = await startPaxosEmulator({ clock, approval: 'manual' });
    token = await tokenFor(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  const { create, get, sandbox } = identityCalls(() => ({ emulator, token }));

  describe('POST /v2/identity/identities', () => {
    it("creates the seed's person with 200 and the seed response's shape", async () => {
      const body = seedBody();
      const response = await create(body);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      const identity = response.body;
      expect(identity.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(identity).to.include({ type: 'PERSON', summary_status: 'PENDING', ref_id: body.ref_id });
      expect(identity.created_at).to.equal('2026-01-15T10:00:00.123000Z');
      expect(identity.updated_at).to.equal(identity.created_at);
      expect(identity.tax_details).to.deep.equal([
        { tax_payer_country: 'USA', tax_payer_id: body.person_details.cip_id },
      ]);
      expect(identity.metadata).to.deep.equal(body.person_details.metadata);
      expect(identity.person_details).to.deep.equal({
        additional_screening_status: 'PENDING',
        address: { address1: '1 Example St', city: 'New York', country: 'USA', province: 'NY', zip_code: '10001' },
        cip_id: body.person_details.cip_id,
        cip_id_country: 'USA',
        cip_id_type: 'SSN',
        date_of_birth: '1980-01-01',
        email: 'example@somemail.org',
        first_name: 'John',
        govt_id: body.person_details.cip_id,
        govt_id_type: 'SSN',
        id_verification_status: 'APPROVED',
        last_name: 'Doe',
        nationality: 'USA',
        passthrough_verified_at: '2021-06-16T09:28:14Z',
        passthrough_verifier_type: 'JUMIO',
        phone_number: '+1 555 678 1234',
        sanctions_verification_status: 'PENDING',
        verifier_type: 'PASSTHROUGH',
      });
      expect(identity).not.to.have.any.keys(
        'institution_details',
        'institution_members',
        'user_disabled',
        'admin_disabled',
      );
    });

    it('keeps created_at strictly increasing in microseconds when the clock stands still', async () => {
      const a = await create(seedBody());
      const b = await create(seedBody());
      expect(a.body.created_at).to.match(TIMESTAMP);
      expect(b.body.created_at > a.body.created_at).to.equal(true);
    });

    it("accepts metadata at the top level, where Paxos's schema puts it", async () => {
      const body = seedBody();
      delete body.person_details.metadata;
      const response = await create({ ...body, metadata: { source: 'top' } });
      expect(response.status).to.equal(200);
      expect(response.body.metadata).to.deep.equal({ source: 'top' });
    });

    it("answers a duplicate ref_id with Paxos's 409 already-exists Problem", async () => {
      const first = await create(seedBody());
      const response = await create(seedBody({ refId: first.body.ref_id }));
      expect(response.status).to.equal(409);
      expect(response.body).to.deep.equal({
        type: 'https://developer.paxos.com/docs/v2/problems/already-exists',
        title: 'Already Exists',
        status: 409,
        detail: 'duplicate ref_id provided',
        meta: { existing: { id: first.body.id } },
      });
    });

    it("answers a duplicate cip triple with Paxos's 409 already-exists Problem", async () => {
      const ssn = uniqueSsn();
      const first = await create(seedBody({ ssn }));
      const response = await create(seedBody({ ssn }));
      expect(response.status).to.equal(409);
      expect(response.body).to.deep.equal({
        type: 'https://developer.paxos.com/docs/v2/problems/already-exists',
        title: 'Already Exists',
        status: 409,
        detail: 'duplicate (cip_id, cip_id_type, cip_id_country) provided',
        meta: { existing: { id: first.body.id } },
      });
    });

    it('answers an invalid body with one 400 Problem listing every invalid field by its wire name, without values', async () => {
      const body = seedBody();
      body.person_details.first_name = 'Jöhn';
      body.person_details.date_of_birth = '1980-02-30';
      body.person_details.nationality = 'xyz';
      body.person_details.address = { country: 'USA', address1: '1 Example St', city: '', province: 'NY' };
      body.person_details.firstName = 'John';
      body.tax_details_not_required = true;
      const response = await create(body);
      expect(response.status).to.equal(400);
      expect(response.body).to.include({ type: 'about:blank', title: 'Bad Request', status: 400 });
      const paths = response.body.meta.violations.map((v: { path: string }) => v.path);
      expect(paths).to.have.members([
        'person_details.firstName',
        'person_details.first_name',
        'person_details.date_of_birth',
        'person_details.nationality',
        'person_details.address.city',
        'tax_details_not_required',
      ]);
      for (const path of paths) expect(response.body.detail).to.include(`${path}: `);
      expect(response.body.detail).to.match(/^6 invalid fields: /);
      expect(response.body.detail).to.include('tax_details_not_required: must not be true when cip_id_country is USA');
      expect(JSON.stringify(response.body)).not.to.include(body.person_details.cip_id);
      expect(JSON.stringify(response.body)).not.to.include('1980-02-30');
    });

    it('names the missing details object by its wire name', async () => {
      const response = await create({ ref_id: 'only-a-ref' });
      expect(response.status).to.equal(400);
      expect(response.body.meta.violations).to.deep.equal([
        {
          path: 'person_details',
          code: 'required',
          message: 'person_details: one of person_details or institution_details is required',
        },
      ]);
    });

    it('refuses a body that is not JSON, or not an object, with a 400 that does not quote it', async () => {
      const ssn = uniqueSsn();
      const broken = await call(emulator, 'POST', '/identity/identities', {
        token,
        rawBody: `{"person_details": {"cip_id": "${ssn}"`,
      });
      expect(broken.status).to.equal(400);
      expect(broken.body).to.deep.equal({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'request body is not valid JSON',
      });
      const array = await create([1, 2]);
      expect(array.status).to.equal(400);
      expect(array.body.meta.violations[0].path).to.equal('body');
    });

    it('accepts the deprecated govt_id / govt_id_type in place of cip_id / cip_id_type', async () => {
      const body = seedBody();
      body.person_details.govt_id = body.person_details.cip_id;
      body.person_details.govt_id_type = 'SSN';
      delete body.person_details.cip_id;
      delete body.person_details.cip_id_type;
      const response = await create(body);
      expect(response.status).to.equal(200);
      expect(response.body.person_details.cip_id).to.equal(body.person_details.govt_id);
    });

    it('ignores the statuses Paxos sets itself when a client sends them back', async () => {
      const body = seedBody();
      body.person_details.sanctions_verification_status = 'APPROVED';
      const response = await create(body);
      expect(response.status).to.equal(200);
      expect(response.body.person_details.sanctions_verification_status).to.equal('PENDING');
      expect(response.body.summary_status).to.equal('PENDING');
    });

    it('creates an institution whose members are persons of the same client, with member ids and names', async () => {
      const member = await create(seedBody());
      const response = await create(
        llcBody([{ identity_id: member.body.id, roles: ['BENEFICIAL_OWNER'], ownership: '60' }], `inst-${uniqueSsn()}`),
      );
      expect(response.status).to.equal(200);
      expect(response.body.type).to.equal('INSTITUTION');
      expect(response.body.institution_details).to.include({
        document_verification_status: 'PENDING',
        sanctions_verification_status: 'PENDING',
      });
      expect(response.body.institution_members).to.have.length(1);
      expect(response.body.institution_members[0]).to.include({
        identity_id: member.body.id,
        name: 'John Doe',
        ownership: '60',
      });
      expect(response.body.institution_members[0].id).to.be.a('string');
    });

    it('answers a member id that is not a person of this client with a 400 naming institution_members', async () => {
      const response = await create({
        institution_details: {
          name: 'Example Trust',
          business_address: { country: 'USA', address1: '2 Example Ave', city: 'New York', province: 'NY' },
          institution_type: 'TRUST',
          institution_sub_type: 'INVESTMENT',
          cip_id: uniqueSsn(),
          cip_id_type: 'SSN',
          cip_id_country: 'USA',
          govt_registration_date: '2021-04-14T00:00:00Z',
        },
        institution_members: [{ identity_id: 'no-such-person', roles: ['TRUSTEE'], id: 'mine' }],
      });
      expect(response.status).to.equal(400);
      const paths = response.body.meta.violations.map((v: { path: string }) => v.path);
      expect(paths).to.include('institution_members[0].id');
    });
  });

  describe('GET /v2/identity/identities/{id}', () => {
    it('leaves the details out unless include_details=true', async () => {
      const created = await create(seedBody());
      const plain = await get(created.body.id);
      expect(plain.status).to.equal(200);
      expect(plain.body).to.include({ id: created.body.id, summary_status: 'PENDING', type: 'PERSON' });
      expect(plain.body).not.to.have.property('person_details');
      const detailed = await get(created.body.id, '?include_details=true');
      expect(detailed.body.person_details.cip_id).to.equal(created.body.person_details.cip_id);
      expect(detailed.body).to.deep.equal(created.body);
    });

    it('answers an unknown id with a 404 Problem', async () => {
      const response = await get('0b5d2c4e-0000-4000-8000-000000000000');
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: "Identity with id 0b5d2c4e-0000-4000-8000-000000000000 doesn't exist",
      });
    });

    it('refuses a flag that is not a boolean', async () => {
      const created = await create(seedBody());
      const response = await get(created.body.id, '?include_details=yes');
      expect(response.status).to.equal(400);
      expect(response.body.detail).to.include('include_details');
    });
  });

  describe('PUT /v2/identity/identities/{id}/sandbox-status', () => {
    it('answers {} and the summary follows the sub-statuses to APPROVED', async () => {
      const created = await create(seedBody());
      clock.advance(1000);
      const response = await sandbox(created.body.id, {
        id_verification_status: 'APPROVED',
        sanctions_verification_status: 'APPROVED',
      });
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({});
      const after = await get(created.body.id, '?include_details=true');
      expect(after.body.summary_status).to.equal('APPROVED');
      expect(after.body.person_details.sanctions_verification_status).to.equal('APPROVED');
      expect(after.body.updated_at > created.body.updated_at).to.equal(true);
    });

    it('§8.1 turns DENIED on a denied screening, and DISABLED on user_disabled once approved', async () => {
      const denied = await create(seedBody());
      await sandbox(denied.body.id, { sanctions_verification_status: 'DENIED' });
      expect((await get(denied.body.id)).body.summary_status).to.equal('DENIED');
      const disabled = await create(seedBody());
      await sandbox(disabled.body.id, { user_disabled: { disabled: true } });
      const pending = await get(disabled.body.id);
      expect(pending.body, 'never approved, so not DISABLED').to.include({
        summary_status: 'PENDING',
        user_disabled: true,
      });
      await sandbox(disabled.body.id, { sanctions_verification_status: 'APPROVED' });
      const got = await get(disabled.body.id);
      expect(got.body).to.include({ summary_status: 'DISABLED', status: 'DISABLED', user_disabled: true });
    });

    it("accepts the identity id in the body, as Paxos's example sends it", async () => {
      const created = await create(seedBody());
      const response = await sandbox(created.body.id, { id: created.body.id, id_verification_status: 'APPROVED' });
      expect(response.status).to.equal(200);
    });

    it('answers an unknown status or field with a 400 listing both', async () => {
      const created = await create(seedBody());
      const response = await sandbox(created.body.id, {
        sanctions_verification_status: 'MAYBE',
        idVerification: 'APPROVED',
        user_disabled: true,
      });
      expect(response.status).to.equal(400);
      const paths = response.body.meta.violations.map((v: { path: string }) => v.path);
      expect(paths).to.have.members(['sanctions_verification_status', 'idVerification', 'user_disabled']);
    });

    it('answers an unknown id with a 404 Problem', async () => {
      const response = await sandbox('no-such-identity', { id_verification_status: 'APPROVED' });
      expect(response.status).to.equal(404);
      expect(response.body.title).to.equal('Not Found');
    });
  });

  describe('routing', () => {
    it('answers an unknown path with 404 and a wrong method with 405 and Allow', async () => {
      const unknown = await call(emulator, 'GET', '/identity/nothing-here', { token });
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.include({ type: 'about:blank', status: 404 });
      const wrong = await call(emulator, 'DELETE', '/identity/identities', { token });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers.get('allow')).to.equal('POST, GET');
    });

    it('logs method, path, route and status of every request, never a body', async () => {
      emulator.clearRequestLog();
      const body = seedBody();
      const created = await create(body);
      await get(created.body.id);
      expect(emulator.requests).to.deep.equal([
        { method: 'POST', path: '/v2/identity/identities', route: '/v2/identity/identities', status: 200 },
        {
          method: 'GET',
          path: `/v2/identity/identities/${created.body.id}`,
          route: '/v2/identity/identities/{id}',
          status: 200,
        },
      ]);
      expect(JSON.stringify(emulator.requests)).not.to.include(body.person_details.cip_id);
    });
  });
});

describe('emulator: approval behaviour', () => {
  let emulator: PaxosEmulator;
  let token: string;
  const clock = new ManualClock();

  before(async () => {
    emulator = await startPaxosEmulator({ clock, approval: { autoApproveAfterMs: 5000 } });
    token = await tokenFor(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  it("approves a person once the delay has passed on its clock, as Paxos's sandbox does", async () => {
    const created = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
    expect(created.body.summary_status).to.equal('PENDING');
    const early = await call(emulator, 'GET', `/identity/identities/${created.body.id}`, { token });
    expect(early.body.summary_status).to.equal('PENDING');
    clock.advance(5000);
    const later = await call(emulator, 'GET', `/identity/identities/${created.body.id}`, { token });
    expect(later.body.summary_status).to.equal('APPROVED');
  });

  it('lets an earlier sandbox-status call decide', async () => {
    const created = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
    await call(emulator, 'PUT', `/identity/identities/${created.body.id}/sandbox-status`, {
      token,
      body: { sanctions_verification_status: 'DENIED' },
    });
    clock.advance(5000);
    const later = await call(emulator, 'GET', `/identity/identities/${created.body.id}`, { token });
    expect(later.body.summary_status).to.equal('DENIED');
  });
});
