import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  createViolationsToWire,
  identityToJson,
  readCreateIdentityRequest,
} from '../../../src/adapters/paxos/wire-json.js';
import { toIdentity } from '../../../src/adapters/paxos/mapper.js';
import { decode, IdentityDto } from '../../../src/adapters/paxos/dto/index.js';
import { llcBody, seedBody } from '../../emulator/support.js';

function violationsOf(body: unknown): string[] {
  const checked = readCreateIdentityRequest(body);
  return checked.ok ? [] : checked.violations.map((v) => `${v.path} ${v.code}`);
}

describe("Paxos's JSON for hand-written bodies (the CLI's reading and printing)", () => {
  it('reads the seed body into the camelCase command, metadata inside person_details included', () => {
    const body = seedBody();
    const checked = readCreateIdentityRequest(body);
    expect(checked.ok).to.equal(true);
    if (!checked.ok) return;
    expect(checked.command.refId).to.equal(body.ref_id);
    expect(checked.command.person).to.include({
      firstName: 'John',
      cipId: body.person_details.cip_id,
      cipIdType: 'SSN',
    });
    expect(checked.command.person?.address).to.deep.equal({
      country: 'USA',
      address1: '1 Example St',
      city: 'New York',
      province: 'NY',
      zipCode: '10001',
    });
    expect({ ...checked.command.metadata }).to.deep.equal(body.person_details.metadata);
  });

  it('takes the deprecated govt_id / govt_id_type for cip_id / cip_id_type, and refuses a pair that disagrees', () => {
    const body = seedBody();
    const cipId = body.person_details.cip_id as string;
    delete body.person_details.cip_id;
    delete body.person_details.cip_id_type;
    body.person_details.govt_id = cipId;
    body.person_details.govt_id_type = 'SSN';
    const checked = readCreateIdentityRequest(body);
    expect(checked.ok && checked.command.person).to.include({ cipId, cipIdType: 'SSN' });
    const both = seedBody();
    both.person_details.govt_id = '999-99-9999';
    expect(violationsOf(both)).to.deep.equal(['person_details.govt_id conflict']);
  });

  it('names unknown, forbidden and invalid fields by their wire paths, and ignores fields Paxos sets', () => {
    const body = seedBody();
    body.person_details.nickname = 'JD';
    body.person_details.id_verification_status = 'APPROVED';
    body.person_details.address.zipCode = '10001';
    delete body.person_details.last_name;
    expect(violationsOf(body)).to.have.members([
      'person_details.nickname unknown_field',
      'person_details.address.zipCode unknown_field',
      'person_details.last_name required',
    ]);
    const llc = llcBody([{ id: 'm-1', identity_id: 'p-1', roles: ['BENEFICIAL_OWNER'] }]);
    expect(violationsOf(llc)).to.deep.equal(['institution_members[0].id forbidden']);
    expect(violationsOf([])).to.deep.equal(['body type']);
  });

  it('rewrites camelCase paths and the names inside messages with the wire names', () => {
    const [v] = createViolationsToWire([
      {
        path: 'person.cipIdType',
        code: 'forbidden',
        message: 'person.cipIdType: must be SSN or ITIN when cipIdCountry is USA',
      },
    ]);
    expect(v).to.deep.equal({
      path: 'person_details.cip_id_type',
      code: 'forbidden',
      message: 'person_details.cip_id_type: must be SSN or ITIN when cip_id_country is USA',
    });
    const [meta] = createViolationsToWire([{ path: 'metadata.myKey', code: 'type', message: 'metadata.myKey: bad' }]);
    expect(meta?.path).to.equal('metadata.myKey');
    const [tax] = createViolationsToWire([{ path: 'taxDetails[1].taxPayerId', code: 'required', message: 'x' }]);
    expect(tax?.path).to.equal('tax_details[1].tax_payer_id');
  });

  it('lets top-level metadata win over metadata inside person_details', () => {
    const body = { ...seedBody(), metadata: { custom_property1: 'top' } };
    const checked = readCreateIdentityRequest(body);
    expect(checked.ok && { ...checked.command.metadata }).to.deep.equal({
      custom_property1: 'top',
      custom_property2: 'custom value 2',
    });
  });

  it('reports camelCase names sent on the wire as unknown fields instead of accepting them', () => {
    const body = seedBody();
    body.person_details.cipIdType = body.person_details.cip_id_type;
    body.refId = 'x';
    const checked = readCreateIdentityRequest(body);
    const violations = checked.ok ? [] : checked.violations;
    expect(violations.map((v) => v.path)).to.have.members(['person_details.cipIdType', 'refId']);
    expect(violations.every((v) => v.code === 'unknown_field')).to.equal(true);
  });

  it('keeps a __proto__ metadata key as data, which the domain then refuses', () => {
    const body: unknown = JSON.parse(
      `{"person_details": ${JSON.stringify(seedBody().person_details)}, "metadata": {"__proto__": "x"}}`,
    );
    const parsed = readCreateIdentityRequest(body);
    expect(parsed.ok).to.equal(false);
    expect(({} as Record<string, unknown>)['x']).to.equal(undefined);
    if (!parsed.ok) expect(parsed.violations.map((v) => v.path)).to.include('metadata');
  });

  it('refuses a govt_id that contradicts cip_id without quoting either', () => {
    const body = seedBody();
    body.person_details.govt_id = '999-99-9999';
    const checked = readCreateIdentityRequest(body);
    const violations = checked.ok ? [] : checked.violations;
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ path: 'person_details.govt_id', code: 'conflict' });
    expect(violations[0]?.message).not.to.include('999-99-9999');
  });

  it('renames each path segment by the tables, keeping indexes and metadata keys', () => {
    const pathOf = (path: string) => createViolationsToWire([{ path, code: 'required', message: 'x' }])[0]?.path;
    expect(pathOf('person.address.zipCode')).to.equal('person_details.address.zip_code');
    expect(pathOf('institutionMembers[0].identityId')).to.equal('institution_members[0].identity_id');
    expect(pathOf('customerDueDiligence.employmentIndustrySector')).to.equal(
      'customer_due_diligence.employment_industry_sector',
    );
    expect(pathOf('')).to.equal('body');
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

  it('prints an identity as Paxos returns it, personal values masked unless revealed', () => {
    const decoded = decode(IdentityDto, {
      id: 'i-1',
      type: 'PERSON',
      summary_status: 'APPROVED',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      person_details: {
        first_name: 'John',
        last_name: 'Doe',
        date_of_birth: '1980-01-01',
        cip_id: '111-11-1234',
        id_verification_status: 'APPROVED',
        address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY' },
      },
      tax_details: [{ tax_payer_id: '111-11-1234', tax_payer_country: 'USA' }],
      is_merchant: false,
    });
    if (!decoded.ok) throw new Error(decoded.issues.join());
    const mapped = toIdentity(decoded.value);
    if (!mapped.ok) throw new Error(mapped.issues.join());
    const masked = identityToJson(mapped.value);
    expect(masked['person_details']).to.deep.include({
      cip_id: '[REDACTED]',
      date_of_birth: '[REDACTED]',
      id_verification_status: 'APPROVED',
    });
    expect(masked).not.to.have.property('is_merchant');
    const text = JSON.stringify(masked) + inspect(masked, { depth: 10 });
    expect(text).not.to.include('111-11-1234');
    expect(text).not.to.include('1980-01-01');
    const clear = identityToJson(mapped.value, { reveal: true });
    expect(clear['person_details']).to.include({ cip_id: '111-11-1234', date_of_birth: '1980-01-01' });
    expect(clear['tax_details']).to.deep.equal([{ tax_payer_id: '111-11-1234', tax_payer_country: 'USA' }]);
  });
});
