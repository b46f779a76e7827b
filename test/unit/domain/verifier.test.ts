import { expect } from 'chai';
import { type PersonDetailsInput } from '../../../src/index.js';
import { PASSTHROUGH_VERIFIER_TYPES } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';

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

    it('rejects an unknown passthroughVerifierType', () => {
      expectViolation(person({ passthroughVerifierType: 'ACME' }), 'person.passthroughVerifierType', 'enum');
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

    it('rejects passthroughVerifiedAt in the future of the given now', () => {
      const now = new Date('2026-03-15T12:00:00Z');
      accept(person({ passthroughVerifiedAt: '2026-03-15T12:00:00Z' }), now);
      expectViolation(
        person({ passthroughVerifiedAt: '2026-03-15T12:00:01Z' }),
        'person.passthroughVerifiedAt',
        'future_date',
        now,
      );
      // The offset counts: 13:30+02:00 is 11:30Z, before now.
      accept(person({ passthroughVerifiedAt: '2026-03-15T13:30:00+02:00' }), now);
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

      it(`${verifierType} refuses every passthrough field`, () => {
        expectViolations(
          person({
            verifierType,
            passthroughVerifierType: 'JUMIO',
            passthroughVerifiedAt: '2021-06-16T09:28:14Z',
            passthroughVerificationId: 'id-1',
            passthroughVerificationStatus: 'APPROVED',
            passthroughVerificationFields: ['ADDRESS'],
          }),
          [
            ['person.passthroughVerifierType', 'forbidden'],
            ['person.passthroughVerifiedAt', 'forbidden'],
            ['person.passthroughVerificationId', 'forbidden'],
            ['person.passthroughVerificationStatus', 'forbidden'],
            ['person.passthroughVerificationFields', 'forbidden'],
          ],
        );
      });
    }

    it('rejects an unknown verifier type', () => {
      expectViolation(person({ verifierType: 'JUMIO' }), 'person.verifierType', 'enum');
    });
  });
});
