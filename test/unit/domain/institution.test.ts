import { expect } from 'chai';
import { type InstitutionDetailsInput, type RegulationStatus, type TradingType } from '../../../src/index.js';
import { INSTITUTION_SUB_TYPES } from '../../../src/gateways.js';
import { anInstitution, uniqueSsn } from '../../support/builders.js';
import { accept, anInstitutionWithRoles, aTrust, expectViolation, expectViolations } from '../../support/domain.js';
import { expectWarning } from './warnings.js';

type Changes = Partial<Record<keyof InstitutionDetailsInput, unknown>>;
const institution = (changes: Changes) => anInstitution(['member-1'], changes as Partial<InstitutionDetailsInput>);

const REGULATOR = { regulatorName: 'SEC', regulatorJurisdiction: 'USA', regulatorRegisterNumber: '801-12345' };
const LISTING = { listedExchange: 'NYSE', tickerSymbol: 'EXH' };
const PARENT = { parentInstitutionName: 'Example Group Inc' };

/** Section 6.4's table: the extra fields each regulation × trading combination requires. */
const TABLE: ReadonlyArray<readonly [RegulationStatus, TradingType, Record<string, string>]> = [
  ['US_REGULATED', 'PRIVATE', REGULATOR],
  ['INTL_REGULATED', 'PRIVATE', REGULATOR],
  ['US_REGULATED', 'PUBLIC', { ...LISTING, ...REGULATOR }],
  ['INTL_REGULATED', 'PUBLIC', { ...LISTING, ...REGULATOR }],
  ['US_REGULATED', 'PUBLICLY_TRADED_SUBSIDIARY', { ...LISTING, ...REGULATOR, ...PARENT }],
  ['INTL_REGULATED', 'PUBLICLY_TRADED_SUBSIDIARY', { ...LISTING, ...REGULATOR, ...PARENT }],
  ['NON_REGULATED', 'PRIVATE', {}],
  ['NON_REGULATED', 'PUBLIC', LISTING],
];

