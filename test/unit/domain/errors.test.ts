import { expect } from 'chai';
import {
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityServiceError,
  IdentityValidationError,
  type Violation,
} from '../../../src/index.js';

const violation = (i: number): Violation => ({
  path: `person.field${i}`,
  code: 'required',
  message: `person.field${i}: is required`,
});

describe('Errors', () => {
  describe('IdentityValidationError', () => {
    it('is an IdentityServiceError with the stable code identity_invalid', () => {
      const error = new IdentityValidationError([violation(1)]);
      expect(error).to.be.instanceOf(IdentityServiceError).and.instanceOf(Error);
      expect(error.code).to.equal('identity_invalid');
      expect(error.name).to.equal('IdentityValidationError');
    });

    it('counts the violations and lists the first five messages', () => {
      expect(new IdentityValidationError([violation(1)]).message).to.equal(
        'Invalid identity: 1 violation: person.field1: is required',
      );
      const many = new IdentityValidationError([1, 2, 3, 4, 5, 6, 7].map(violation));
      expect(many.message).to.match(
        /^Invalid identity: 7 violations: person\.field1: is required; .*person\.field5: is required; and 2 more$/,
      );
      expect(many.message).not.to.include('field6');
      expect(many.violations).to.have.length(7);
    });

    it('holds frozen copies of the violations', () => {
      const input = [violation(1)];
      const error = new IdentityValidationError(input);
      input.push(violation(2));
      expect(error.violations).to.have.length(1);
      expect(Object.isFrozen(error.violations)).to.equal(true);
      expect(Object.isFrozen(error.violations[0])).to.equal(true);
    });

    it('serializes code, message and violations', () => {
      const json = JSON.parse(JSON.stringify(new IdentityValidationError([violation(1)]))) as Record<string, unknown>;
      expect(json).to.deep.include({
        name: 'IdentityValidationError',
        code: 'identity_invalid',
        violations: [violation(1)],
      });
    });
  });

  describe('IdentityAlreadyExistsError', () => {
    it('carries the existing id and the conflict, and no HTTP status: the adapters add what the wire said', () => {
      const error = new IdentityAlreadyExistsError('id-1', 'ref_id');
      expect(error).to.be.instanceOf(IdentityServiceError);
      expect([error.code, error.existingId, error.conflict]).to.deep.equal([
        'identity_already_exists',
        'id-1',
        'ref_id',
      ]);
      expect(error).not.to.have.property('status');
      expect(error.message).to.include('refId').and.include('id-1');
      expect(new IdentityAlreadyExistsError('id-2', 'cip_id').message).to.include('(cipId, cipIdType, cipIdCountry)');
      const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
      expect(json).to.deep.include({ existingId: 'id-1', conflict: 'ref_id' });
      expect(json).not.to.have.any.keys('status', 'requestId', 'problemType', 'request');
    });
  });

  describe('IdentityNotFoundError', () => {
    it('carries the id, bounded, and no HTTP status', () => {
      const error = new IdentityNotFoundError('x'.repeat(100));
      expect([error.code, error.identityId.length]).to.deep.equal(['identity_not_found', 64]);
      expect(error).not.to.have.property('status');
      expect(error.message.length).to.be.lessThan(100);
    });
  });

  it('serializes only a cause that is itself one of these errors', () => {
    const cause = new IdentityNotFoundError('id-1');
    const error = new IdentityValidationError([violation(1)], { cause });
    const json = error.toJSON();
    expect(json['cause']).to.deep.include({ code: 'identity_not_found' });
    expect(new IdentityValidationError([violation(1)]).toJSON()).not.to.have.property('cause');
  });
});
