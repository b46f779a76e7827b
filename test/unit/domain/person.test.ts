import { expect } from 'chai';
import type { PersonDetailsInput } from '../../../src/index.js';
import { aPerson, uniqueSsn } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';
import { expectWarning } from './warnings.js';

const person = (changes: Partial<Record<keyof PersonDetailsInput, unknown>>) =>
  aPerson()
    .with(changes as Partial<PersonDetailsInput>)
    .build();
const foreign = (changes: Partial<Record<keyof PersonDetailsInput, unknown>>) =>
  aPerson()
    .foreign()
    .withoutTaxDetails()
    .with(changes as Partial<PersonDetailsInput>)
    .build();

describe('PersonDetails', () => {
  for (const field of ['firstName', 'lastName'] as const) {
    describe(field, () => {
      it('accepts every character of pattern P, up to 200 characters', () => {
        expect(accept(person({ [field]: "O'Neil-Smith Jr. (2nd) & Co/?:,+" })).person?.[field]).to.equal(
          "O'Neil-Smith Jr. (2nd) & Co/?:,+",
        );
        expect(accept(person({ [field]: 'A'.repeat(200) })).person?.[field]).to.have.length(200);
      });

      it('is required', () => {
        expectViolation(person({ [field]: undefined }), `person.${field}`, 'required');
        expectViolation(person({ [field]: '' }), `person.${field}`, 'required');
      });

      it('rejects more than 200 characters', () => {
        expectViolation(person({ [field]: 'A'.repeat(201) }), `person.${field}`, 'max_length');
      });

      it('rejects non-ASCII letters and characters outside pattern P', () => {
        expectViolation(person({ [field]: 'José' }), `person.${field}`, 'pattern');
        expectViolation(person({ [field]: '李' }), `person.${field}`, 'pattern');
        expectViolation(person({ [field]: 'John_Doe' }), `person.${field}`, 'pattern');
        expectViolation(person({ [field]: 'John\nDoe' }), `person.${field}`, 'pattern');
      });
    });
  }

  describe('middleName', () => {
    it('is optional and accepts up to 200 characters, without pattern P (Paxos documents none)', () => {
      expect(accept(person({ middleName: undefined })).person?.middleName).to.equal(undefined);
      expect(accept(person({ middleName: 'B'.repeat(200) })).person?.middleName).to.have.length(200);
      expect(accept(person({ middleName: 'Zoë' })).person?.middleName).to.equal('Zoë');
    });

    it('rejects more than 200 characters', () => {
      expectViolation(person({ middleName: 'B'.repeat(201) }), 'person.middleName', 'max_length');
    });

    it('rejects control characters', () => {
      expectViolation(person({ middleName: 'B\u0000' }), 'person.middleName', 'pattern');
    });
  });

  describe('dateOfBirth', () => {
    it('accepts a real calendar date YYYY-MM-DD, including 29 February of a leap year', () => {
      expect(accept(person({ dateOfBirth: '2024-02-29' })).person?.dateOfBirth?.reveal()).to.equal('2024-02-29');
      expect(accept(person({ dateOfBirth: '2000-02-29' })).person?.dateOfBirth?.reveal()).to.equal('2000-02-29');
    });

    it('rejects dates that do not exist', () => {
      expectViolation(person({ dateOfBirth: '2023-02-29' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1900-02-29' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1980-13-01' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1980-04-31' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1980-00-10' }), 'person.dateOfBirth', 'format');
    });

    it('rejects other shapes', () => {
      expectViolation(person({ dateOfBirth: '01/01/1980' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1980-1-1' }), 'person.dateOfBirth', 'format');
      expectViolation(person({ dateOfBirth: '1980-01-01T00:00:00Z' }), 'person.dateOfBirth', 'format');
    });

    it('§6.7 sends a date in the future with a warning (Paxos documents no such rule), measured against the given now', () => {
      const now = new Date('2026-03-15T00:00:00Z');
      expect(accept(person({ dateOfBirth: '2026-03-15' }), now).warnings).to.deep.equal([]);
      expectWarning(person({ dateOfBirth: '2026-03-16' }), 'person.dateOfBirth', 'future_date', now);
      expect(accept(person({ dateOfBirth: '2026-03-16' }), new Date('2026-03-16T00:00:00Z')).warnings).to.deep.equal(
        [],
      );
    });

    it('is required', () => {
      expectViolation(person({ dateOfBirth: undefined }), 'person.dateOfBirth', 'required');
    });
  });

  describe('nationality and cipIdCountry', () => {
    it('accept assigned ISO 3166-1 alpha-3 codes', () => {
      const identity = accept(foreign({ nationality: 'BRA', cipIdCountry: 'FRA' }));
      expect([identity.person?.nationality, identity.person?.cipIdCountry]).to.deep.equal(['BRA', 'FRA']);
    });

    for (const field of ['nationality', 'cipIdCountry'] as const) {
      it(`§6.7 ${field}: sends three capitals that are not an assigned code, with a warning`, () => {
        expectWarning(foreign({ [field]: 'XYZ' }), `person.${field}`, 'country');
        expectWarning(foreign({ [field]: 'XKX' }), `person.${field}`, 'country');
      });

      it(`${field}: rejects alpha-2, lower case and names`, () => {
        expectViolation(foreign({ [field]: 'DE' }), `person.${field}`, 'pattern');
        expectViolation(foreign({ [field]: 'deu' }), `person.${field}`, 'pattern');
        expectViolation(foreign({ [field]: 'Germany' }), `person.${field}`, 'pattern');
      });

      it(`${field}: is required`, () => {
        expectViolations(foreign({ [field]: undefined }), [[`person.${field}`, 'required']]);
      });
    }
  });

  describe('cipId', () => {
    it('accepts up to 200 characters of pattern P for a passport', () => {
      expect(accept(foreign({ cipId: 'X'.repeat(200) })).person?.cipId?.reveal()).to.have.length(200);
      expect(accept(foreign({ cipId: 'C01X00T47' })).person?.cipId?.reveal()).to.equal('C01X00T47');
    });

    it('is required', () => {
      expectViolation(foreign({ cipId: undefined }), 'person.cipId', 'required');
    });

    it('rejects more than 200 characters and characters outside pattern P', () => {
      expectViolation(foreign({ cipId: 'X'.repeat(201) }), 'person.cipId', 'max_length');
      expectViolation(foreign({ cipId: 'C01X00T47#' }), 'person.cipId', 'pattern');
    });

    for (const cipIdType of ['SSN', 'ITIN'] as const) {
      it(`accepts an ${cipIdType} formatted ddd-dd-dddd`, () => {
        const identity = accept(person({ cipIdType, cipId: '912-70-1234' }));
        expect(identity.person?.cipIdType).to.equal(cipIdType);
      });

      it(`rejects an ${cipIdType} in another shape`, () => {
        expectViolation(person({ cipIdType, cipId: '912701234' }), 'person.cipId', 'format');
        expectViolation(person({ cipIdType, cipId: '12-3456789' }), 'person.cipId', 'format');
        expectViolation(person({ cipIdType, cipId: '912-70-12345' }), 'person.cipId', 'format');
      });
    }
  });

  describe('cipIdType', () => {
    for (const cipIdType of ['ID_CARD', 'PASSPORT', 'DRIVING_LICENSE', 'VISA'] as const) {
      it(`accepts ${cipIdType} outside the USA`, () => {
        expect(accept(foreign({ cipIdType })).person?.cipIdType).to.equal(cipIdType);
      });
    }

    it('rejects values of the institution enum and unknown values', () => {
      expectViolation(foreign({ cipIdType: 'EIN' }), 'person.cipIdType', 'enum');
      expectViolation(foreign({ cipIdType: 'REGISTRATION_NUMBER' }), 'person.cipIdType', 'enum');
      expectViolation(foreign({ cipIdType: 'ssn' }), 'person.cipIdType', 'enum');
    });

    it('is required', () => {
      expectViolation(foreign({ cipIdType: undefined }), 'person.cipIdType', 'required');
    });

    it('must be SSN or ITIN when cipIdCountry is USA', () => {
      accept(person({ cipIdType: 'SSN', cipIdCountry: 'USA', cipId: uniqueSsn() }));
      accept(person({ cipIdType: 'ITIN', cipIdCountry: 'USA', cipId: uniqueSsn() }));
      expectViolation(
        {
          ...aPerson().with({ cipIdType: 'PASSPORT', cipIdCountry: 'USA', cipId: 'P1234567' }).build(),
          taxDetails: [{ taxPayerId: '912-70-1234', taxPayerCountry: 'USA' }],
        },
        'person.cipIdType',
        'forbidden',
      );
    });

    it('allows an SSN-typed id issued outside the USA', () => {
      accept(foreign({ cipIdType: 'SSN', cipId: '912-70-1234' }));
    });
  });

  describe('optional contact and profile fields', () => {
    it('keeps phone number, email, profession and country of birth', () => {
      const details = accept(
        person({ phoneNumber: '+1 555 678 1234', email: 'a@b.example', profession: 'Engineer', countryOfBirth: 'USA' }),
      ).person;
      expect([details?.phoneNumber, details?.email, details?.profession, details?.countryOfBirth]).to.deep.equal([
        '+1 555 678 1234',
        'a@b.example',
        'Engineer',
        'USA',
      ]);
    });

    it('§4.4 sends them whatever their length (Paxos documents none), warning past the usual sizes', () => {
      expectWarning(person({ phoneNumber: '1'.repeat(65) }), 'person.phoneNumber', 'max_length');
      expectWarning(person({ email: `${'a'.repeat(250)}@b.io` }), 'person.email', 'max_length');
      expectWarning(person({ profession: 'p'.repeat(201) }), 'person.profession', 'max_length');
      expect(accept(person({ phoneNumber: '1'.repeat(64), profession: 'p'.repeat(200) })).warnings).to.deep.equal([]);
    });

    it("§4.4 refuses a middleName over the schema's 200 characters", () => {
      expectViolation(person({ middleName: 'm'.repeat(201) }), 'person.middleName', 'max_length');
    });
  });

  it('rejects a missing person address', () => {
    expectViolation(person({ address: undefined }), 'person.address', 'required');
  });
});
