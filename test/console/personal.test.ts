import { expect } from 'chai';
import { maskPersonal, revealField } from '../../src/testing/emulator/console/personal.js';

const wire = {
  id: 'i-1',
  type: 'INSTITUTION',
  ref_id: 'customer-7',
  institution_details: {
    name: 'Example Holdings LLC',
    cip_id: '12-3456789',
    cip_id_type: 'EIN',
    business_address: { country: 'USA', city: 'New York' },
  },
  person_details: { first_name: 'Ann', middle_name: '', address: { address1: '1 Example St', city: 'New York' } },
  tax_details: [{ tax_payer_id: '12-3456789', tax_payer_country: 'USA' }],
};

describe('console: masking personal data', () => {
  it('masks every personal value, whole objects included, and lists their paths', () => {
    const { masked, personal } = maskPersonal(wire);
    expect(personal).to.deep.equal([
      'institution_details.cip_id',
      'person_details.first_name',
      'person_details.address',
      'tax_details.0.tax_payer_id',
    ]);
    const text = JSON.stringify(masked);
    for (const secret of ['12-3456789', 'Ann', '1 Example St']) expect(text).not.to.include(secret);
    // What is not personal stays readable: an institution's name and its business address, the CIP id's type.
    expect(text).to.include('Example Holdings LLC');
    expect(text).to.include('"cip_id_type":"EIN"');
    expect(text).to.include('"business_address":{"country":"USA","city":"New York"}');
  });

  it('reveals one listed field, an address as one line, and nothing else', () => {
    expect(revealField(wire, 'institution_details.cip_id')).to.equal('12-3456789');
    expect(revealField(wire, 'person_details.address')).to.equal('1 Example St, New York');
    expect(revealField(wire, 'tax_details.0.tax_payer_id')).to.equal('12-3456789');
    for (const path of ['institution_details.name', 'person_details.middle_name', '__proto__', 'id', ''])
      expect(revealField(wire, path), path).to.equal(undefined);
  });
});
