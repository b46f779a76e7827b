import { expect } from 'chai';
import { type PersonDetailsInput } from '../../../src/index.js';
import { PASSTHROUGH_VERIFIER_TYPES } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation } from '../../support/domain.js';
import { expectWarning, warningPairs } from './warnings.js';

const person = (changes: Partial<Record<keyof PersonDetailsInput, unknown>>) =>
  aPerson()
    .with(changes as Partial<PersonDetailsInput>)
    .build();
const NO_PASSTHROUGH = { passthroughVerifierType: undefined, passthroughVerifiedAt: undefined };

describe('Verifier rules', () => {
  describe('PASSTHROUGH', () => {
    it('accepts the verifier type and the verification time, as the seed sends them', () => {
      const details = accept(person({})).person;
      expect([details?.verifierType, details?.passthroughVerifierType, details?.passthroughVerifiedAt]).to.deep.equal([
        'PASSTHROUGH',
        'JUMIO',
        '2021-06-16T09:28:14Z',
      ]);
    });

    it('accepts every passthrough verifier type', () => {
      for (const passthroughVerifierType of PASSTHROUGH_VERIFIER_TYPES) {
        expect(accept(person({ passthroughVerifierType })).person?.passthroughVerifierType).to.equal(
          passthroughVerifierType,
        );
      }
    });

    it('accepts the optional verification id, status and fields', () => {
      const details = accept(
        person({
          passthroughVerificationId: 'jumio-123',
          passthroughVerificationStatus: 'DENIED',
          passthroughVerificationFields: ['FULL_LEGAL_NAME', 'CIP_ID'],
        }),
      ).person;
      expect(details?.passthroughVerificationId).to.equal('jumio-123');
      expect(details?.passthroughVerificationStatus).to.equal('DENIED');
      expect(details?.passthroughVerificationFields).to.deep.equal(['FULL_LEGAL_NAME', 'CIP_ID']);
    });

    it('requires passthroughVerifierType', () => {
      expectViolation(person({ passthroughVerifierType: undefined }), 'person.passthroughVerifierType', 'required');
    });

    it('§2, §11.10 sends a passthroughVerifierType Paxos has not published yet, with a warning', () => {
      const identity = expectWarning(
        person({ passthroughVerifierType: 'ACME_ID' }),
        'person.passthroughVerifierType',
        'enum',
      );
      expect(identity.person?.passthroughVerifierType).to.equal('ACME_ID');
      expect(warningPairs(accept(person({ passthroughVerifierType: 'AIPRISE' })))).to.deep.equal([]);
    });

    it('§4.4 still refuses a passthroughVerifierType that is no string or empty', () => {
      expectViolation(person({ passthroughVerifierType: 7 }), 'person.passthroughVerifierType', 'type');
      expectViolation(person({ passthroughVerifierType: '' }), 'person.passthroughVerifierType', 'required');
    });

    it('requires passthroughVerifiedAt', () => {
      expectViolation(person({ passthroughVerifiedAt: undefined }), 'person.passthroughVerifiedAt', 'required');
      expectViolation(person({ passthroughVerifiedAt: '' }), 'person.passthroughVerifiedAt', 'required');
    });

    it('accepts RFC 3339 date-times with fractions and offsets', () => {
      for (const at of ['2021-06-16T09:28:14.123456Z', '2021-06-16T11:28:14+02:00', '2021-06-16t09:28:14z']) {
        expect(accept(person({ passthroughVerifiedAt: at })).person?.passthroughVerifiedAt).to.equal(at);
      }
    });

    it('rejects passthroughVerifiedAt that is not an RFC 3339 date-time', () => {
      for (const at of [
        '2021-06-16',
        '2021-06-16 09:28:14Z',
        '2021-06-16T09:28:14',
        '2021-02-30T09:28:14Z',
        '2021-06-16T24:00:00Z',
        '2016-12-31T23:59:60Z',
      ]) {
        expectViolation(person({ passthroughVerifiedAt: at }), 'person.passthroughVerifiedAt', 'format');
      }
    });

    it('§6.7 sends passthroughVerifiedAt in the future of the given now, with a warning (no documented rule)', () => {
      const now = new Date('2026-03-15T12:00:00Z');
      expect(warningPairs(accept(person({ passthroughVerifiedAt: '2026-03-15T12:00:00Z' }), now))).to.deep.equal([]);
      expectWarning(
        person({ passthroughVerifiedAt: '2026-03-15T12:00:01Z' }),
        'person.passthroughVerifiedAt',
        'future_date',
        now,
      );
      // The offset counts: 13:30+02:00 is 11:30Z, before now.
      expect(warningPairs(accept(person({ passthroughVerifiedAt: '2026-03-15T13:30:00+02:00' }), now))).to.deep.equal(
        [],
      );
    });

    it('allows passthroughVerificationStatus APPROVED or DENIED only', () => {
      for (const status of ['APPROVED', 'DENIED']) accept(person({ passthroughVerificationStatus: status }));
      for (const status of ['PENDING', 'ERROR', 'DISABLED', 'approved']) {
        expectViolation(
          person({ passthroughVerificationStatus: status }),
          'person.passthroughVerificationStatus',
          'enum',
        );
      }
    });

    it('rejects unknown passthroughVerificationFields', () => {
      expectViolation(
        person({ passthroughVerificationFields: ['FULL_LEGAL_NAME', 'SELFIE'] }),
        'person.passthroughVerificationFields[1]',
        'enum',
      );
    });
  });

  describe('verifierId', () => {
    it('is accepted when no verifier type is given', () => {
      expect(
        accept(person({ ...NO_PASSTHROUGH, verifierType: undefined, verifierId: 'v-1' })).person?.verifierId,
      ).to.equal('v-1');
    });

    for (const verifierType of ['PASSTHROUGH', 'PAXOS', 'MANUAL']) {
      it(`must not be set for ${verifierType}`, () => {
        const base = verifierType === 'PASSTHROUGH' ? {} : NO_PASSTHROUGH;
        accept(person({ ...base, verifierType }));
        expectViolation(person({ ...base, verifierType, verifierId: 'v-1' }), 'person.verifierId', 'forbidden');
      });
    }
  });

  describe('PAXOS and MANUAL', () => {
    for (const verifierType of ['PAXOS', 'MANUAL']) {
      it(`${verifierType} needs no passthrough fields`, () => {
        expect(accept(person({ ...NO_PASSTHROUGH, verifierType })).person?.verifierType).to.equal(verifierType);
      });

      it(`§6.3 ${verifierType} sends passthrough fields with a warning each (no documented rule refuses them)`, () => {
        const identity = accept(
          person({
            verifierType,
            passthroughVerifierType: 'JUMIO',
            passthroughVerifiedAt: '2021-06-16T09:28:14Z',
            passthroughVerificationId: 'id-1',
            passthroughVerificationStatus: 'APPROVED',
            passthroughVerificationFields: ['ADDRESS'],
          }),
        );
        expect(warningPairs(identity)).to.have.members([
          'person.passthroughVerifierType unexpected',
          'person.passthroughVerifiedAt unexpected',
          'person.passthroughVerificationId unexpected',
          'person.passthroughVerificationStatus unexpected',
          'person.passthroughVerificationFields unexpected',
        ]);
      });
    }

    it('rejects an unknown verifier type', () => {
      expectViolation(person({ verifierType: 'JUMIO' }), 'person.verifierType', 'enum');
    });
  });
});
