import { expect } from 'chai';
import countries from 'i18n-iso-countries';
import { countryCodes, isCountryCode } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation } from '../../support/domain.js';

// XKK (Kosovo) is a user-assigned code some libraries carry; ISO 3166-1 has not assigned it.
const ISO_ALPHA3 = Object.keys(countries.getAlpha3Codes())
  .filter((code) => code !== 'XKK')
  .sort();

describe('ISO 3166-1 alpha-3 country codes', () => {
  it('are exactly the officially assigned codes', () => {
    expect([...countryCodes()].sort()).to.deep.equal(ISO_ALPHA3);
    expect(ISO_ALPHA3).to.have.length(249);
  });

  it('are each accepted as nationality, cipIdCountry and taxPayerCountry', () => {
    for (const code of ISO_ALPHA3) {
      const identity = accept(
        aPerson()
          .foreign()
          .with({ nationality: code, cipIdCountry: code === 'USA' ? 'DEU' : code })
          .withCommand({ taxDetails: [{ taxPayerId: 'T-1', taxPayerCountry: code }] })
          .build(),
      );
      expect(identity.person?.nationality).to.equal(code);
      expect(identity.taxDetails[0]?.taxPayerCountry).to.equal(code);
    }
  });

  it('reject three capitals that are not assigned', () => {
    for (const code of ['XYZ', 'XKK', 'AAA', 'UKK', 'EUR']) expect(isCountryCode(code), code).to.equal(false);
    expectViolation(
      aPerson().foreign().withoutTaxDetails().with({ nationality: 'XYZ' }).build(),
      'person.nationality',
      'country',
    );
  });
});
