import { expect } from 'chai';
import {
  createViolationsToWire,
  parseCreateRequest,
  readCreateRequest,
  toWirePath,
  writeIdentity,
} from '../../src/testing/emulator/index.js';
import { Identity, Sensitive } from '../../src/index.js';
import { seedBody } from './support.js';

describe('emulator wire layer', () => {
  describe('reading a create body', () => {
    it('maps every snake_case field of the seed body to the command, metadata of person_details included', () => {
      const body = seedBody();
      const { command, violations } = readCreateRequest(body);
      expect(violations).to.deep.equal([]);
      expect(command).to.deep.include({ refId: body.ref_id });
      expect(command!.person).to.deep.include({
        verifierType: 'PASSTHROUGH',
        passthroughVerifierType: 'JUMIO',
        firstName: 'John',
        dateOfBirth: '1980-01-01',
        cipId: body.person_details.cip_id,
        cipIdType: 'SSN',
        address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
      });
      expect(command!.person).not.to.have.property('metadata');
      expect({ ...command!.metadata }).to.deep.equal(body.person_details.metadata);
    });

    it('lets top-level metadata win over metadata inside person_details', () => {
      const body = { ...seedBody(), metadata: { custom_property1: 'top' } };
      expect({ ...readCreateRequest(body).command!.metadata }).to.deep.equal({
        custom_property1: 'top',
        custom_property2: 'custom value 2',
      });
    });

    it('reports camelCase names sent on the wire as unknown fields instead of accepting them', () => {
      const body = seedBody();
      body.person_details.cipIdType = body.person_details.cip_id_type;
      body.refId = 'x';
      const { violations } = readCreateRequest(body);
      expect(violations.map((v) => v.path)).to.have.members(['person_details.cipIdType', 'refId']);
      expect(violations.every((v) => v.code === 'unknown_field')).to.equal(true);
    });

    it('can ignore unknown fields instead', () => {
      const body = { ...seedBody(), future_field: true };
      expect(parseCreateRequest(body, { unknownFields: 'ignore' }).ok).to.equal(true);
      expect(parseCreateRequest(body).ok).to.equal(false);
    });

    it('keeps a __proto__ metadata key as data, which the domain then refuses', () => {
      const body = JSON.parse(
        `{"person_details": ${JSON.stringify(seedBody().person_details)}, "metadata": {"__proto__": "x"}}`,
      );
      const parsed = parseCreateRequest(body);
      expect(parsed.ok).to.equal(false);
      expect(({} as Record<string, unknown>)['x']).to.equal(undefined);
      if (!parsed.ok) expect(parsed.violations.map((v) => v.path)).to.include('metadata');
    });

    it('refuses a govt_id that contradicts cip_id', () => {
      const body = seedBody();
      body.person_details.govt_id = '999-99-9999';
      const { violations } = readCreateRequest(body);
      expect(violations).to.have.length(1);
      expect(violations[0]).to.include({ path: 'person_details.govt_id', code: 'conflict' });
      expect(violations[0]!.message).not.to.include('999-99-9999');
    });
  });

  describe('paths and messages back to wire names', () => {
    it('renames each segment by the schema tables, keeping indexes and metadata keys', () => {
      expect(toWirePath('person.address.zipCode')).to.equal('person_details.address.zip_code');
      expect(toWirePath('taxDetails[1].taxPayerId')).to.equal('tax_details[1].tax_payer_id');
      expect(toWirePath('institutionMembers[0].identityId')).to.equal('institution_members[0].identity_id');
      expect(toWirePath('customerDueDiligence.employmentIndustrySector')).to.equal(
        'customer_due_diligence.employment_industry_sector',
      );
      expect(toWirePath('metadata.someKey')).to.equal('metadata.someKey');
      expect(toWirePath('')).to.equal('body');
    });

    it('rewrites field names inside messages', () => {
      const [v] = createViolationsToWire([
        {
          path: 'taxDetailsNotRequired',
          code: 'forbidden',
          message: 'taxDetailsNotRequired: must not be true when cipIdCountry is USA',
        },
      ]);
      expect(v).to.deep.equal({
        path: 'tax_details_not_required',
        code: 'forbidden',
        message: 'tax_details_not_required: must not be true when cip_id_country is USA',
      });
    });
  });

  describe('writing an identity', () => {
    it('leaves zero values out and reveals personal data only in the JSON it writes', () => {
      const identity = Identity.rehydrate({
        id: 'i-1',
        type: 'PERSON',
        summaryStatus: 'PENDING',
        person: {
          firstName: 'A',
          lastName: 'B',
          dateOfBirth: Sensitive.of('1990-01-02'),
          cipId: Sensitive.of('123-45-6789'),
          cipIdType: 'SSN',
        },
        taxDetails: [],
        createdAt: '2026-01-01T00:00:00.000000Z',
        updatedAt: '2026-01-01T00:00:00.000000Z',
      });
      expect(writeIdentity(identity)).to.deep.equal({
        created_at: '2026-01-01T00:00:00.000000Z',
        id: 'i-1',
        person_details: {
          cip_id: '123-45-6789',
          cip_id_type: 'SSN',
          date_of_birth: '1990-01-02',
          first_name: 'A',
          govt_id: '123-45-6789',
          govt_id_type: 'SSN',
          last_name: 'B',
        },
        summary_status: 'PENDING',
        type: 'PERSON',
        updated_at: '2026-01-01T00:00:00.000000Z',
      });
    });
  });
});
