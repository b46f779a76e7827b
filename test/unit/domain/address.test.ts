import { expect } from 'chai';
import type { AddressInput } from '../../../src/index.js';
import { aPerson, anInstitution } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';

const BASE: AddressInput = {
  country: 'USA',
  address1: '1 Example St',
  city: 'New York',
  province: 'NY',
  zipCode: '10001',
};
const withAddress = (changes: Partial<Record<keyof AddressInput, unknown>>) =>
  aPerson()
    .with({ address: { ...BASE, ...changes } as AddressInput })
    .build();

const REQUIRED = ['country', 'address1', 'city', 'province'] as const;
const ALL = [...REQUIRED, 'address2', 'zipCode'] as const;

describe('Address', () => {
  it('accepts every field at 35 characters of pattern P', () => {
    const full = Object.fromEntries(ALL.map((field) => [field, "A1 /?:().,&'+-".padEnd(35, 'x')]));
    const address = accept(withAddress(full)).person?.address;
    expect(address).to.deep.equal(full);
  });

  it('accepts the four required fields alone', () => {
    const address = accept(withAddress({ address2: undefined, zipCode: undefined })).person?.address;
    expect(address).to.deep.equal({ country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY' });
  });

  it("accepts an empty address2 (Paxos's way to clear it)", () => {
    expect(accept(withAddress({ address2: '' })).person?.address?.address2).to.equal('');
  });

  it('takes country as free text, as Paxos does', () => {
    expect(accept(withAddress({ country: 'United States' })).person?.address?.country).to.equal('United States');
  });

  for (const field of REQUIRED) {
    it(`requires ${field}`, () => {
      expectViolation(withAddress({ [field]: undefined }), `person.address.${field}`, 'required');
      expectViolation(withAddress({ [field]: '' }), `person.address.${field}`, 'required');
    });
  }

  for (const field of ALL) {
    it(`rejects ${field} longer than 35 characters`, () => {
      expectViolation(withAddress({ [field]: 'x'.repeat(36) }), `person.address.${field}`, 'max_length');
    });

    it(`rejects ${field} outside pattern P`, () => {
      expectViolation(withAddress({ [field]: 'Straße 1' }), `person.address.${field}`, 'pattern');
    });
  }

  it('reports every missing field of an empty address at once', () => {
    expectViolations(
      withAddress({
        country: undefined,
        address1: undefined,
        city: undefined,
        province: undefined,
        zipCode: undefined,
      }),
      REQUIRED.map((f) => [`person.address.${f}`, 'required'] as const),
    );
  });

  it('applies to institution addresses too', () => {
    const command = anInstitution(['member-1'], {
      businessAddress: { ...BASE, city: 'Zürich' },
      incorporationAddress: { ...BASE, province: undefined as unknown as string },
    });
    expectViolations(command, [
      ['institution.businessAddress.city', 'pattern'],
      ['institution.incorporationAddress.province', 'required'],
    ]);
  });
});