describe('InstitutionDetails', () => {
  it('accepts a complete LLC and keeps every field', () => {
    const details = accept(
      institution({
        ...REGULATOR,
        ...LISTING,
        ...PARENT,
        doingBusinessAs: 'Example',
        phoneNumber: '+1 555',
        email: 'ops@example.com',
      }),
    ).institution;
    expect(details).to.include({
      name: 'Example Holdings LLC',
      institutionType: 'LLC',
      institutionSubType: 'INVESTMENT',
      cipIdType: 'EIN',
      cipIdCountry: 'USA',
      govtRegistrationDate: '2021-04-14T00:00:00Z',
      regulationStatus: 'NON_REGULATED',
      tradingType: 'PRIVATE',
      businessDescription: 'Holding company',
      regulatorName: 'SEC',
      listedExchange: 'NYSE',
      parentInstitutionName: 'Example Group Inc',
      doingBusinessAs: 'Example',
      phoneNumber: '+1 555',
      email: 'ops@example.com',
    });
    expect(details?.businessAddress?.city).to.equal('New York');
    expect(details?.incorporationAddress?.city).to.equal('Dover');
  });

  describe('fields every institution requires', () => {
    const REQUIRED = [
      'name',
      'businessAddress',
      'institutionType',
      'institutionSubType',
      'cipId',
      'cipIdType',
      'cipIdCountry',
      'govtRegistrationDate',
    ] as const;

    for (const field of REQUIRED) {
      it(`requires ${field}`, () => {
        expectViolation(institution({ [field]: undefined }), `institution.${field}`, 'required');
        expectViolation(
          institution({ [field]: '' }),
          `institution.${field}`,
          field === 'businessAddress' ? 'type' : 'required',
        );
      });
    }

    it('requires them of a trust as well', () => {
      const trust = aTrust();
      const details = { ...trust.institution } as Record<string, unknown>;
      for (const field of REQUIRED) Reflect.deleteProperty(details, field);
      expectViolations(
        { ...trust, institution: details },
        REQUIRED.map((field) => [`institution.${field}`, 'required'] as const),
      );
    });
  });

  describe('name', () => {
    it('accepts 200 characters of pattern P', () => {
      expect(accept(institution({ name: 'N'.repeat(200) })).institution?.name).to.have.length(200);
    });

    it('rejects more than 200 characters or characters outside pattern P', () => {
      expectViolation(institution({ name: 'N'.repeat(201) }), 'institution.name', 'max_length');
      expectViolation(institution({ name: 'Société Générale' }), 'institution.name', 'pattern');
    });
  });

  describe('cipId and cipIdType', () => {
    it('accepts an EIN formatted dd-ddddddd', () => {
      expect(accept(institution({ cipId: '12-3456789' })).institution?.cipId?.reveal()).to.equal('12-3456789');
    });

    it('rejects an EIN in another shape', () => {
      expectViolation(institution({ cipId: '123-45-6789' }), 'institution.cipId', 'format');
      expectViolation(institution({ cipId: '123456789' }), 'institution.cipId', 'format');
    });

    it('accepts every institution CIP id type', () => {
      expect(accept(institution({ cipIdType: 'SSN', cipId: uniqueSsn() })).institution?.cipIdType).to.equal('SSN');
      expect(accept(institution({ cipIdType: 'ITIN', cipId: uniqueSsn() })).institution?.cipIdType).to.equal('ITIN');
      const registration = {
        ...institution({ cipIdType: 'REGISTRATION_NUMBER', cipId: 'HRB 12345', cipIdCountry: 'DEU' }),
        taxDetailsNotRequired: true,
      };
      expect(accept(registration).institution?.cipIdType).to.equal('REGISTRATION_NUMBER');
    });

    it('rejects person-only CIP id types', () => {
      expectViolation(institution({ cipIdType: 'PASSPORT', cipId: 'P123' }), 'institution.cipIdType', 'enum');
    });

    it('§6.7 sends a cipIdCountry that is not an assigned code, with a warning, and refuses one of another shape', () => {
      expectWarning(institution({ cipIdCountry: 'XKX' }), 'institution.cipIdCountry', 'country');
      expectViolation(institution({ cipIdCountry: 'Kosovo' }), 'institution.cipIdCountry', 'pattern');
    });
  });

  describe('govtRegistrationDate', () => {
    it('accepts an RFC 3339 date-time in the past', () => {
      accept(institution({ govtRegistrationDate: '2021-04-14T00:00:00.000Z' }));
    });

    it('rejects a date without a time', () => {
      expectViolation(
        institution({ govtRegistrationDate: '2021-04-14' }),
        'institution.govtRegistrationDate',
        'format',
      );
    });

    it('§6.7 sends a date in the future of the given now, with a warning (no documented rule)', () => {
      const now = new Date('2026-03-15T12:00:00Z');
      expectWarning(
        institution({ govtRegistrationDate: '2026-03-16T00:00:00Z' }),
        'institution.govtRegistrationDate',
        'future_date',
        now,
      );
    });
  });

  describe('CORPORATION, LLC and PARTNERSHIP', () => {
    const EXTRA = ['incorporationAddress', 'regulationStatus', 'tradingType', 'businessDescription'] as const;

    for (const institutionType of ['CORPORATION', 'LLC', 'PARTNERSHIP']) {
      it(`${institutionType}: accepted with incorporationAddress, regulationStatus, tradingType and businessDescription`, () => {
        expect(accept(institution({ institutionType })).institution?.institutionType).to.equal(institutionType);
      });

      for (const field of EXTRA) {
        it(`${institutionType}: requires ${field}`, () => {
          expectViolation(institution({ institutionType, [field]: undefined }), `institution.${field}`, 'required');
        });
      }
    }

    it('TRUST and SOLE_PROPRIETORSHIP do not need them', () => {
      const bare = {
        incorporationAddress: undefined,
        regulationStatus: undefined,
        tradingType: undefined,
        businessDescription: undefined,
      };
      expect(accept(aTrust({ ...bare, cipIdType: 'SSN', cipId: uniqueSsn() })).institution?.institutionType).to.equal(
        'TRUST',
      );
      const sole = {
        ...anInstitutionWithRoles(['SOLE_PROPRIETOR'], { ...bare, institutionType: 'SOLE_PROPRIETORSHIP' }),
      };
      expect(accept(sole).institution?.institutionType).to.equal('SOLE_PROPRIETORSHIP');
    });
  });

  describe('regulation status × trading type', () => {
    for (const [regulationStatus, tradingType, extra] of TABLE) {
      const needed = Object.keys(extra);
      it(`${regulationStatus} + ${tradingType}: accepted with ${needed.length === 0 ? 'nothing more' : needed.join(', ')}`, () => {
        const details = accept(institution({ regulationStatus, tradingType, ...extra })).institution;
        expect(details).to.include({ regulationStatus, tradingType, ...extra });
      });

      if (needed.length > 0) {
        it(`${regulationStatus} + ${tradingType}: rejected without them, each reported`, () => {
          expectViolations(
            institution({ regulationStatus, tradingType }),
            needed.map((field) => [`institution.${field}`, 'required'] as const),
          );
          for (const field of needed) {
            expectViolation(
              institution({ regulationStatus, tradingType, ...extra, [field]: undefined }),
              `institution.${field}`,
              'required',
            );
            expectViolation(
              institution({ regulationStatus, tradingType, ...extra, [field]: '' }),
              `institution.${field}`,
              'required',
            );
          }
        });
      }
    }

    it('NON_REGULATED + PUBLICLY_TRADED_SUBSIDIARY is not allowed, whatever else is given', () => {
      expectViolation(
        institution({
          regulationStatus: 'NON_REGULATED',
          tradingType: 'PUBLICLY_TRADED_SUBSIDIARY',
          ...LISTING,
          ...REGULATOR,
          ...PARENT,
        }),
        'institution.tradingType',
        'forbidden',
      );
    });

    it('rejects unknown regulation and trading values', () => {
      expectViolation(institution({ regulationStatus: 'REGULATED' }), 'institution.regulationStatus', 'enum');
      expectViolation(institution({ tradingType: 'OTC' }), 'institution.tradingType', 'enum');
    });
  });

  describe('institutionSubType', () => {
    const PROHIBITED = ['ADULT_ENTERTAINMENT', 'DRUGS', 'SHELL_BANK', 'WEAPONS'];

    it('accepts every sub-type Paxos onboards', () => {
      for (const institutionSubType of INSTITUTION_SUB_TYPES.filter((s) => !PROHIBITED.includes(s))) {
        expect(accept(institution({ institutionSubType })).institution?.institutionSubType).to.equal(
          institutionSubType,
        );
      }
    });

    for (const institutionSubType of PROHIBITED) {
      it(`rejects the prohibited ${institutionSubType}`, () => {
        expectViolation(institution({ institutionSubType }), 'institution.institutionSubType', 'prohibited');
      });
    }

    it('rejects RANSOMWARE, removed from the enum', () => {
      expectViolation(institution({ institutionSubType: 'RANSOMWARE' }), 'institution.institutionSubType', 'enum');
    });
  });

  describe('TRUST', () => {
    it('accepts sub-type INVESTMENT', () => {
      expect(accept(aTrust()).institution?.institutionSubType).to.equal('INVESTMENT');
    });

    it('rejects any other sub-type', () => {
      expectViolation(aTrust({ institutionSubType: 'HEDGE_FUND' }), 'institution.institutionSubType', 'forbidden');
    });

    it('needs an incorporation address unless its CIP id is an SSN or ITIN', () => {
      expectViolation(aTrust({ incorporationAddress: undefined }), 'institution.incorporationAddress', 'required');
      accept(aTrust({ incorporationAddress: undefined, cipIdType: 'ITIN', cipId: uniqueSsn() }));
    });
  });

  describe('REGISTERED_INVESTMENT_ADVISOR', () => {
    it('needs incorporationAddress, regulationStatus and tradingType whatever its type', () => {
      const bare = {
        incorporationAddress: undefined,
        regulationStatus: undefined,
        tradingType: undefined,
        businessDescription: undefined,
      };
      expectViolations(
        anInstitutionWithRoles(['SOLE_PROPRIETOR'], {
          ...bare,
          institutionType: 'SOLE_PROPRIETORSHIP',
          institutionSubType: 'REGISTERED_INVESTMENT_ADVISOR',
        }),
        [
          ['institution.incorporationAddress', 'required'],
          ['institution.regulationStatus', 'required'],
          ['institution.tradingType', 'required'],
        ],
      );
    });
  });
});
