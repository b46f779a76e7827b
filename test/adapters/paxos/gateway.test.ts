import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { NewIdentity, Sensitive } from '../../../src/index.js';
import { CreateIdentityRequestDto, referenceLibraries } from '../../../src/adapters/paxos/dto/index.js';
import { LIBRARY_VERSION, USER_AGENT } from '../../../src/adapters/paxos/version.js';
import { aPerson, anInstitution, seedCommand } from '../../support/builders.js';
import {
  CANARY_SSN,
  CapturingLogger,
  CLIENT_ID,
  expectNoSecretsInLogs,
  gatewayFor,
  ScriptedPaxos,
  serviceFor,
  wireIdentity,
} from './support.js';
import { seedPersonDetails } from '../../support/seed.js';

const NOW = new Date('2026-03-15T12:00:00Z');

/** The seed page's request body, with `metadata` at the top level where Paxos's schema puts it. */
const SEED_REQUEST = {
  person_details: seedPersonDetails('111-11-1234'),
  ref_id: '33ece656-eef1-43b5-a851-b6b9099089a5',
  metadata: { custom_property1: 'custom value 1', custom_property2: 'custom value 2' },
};

describe('PaxosIdentityGateway over HTTP', () => {
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
  });

  afterEach(async () => {
    await paxos.close();
    expectNoSecretsInLogs(logger);
  });

  describe('create', () => {
    it('sends the seed request body field for field, as JSON with a bearer token and a User-Agent', async () => {
      const identity = await gatewayFor(paxos, logger).create(NewIdentity.create(seedCommand(), { now: NOW }));

      const [request] = paxos.to('POST /v2/identity/identities');
      expect(JSON.parse(request!.body)).to.deep.equal(SEED_REQUEST);
      expect(request!.headers['content-type']).to.equal('application/json');
      expect(request!.headers['authorization']).to.match(/^Bearer CANARY-access-token-1$/);
      expect(request!.headers['user-agent']).to.equal(USER_AGENT);
      expect(request!.headers['user-agent']).to.match(/^paxos-identity\/\d+\.\d+\.\d+ /);
      expect(identity.id).to.equal('id-1');
      expect(identity.summaryStatus).to.equal('PENDING');
    });

    it('sends only field names of CreateIdentityRequest (checked against the DTO with unknown fields forbidden)', async () => {
      const command = aPerson()
        .with({
          middleName: 'Q',
          profession: 'Engineer',
          countryOfBirth: 'USA',
          passthroughVerificationId: 'v-1',
          passthroughVerificationStatus: 'APPROVED',
          passthroughVerificationFields: ['FULL_LEGAL_NAME', 'DATE_OF_BIRTH'],
        })
        .withCommand({
          customerDueDiligence: {
            estimatedYearlyIncome: 'INCOME_50K_TO_100K',
            expectedTransferValue: 'TRANSFER_VALUE_25K_TO_50K',
            sourceOfWealth: 'EMPLOYMENT_INCOME',
            employmentStatus: 'FULL_TIME',
            employmentIndustrySector: 'ARTS_ENTERTAINMENT_RECREATION',
            aliases: ['Johnny'],
            customerRegions: ['EUROPE'],
            hasNomineeShareholders: false,
          },
          isMerchant: true,
          metadata: { k: 'v' },
        })
        .build();
      await gatewayFor(paxos, logger).create(NewIdentity.create(command, { now: NOW }));

      const body = JSON.parse(paxos.to('POST /v2/identity/identities')[0]!.body) as Record<string, unknown>;
      const { transformer, validator } = referenceLibraries();
      const dto = transformer.plainToInstance(CreateIdentityRequestDto, body);
      const errors = validator.validateSync(dto, {
        whitelist: true,
        forbidNonWhitelisted: true,
        validationError: { target: false, value: false },
      });
      expect(errors).to.deep.equal([]);
      expect(body['customer_due_diligence']).to.deep.include({
        estimated_yearly_income: 'INCOME_50K_TO_100K',
        aliases: ['Johnny'],
        customer_regions: ['EUROPE'],
        has_nominee_shareholders: false,
      });
      expect(body['is_merchant']).to.equal(true);
      expect(body['person_details']).to.deep.include({
        middle_name: 'Q',
        passthrough_verification_fields: ['FULL_LEGAL_NAME', 'DATE_OF_BIRTH'],
      });
      expect(body).not.to.have.property('tax_details');
    });

    it('sends provided tax details, or tax_details_not_required, but never the ones Paxos derives', async () => {
      const gateway = gatewayFor(paxos, logger);
      await gateway.create(
        NewIdentity.create(
          aPerson()
            .foreign()
            .withCommand({ taxDetails: [{ taxPayerId: 'DE-123', taxPayerCountry: 'DEU' }] })
            .build(),
          { now: NOW },
        ),
      );
      await gateway.create(NewIdentity.create(aPerson().foreign().withoutTaxDetails().build(), { now: NOW }));

      const [provided, notRequired] = paxos
        .to('POST /v2/identity/identities')
        .map((r) => JSON.parse(r.body) as Record<string, unknown>);
      expect(provided!['tax_details']).to.deep.equal([{ tax_payer_id: 'DE-123', tax_payer_country: 'DEU' }]);
      expect(provided).not.to.have.property('tax_details_not_required');
      expect(notRequired!['tax_details_not_required']).to.equal(true);
      expect(notRequired).not.to.have.property('tax_details');
    });

    it('sends an institution with its details and members in snake_case', async () => {
      const command = anInstitution(['member-1', 'member-2']);
      await gatewayFor(paxos, logger).create(NewIdentity.create({ ...command, refId: 'inst-1' }, { now: NOW }));

      const body = JSON.parse(paxos.to('POST /v2/identity/identities')[0]!.body) as Record<string, unknown>;
      expect(body['institution_members']).to.deep.equal([
        { identity_id: 'member-1', roles: ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'], ownership: '60' },
        { identity_id: 'member-2', roles: ['AUTHORIZED_USER'] },
      ]);
      const details = body['institution_details'] as Record<string, unknown>;
      expect(details).to.deep.include({
        name: 'Example Holdings LLC',
        institution_type: 'LLC',
        institution_sub_type: 'INVESTMENT',
        cip_id_type: 'EIN',
        govt_registration_date: '2021-04-14T00:00:00Z',
        regulation_status: 'NON_REGULATED',
        trading_type: 'PRIVATE',
        business_description: 'Holding company',
      });
      expect(details['business_address']).to.deep.equal({
        country: 'USA',
        address1: '2 Example Ave',
        city: 'New York',
        province: 'NY',
        zip_code: '10002',
      });
      expect(body).not.to.have.property('person_details');
    });

    it('returns the identity Paxos answered, personal data wrapped and the unknown fields dropped', async () => {
      const identity = await gatewayFor(paxos, logger).create(NewIdentity.create(seedCommand(), { now: NOW }));

      expect(identity.person?.cipId).to.be.instanceOf(Sensitive);
      expect(identity.person?.cipId?.reveal()).to.equal('111-11-1234');
      expect(identity.person?.dateOfBirth?.reveal()).to.equal('1980-01-01');
      expect(identity.person?.idVerificationStatus).to.equal('APPROVED');
      expect(identity.taxDetails[0]?.taxPayerId.reveal()).to.equal('111-11-1234');
      expect(identity.metadata).to.deep.equal(SEED_REQUEST.metadata);
      expect(inspect(identity, { depth: Infinity })).not.to.include('111-11-1234');
      expect(JSON.stringify(identity)).not.to.include('111-11-1234');
      expect(identity.person).not.to.have.property('govtId');
    });
  });

  describe('get', () => {
    it('asks for the details and maps every field of the response', async () => {
      paxos.store(
        wireIdentity('abc-1', {
          status: 'APPROVED',
          summary_status: 'APPROVED',
          metadata: { a: 'b' },
          user_disabled: false,
          admin_disabled: false,
          is_merchant: true,
          tax_details_not_required: false,
          summary_tin_verification_status: 'TIN_VERIFICATION_VALID',
          last_kyc_refresh_date: '2025-01-01T00:00:00Z',
          customer_due_diligence: {
            estimated_yearly_income: 'INCOME_50K_TO_100K',
            aliases: ['J'],
            created_at: '2022-02-15T05:46:50Z',
          },
        }),
      );
      const identity = await gatewayFor(paxos, logger).get('abc-1');

      const [request] = paxos.to('GET /v2/identity/identities/{id}');
      expect(request!.path).to.equal('/v2/identity/identities/abc-1');
      expect(request!.query.get('include_details')).to.equal('true');
      expect(request!.query.has('include_institution_members')).to.equal(false);
      expect(request!.body).to.equal('');
      expect(identity).to.deep.include({
        id: 'abc-1',
        type: 'PERSON',
        status: 'APPROVED',
        summaryStatus: 'APPROVED',
        refId: 'ref-abc-1',
        isMerchant: true,
        userDisabled: false,
        adminDisabled: false,
        taxDetailsNotRequired: false,
        summaryTinVerificationStatus: 'TIN_VERIFICATION_VALID',
        lastKycRefreshDate: '2025-01-01T00:00:00Z',
        createdAt: '2022-02-15T05:46:50.957068Z',
      });
      expect(identity.isApproved).to.equal(true);
      expect(identity.metadata).to.deep.equal({ a: 'b' });
      expect(identity.customerDueDiligence).to.deep.equal({
        estimatedYearlyIncome: 'INCOME_50K_TO_100K',
        aliases: ['J'],
        createdAt: '2022-02-15T05:46:50Z',
      });
      expect(identity.person).to.deep.include({
        firstName: 'John',
        lastName: 'Doe',
        cipIdType: 'SSN',
        cipIdCountry: 'USA',
        nationality: 'USA',
      });
      expect(identity.person?.address).to.deep.equal({
        country: 'USA',
        address1: '1 Example St',
        city: 'New York',
        province: 'NY',
        zipCode: '10001',
      });
      expect(identity.cip?.cipId.reveal()).to.equal(CANARY_SSN);
    });

    it('reads a date of birth sent as 1980-01-01 and as 1980-01-01T00:00:00Z alike', async () => {
      paxos.store(wireIdentity('dob-date'));
      paxos.store(
        wireIdentity('dob-time', {
          person_details: { ...(wireIdentity('x')['person_details'] as object), date_of_birth: '1980-01-01T00:00:00Z' },
        }),
      );
      const gateway = gatewayFor(paxos, logger);

      expect((await gateway.get('dob-date')).person?.dateOfBirth?.reveal()).to.equal('1980-01-01');
      expect((await gateway.get('dob-time')).person?.dateOfBirth?.reveal()).to.equal('1980-01-01');
    });

    it('tolerates unknown properties and enum values Paxos adds without notice', async () => {
      paxos.store(
        wireIdentity('future-1', {
          summary_status: 'SUSPENDED_FOR_REVIEW',
          status_details: { active_controls: [], requirements: [{ type: 'NEW_THING', status: 'PENDING', errors: [] }] },
          brand_new_field: { nested: [1, 2, 3] },
          person_details: {
            ...(wireIdentity('x')['person_details'] as object),
            verifier_type: 'QUANTUM',
            something_else: true,
          },
        }),
      );
      const identity = await gatewayFor(paxos, logger).get('future-1');

      expect(identity.summaryStatus).to.equal('SUSPENDED_FOR_REVIEW');
      expect(identity.person?.verifierType).to.equal('QUANTUM');
      expect(identity).not.to.have.property('brand_new_field');
      // §4.11: an unknown requirement type is kept as it came (Paxos's enums are open).
      expect(identity.statusDetails).to.deep.equal({
        activeControls: [],
        requirements: [{ type: 'NEW_THING', status: 'PENDING', errors: [] }],
      });
    });

    it('drops a __proto__ key in metadata without touching any prototype', async () => {
      paxos.otherwise('GET /v2/identity/identities/{id}', (_request, res) => {
        const text = JSON.stringify(wireIdentity('proto-1')).replace(
          '"id":',
          '"metadata":{"__proto__":{"polluted":"yes"},"ok":"fine"},"id":',
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      });
      const identity = await gatewayFor(paxos, logger).get('proto-1');

      expect(identity.metadata).to.deep.equal({ ok: 'fine' });
      expect(Object.getPrototypeOf(identity.metadata)).to.equal(Object.prototype);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('leaves the details out when includeDetails is false and asks for members when told to', async () => {
      paxos.store(wireIdentity('m-1'));
      const gateway = gatewayFor(paxos, logger);
      await gateway.get('m-1', { includeDetails: false });
      await gateway.get('m-1', { includeInstitutionMembers: true });

      const [plain, withMembers] = paxos.to('GET /v2/identity/identities/{id}');
      expect([...plain!.query.keys()]).to.deep.equal([]);
      expect(withMembers!.query.get('include_details')).to.equal('true');
      expect(withMembers!.query.get('include_institution_members')).to.equal('true');
    });

    it('encodes the id into the path', async () => {
      paxos.store(wireIdentity('a.b_c-1'));
      await gatewayFor(paxos, logger).get('a.b_c-1');
      expect(paxos.to('GET /v2/identity/identities/{id}')[0]!.path).to.equal('/v2/identity/identities/a.b_c-1');
    });
  });

  describe('setSandboxStatus', () => {
    it('PUTs the snake_case body with user_disabled and admin_disabled as {disabled}', async () => {
      await gatewayFor(paxos, logger).setSandboxStatus('abc-1', {
        idVerification: 'APPROVED',
        sanctionsVerification: 'APPROVED',
        documentVerification: 'PENDING',
        additionalScreening: 'DENIED',
        userDisabled: true,
        adminDisabled: false,
      });

      const [request] = paxos.to('PUT /v2/identity/identities/{id}/sandbox-status');
      expect(request!.path).to.equal('/v2/identity/identities/abc-1/sandbox-status');
      expect(JSON.parse(request!.body)).to.deep.equal({
        id_verification_status: 'APPROVED',
        sanctions_verification_status: 'APPROVED',
        document_verification_status: 'PENDING',
        additional_screening_status: 'DENIED',
        user_disabled: { disabled: true },
        admin_disabled: { disabled: false },
      });
    });

    it('sends only the fields of the change', async () => {
      await gatewayFor(paxos, logger).setSandboxStatus('abc-1', { sanctionsVerification: 'APPROVED' });
      expect(JSON.parse(paxos.apiRequests[0]!.body)).to.deep.equal({ sanctions_verification_status: 'APPROVED' });
    });
  });

  describe('through createIdentityService', () => {
    it('creates, reads back and approves the seed identity with one token', async () => {
      const service = serviceFor(paxos, logger);
      const created = await service.createIdentity(seedCommand());
      await service.setSandboxStatus(created.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
      const read = await service.getIdentity(created.id);

      expect(read.id).to.equal(created.id);
      expect(paxos.tokenRequests).to.have.length(1);
      expect(paxos.apiRequests.map((r) => r.method)).to.deep.equal(['POST', 'PUT', 'GET']);
      const form = new URLSearchParams(paxos.tokenRequests[0]!.body);
      expect(form.get('client_id')).to.equal(CLIENT_ID);
    });
  });

  describe('logging', () => {
    it('writes one structured line per attempt: method, path template, status, duration, attempt, request id', async () => {
      paxos.otherwise('GET /v2/identity/identities/{id}', (_request, res) => {
        const text = JSON.stringify(wireIdentity('log-1'));
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-42' });
        res.end(text);
      });
      await gatewayFor(paxos, logger).get('log-1');

      expect(logger.lines).to.have.length(2);
      const [token, get] = logger.lines;
      expect(token!.fields).to.deep.include({
        method: 'POST',
        path: '/oauth2/token',
        status: 200,
        attempt: 1,
        outcome: 'ok',
      });
      expect(get!.level).to.equal('debug');
      expect(get!.fields).to.deep.include({
        method: 'GET',
        path: '/identity/identities/{id}',
        status: 200,
        attempt: 1,
        requestId: 'req-42',
        outcome: 'ok',
      });
      expect(get!.fields!['durationMs']).to.be.a('number');
      expect(JSON.stringify(logger.lines)).not.to.include('log-1');
    });
  });

  describe('package metadata', () => {
    it('keeps the User-Agent version equal to package.json', () => {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      expect(LIBRARY_VERSION).to.equal(pkg.version);
      expect(USER_AGENT).to.include(`paxos-identity/${pkg.version}`);
    });
  });
});
