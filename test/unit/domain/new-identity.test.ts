import { expect } from 'chai';
import { NewIdentity } from '../../../src/index.js';
import { aPerson, anInstitution, seedCommand } from '../../support/builders.js';
import { accept, expectViolation, expectViolations, NOW } from '../../support/domain.js';
import { expectWarning } from './warnings.js';

describe('NewIdentity: identity-level rules', () => {
  describe('exactly one of person or institution', () => {
    it('accepts a person alone as a PERSON', () => {
      const identity = accept(aPerson().build());
      expect(identity.type).to.equal('PERSON');
      expect(identity.person?.firstName).to.equal('John');
      expect(identity.institution).to.equal(undefined);
    });

    it('accepts an institution alone as an INSTITUTION', () => {
      const identity = accept(anInstitution(['member-1']));
      expect(identity.type).to.equal('INSTITUTION');
      expect(identity.institution?.name).to.equal('Example Holdings LLC');
      expect(identity.person).to.equal(undefined);
    });

    it('rejects person and institution together', () => {
      const { institution, institutionMembers } = anInstitution(['member-1']);
      expectViolation({ ...aPerson().build(), institution, institutionMembers }, 'institution', 'conflict');
    });

    it('rejects a command with neither', () => {
      expectViolation({ refId: 'r-1', metadata: {} }, 'person', 'required');
    });
  });

  describe('refId', () => {
    it("keeps the caller's refId", () => {
      expect(accept({ ...aPerson().build(), refId: 'client-ref-1' }).refId).to.equal('client-ref-1');
    });

    it('leaves refId unset when absent or empty, so the use case generates one', () => {
      expect(accept(aPerson().build()).refId).to.equal(undefined);
      expect(accept({ ...aPerson().build(), refId: '' }).refId).to.equal(undefined);
    });

    it('rejects a refId that is not a string', () => {
      expectViolation({ ...aPerson().build(), refId: 42 }, 'refId', 'type');
    });

    it('§4.2 sends a refId of any length (Paxos documents none), warning past 255 characters', () => {
      const identity = expectWarning({ ...aPerson().build(), refId: 'r'.repeat(256) }, 'refId', 'max_length');
      expect(identity.refId).to.have.length(256);
    });

    it('gives a refId through withRefId, and checks it', () => {
      const identity = accept(aPerson().build());
      expect(identity.withRefId('generated-1').refId).to.equal('generated-1');
      expect(() => identity.withRefId(''))
        .to.throw()
        .with.property('code', 'identity_invalid');
    });
  });

  describe('isMerchant', () => {
    it('accepts a boolean', () => {
      expect(accept({ ...aPerson().build(), isMerchant: true }).isMerchant).to.equal(true);
    });

    it('rejects anything else', () => {
      expectViolation({ ...aPerson().build(), isMerchant: 'yes' }, 'isMerchant', 'type');
    });
  });

  describe('unknown fields', () => {
    it("rejects Paxos's snake_case wire names: the command is camelCase", () => {
      expectViolations({ person_details: seedCommand().person, ref_id: 'x' }, [
        ['person_details', 'unknown_field'],
        ['ref_id', 'unknown_field'],
        ['person', 'required'],
      ]);
    });

    it('rejects a misspelt nested field rather than dropping it', () => {
      const command = aPerson().build();
      expectViolation(
        { ...command, person: { ...command.person, frstName: 'Jon' } },
        'person.frstName',
        'unknown_field',
      );
    });
  });

  describe('the seed command', () => {
    it('is a valid PERSON with one tax detail derived from its US SSN', () => {
      const identity = accept(seedCommand());
      expect(identity.type).to.equal('PERSON');
      expect(identity.refId).to.equal('33ece656-eef1-43b5-a851-b6b9099089a5');
      expect(identity.tax.kind).to.equal('derived');
      expect(identity.taxDetails).to.have.length(1);
      expect(identity.taxDetails[0]!.taxPayerCountry).to.equal('USA');
      expect(identity.taxDetails[0]!.taxPayerId.reveal()).to.equal('111-11-1234');
      expect(identity.metadata).to.deep.equal({
        custom_property1: 'custom value 1',
        custom_property2: 'custom value 2',
      });
    });

    it('exposes its CIP triple', () => {
      const cip = accept(seedCommand()).cip;
      expect([cip.cipId.reveal(), cip.cipIdType, cip.cipIdCountry]).to.deep.equal(['111-11-1234', 'SSN', 'USA']);
    });
  });

  it('is immutable once created', () => {
    const identity = NewIdentity.create(aPerson().build(), { now: NOW });
    expect(Object.isFrozen(identity)).to.equal(true);
    expect(() => {
      (identity as { refId: string | undefined }).refId = 'changed';
    }).to.throw(TypeError);
  });
});
