import { expect } from 'chai';
import { aPerson, anInstitution, uniqueEin, uniqueSsn } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';
import { expectWarning } from './warnings.js';

const GERMAN_TAX = [{ taxPayerId: '12345678901', taxPayerCountry: 'DEU' }];

describe('Tax rules', () => {
  describe('derived from a US tax CIP id', () => {
    for (const cipIdType of ['SSN', 'ITIN'] as const) {
      it(`derives one USA detail from a person's US ${cipIdType}`, () => {
        const cipId = uniqueSsn();
        const identity = accept(aPerson().with({ cipIdType, cipId }).build());
        expect(identity.tax.kind).to.equal('derived');
        expect(identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry])).to.deep.equal([
          [cipId, 'USA'],
        ]);
        expect(identity.taxDetailsNotRequired).to.equal(false);
      });
    }

    it("derives one USA detail from an institution's US EIN", () => {
      const cipId = uniqueEin();
      const identity = accept(anInstitution(['member-1'], { cipId }));
      expect(identity.tax.kind).to.equal('derived');
      expect(identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry])).to.deep.equal([
        [cipId, 'USA'],
      ]);
    });

    it('keeps explicit details instead of deriving', () => {
      const identity = accept(
        aPerson()
          .withCommand({ taxDetails: [{ taxPayerId: '912-70-0001', taxPayerCountry: 'USA' }, ...GERMAN_TAX] })
          .build(),
      );
      expect(identity.tax.kind).to.equal('provided');
      expect(identity.taxDetails.map((t) => t.taxPayerCountry)).to.deep.equal(['USA', 'DEU']);
    });

    it('§6.4, §6.6 derives from an SSN whichever country is named, as Paxos fills tax_details from the CIP id', () => {
      const cipId = uniqueSsn();
      const identity = accept(aPerson().foreign().with({ cipIdType: 'SSN', cipId }).build());
      expect(identity.tax.kind).to.equal('derived');
      expect(identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry])).to.deep.equal([
        [cipId, 'DEU'],
      ]);
    });

    it('does not derive from a US registration number', () => {
      const command = anInstitution(['member-1'], { cipIdType: 'REGISTRATION_NUMBER', cipId: 'REG 12345' });
      expectViolation(command, 'taxDetails', 'required');
      expect(
        accept({ ...command, taxDetails: [{ taxPayerId: '12-3456789', taxPayerCountry: 'USA' }] }).tax.kind,
      ).to.equal('provided');
    });
  });

  describe('required unless taxDetailsNotRequired', () => {
    it('accepts explicit details for a non-US CIP id', () => {
      const identity = accept(aPerson().foreign().withCommand({ taxDetails: GERMAN_TAX }).build());
      expect(identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry])).to.deep.equal([
        ['12345678901', 'DEU'],
      ]);
    });

    it('accepts taxDetailsNotRequired for a non-US CIP id, with no details', () => {
      const identity = accept(aPerson().foreign().withoutTaxDetails().build());
      expect(identity.tax.kind).to.equal('not_required');
      expect(identity.taxDetailsNotRequired).to.equal(true);
      expect(identity.taxDetails).to.deep.equal([]);
    });

    it('accepts taxDetailsNotRequired false with details', () => {
      accept(aPerson().foreign().withCommand({ taxDetails: GERMAN_TAX, taxDetailsNotRequired: false }).build());
    });

    it('rejects a non-US CIP id with neither details nor the flag', () => {
      expectViolation(aPerson().foreign().build(), 'taxDetails', 'required');
      expectViolation(aPerson().foreign().withCommand({ taxDetails: [] }).build(), 'taxDetails', 'required');
      expectViolation(
        aPerson().foreign().withCommand({ taxDetailsNotRequired: false }).build(),
        'taxDetails',
        'required',
      );
    });

    it('reports missing tax details together with problems of the person', () => {
      expectViolations(aPerson().foreign().with({ firstName: 'Jörg' }).build(), [
        ['person.firstName', 'pattern'],
        ['taxDetails', 'required'],
      ]);
    });

    it('rejects taxDetailsNotRequired when cipIdCountry is USA', () => {
      expectViolation(aPerson().withoutTaxDetails().build(), 'taxDetailsNotRequired', 'forbidden');
      expectViolation(
        { ...anInstitution(['member-1']), taxDetailsNotRequired: true },
        'taxDetailsNotRequired',
        'forbidden',
      );
    });

    it('§6.6 sends details given together with the flag, with a warning that the flag is not sent', () => {
      const identity = expectWarning(
        aPerson().foreign().withCommand({ taxDetails: GERMAN_TAX, taxDetailsNotRequired: true }).build(),
        'taxDetailsNotRequired',
        'conflict',
      );
      expect(identity.tax.kind).to.equal('provided');
      const empty = expectWarning(
        aPerson().foreign().withCommand({ taxDetails: [], taxDetailsNotRequired: true }).build(),
        'taxDetailsNotRequired',
        'conflict',
      );
      expect(empty.tax.kind).to.equal('not_required');
    });

    it('rejects a flag that is not a boolean', () => {
      expectViolations(
        aPerson()
          .foreign()
          .withCommand({ taxDetailsNotRequired: 'true' as never })
          .build(),
        [
          ['taxDetailsNotRequired', 'type'],
          ['taxDetails', 'required'],
        ],
      );
    });
  });

  describe('each detail', () => {
    const withDetail = (detail: unknown) =>
      aPerson()
        .foreign()
        .withCommand({ taxDetails: [detail as never] })
        .build();

    it('accepts a taxPayerId of 35 characters of pattern P', () => {
      expect(
        accept(
          withDetail({ taxPayerId: "A1 /?:().,&'+-".padEnd(35, '9'), taxPayerCountry: 'DEU' }),
        ).taxDetails[0]?.taxPayerId.reveal(),
      ).to.have.length(35);
    });

    it('requires taxPayerId and taxPayerCountry', () => {
      expectViolations(withDetail({}), [
        ['taxDetails[0].taxPayerId', 'required'],
        ['taxDetails[0].taxPayerCountry', 'required'],
      ]);
    });

    it('rejects a taxPayerId over 35 characters or outside pattern P', () => {
      expectViolation(
        withDetail({ taxPayerId: '9'.repeat(36), taxPayerCountry: 'DEU' }),
        'taxDetails[0].taxPayerId',
        'max_length',
      );
      expectViolation(
        withDetail({ taxPayerId: '123_456', taxPayerCountry: 'DEU' }),
        'taxDetails[0].taxPayerId',
        'pattern',
      );
    });

    it('§4.8 sends a taxPayerCountry of three capitals ISO has not assigned, with a warning; refuses other shapes', () => {
      expectWarning(
        withDetail({ taxPayerId: '1', taxPayerCountry: 'XKX' }),
        'taxDetails[0].taxPayerCountry',
        'country',
      );
      expectViolation(
        withDetail({ taxPayerId: '1', taxPayerCountry: 'DE' }),
        'taxDetails[0].taxPayerCountry',
        'pattern',
      );
    });

    it('rejects unknown fields and non-object items', () => {
      expectViolation(
        withDetail({ taxPayerId: '1', taxPayerCountry: 'DEU', tinVerificationStatus: 'TIN_VERIFICATION_VALID' }),
        'taxDetails[0].tinVerificationStatus',
        'unknown_field',
      );
      expectViolation(withDetail('12345678901'), 'taxDetails[0]', 'type');
    });

    it('rejects a taxDetails that is not an array, without also calling it missing', () => {
      expectViolation(
        aPerson()
          .foreign()
          .withCommand({ taxDetails: GERMAN_TAX[0] as never })
          .build(),
        'taxDetails',
        'type',
      );
    });
  });
});
