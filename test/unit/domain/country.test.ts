import { expect } from 'chai';
import countries from 'i18n-iso-countries';
import { countryCodes, isCountryCode } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation } from '../../support/domain.js';
import { expectWarning, warningPairs } from './warnings.js';

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

  it('§6.7 are told apart from three capitals ISO has not assigned, which are sent with a warning (XKX, Kosovo)', () => {
    for (const code of ['XYZ', 'XKK', 'XKX', 'AAA', 'UKK', 'EUR']) expect(isCountryCode(code), code).to.equal(false);
    const identity = expectWarning(
      aPerson().foreign().withoutTaxDetails().with({ nationality: 'XKX', cipIdCountry: 'XKX' }).build(),
      'person.nationality',
      'country',
    );
    expect(identity.person?.nationality).to.equal('XKX');
    expect(warningPairs(identity)).to.include('person.cipIdCountry country');
  });

  it("§4.4 refuse what breaks the schema's pattern (three capitals)", () => {
    for (const code of ['DE', 'deu', 'Germany', 'DEU1'])
      expectViolation(
        aPerson().foreign().withoutTaxDetails().with({ nationality: code }).build(),
        'person.nationality',
        'pattern',
      );
  });
});
