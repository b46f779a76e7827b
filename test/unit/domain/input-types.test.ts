import { expect } from 'chai';
import { IdentityValidationError, NewIdentity } from '../../../src/index.js';
import { anInstitution, seedCommand } from '../../support/builders.js';
import { accept, expectViolation, expectViolations, NOW, pairs, setAt, violationsOf } from '../../support/domain.js';

const NOT_STRINGS: ReadonlyArray<readonly [string, unknown]> = [
  ['a number', 42],
  ['null', null],
  ['an array', ['John']],
  ['an object', { value: 'John' }],
  ['a boolean', true],
];
const NOT_OBJECTS: ReadonlyArray<readonly [string, unknown]> = [
  ['a number', 1],
  ['a string', 'USA'],
  ['an array', []],
  ['a boolean', false],
  ['null', null],
];
const NOT_ARRAYS: ReadonlyArray<readonly [string, unknown]> = [
  ['a number', 1],
  ['a string', 'x'],
  ['an object', {}],
  ['null', null],
];

const seed = () => seedCommand() as unknown;
const institution = () => anInstitution(['member-1']) as unknown;
const path = (dotted: string) => dotted.split('.');

function throwingGetter(target: Record<string, unknown>, key: string): Record<string, unknown> {
  Object.defineProperty(target, key, {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
  return target;
}

const explodingOwnKeys = () =>
  new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('ownKeys exploded');
      },
    },
  );

describe('Input of any JavaScript type', () => {
  describe('the command itself', () => {
    for (const [name, value] of [
      ...NOT_OBJECTS,
      ['a function', () => ({})],
      ['a symbol', Symbol('x')],
      ['a bigint', 10n],
    ] as const) {
      it(`rejects ${name} with one validation error, not a TypeError`, () => {
        expectViolation(value, '', 'type');
      });
    }

    it('rejects undefined as missing', () => {
      expectViolation(undefined, '', 'required');
    });

    it('accepts an object without a prototype', () => {
      const bare = Object.assign(Object.create(null) as object, seedCommand());
      expect(accept(bare).type).to.equal('PERSON');
    });
  });

  describe('strings given as other types', () => {
    const FIELDS = [
      'person.firstName',
      'person.middleName',
      'person.lastName',
      'person.dateOfBirth',
      'person.nationality',
      'person.cipId',
      'person.cipIdType',
      'person.cipIdCountry',
      'person.verifierType',
      'person.passthroughVerifierType',
      'person.passthroughVerifiedAt',
      'person.email',
      'person.address.city',
      'person.address.zipCode',
      'refId',
    ];
    for (const field of FIELDS) {
      it(`${field}: rejects each non-string type at that path`, () => {
        for (const [, value] of NOT_STRINGS) expectViolation(setAt(seed(), path(field), value), field, 'type');
      });
    }

    it('institution fields as well', () => {
      for (const field of [
        'institution.name',
        'institution.institutionType',
        'institution.govtRegistrationDate',
        'institution.businessAddress.country',
        'institutionMembers.0.identityId',
      ]) {
        const reported = field.replace('.0.', '[0].');
        for (const [, value] of NOT_STRINGS)
          expectViolation(setAt(institution(), path(field), value), reported, 'type');
      }
    });
  });

  describe('objects given as other types', () => {
    for (const [field, base] of [
      ['person', seed],
      ['person.address', seed],
      ['customerDueDiligence', seed],
      ['metadata', seed],
      ['institution', institution],
      ['institution.businessAddress', institution],
      ['institution.incorporationAddress', institution],
      ['institutionMembers.0', institution],
    ] as const) {
      const reported = field.replace('.0', '[0]');
      it(`${reported}: rejects each non-object type`, () => {
        for (const [, value] of NOT_OBJECTS) {
          // A person or institution that cannot be read leaves the (derived) tax rule nothing to check.
          expectViolation(setAt(base(), path(field), value), reported, 'type');
        }
      });
    }

    it('reports a missing required object', () => {
      expectViolation(setAt(seed(), ['person', 'address'], undefined), 'person.address', 'required');
      expectViolation(
        setAt(institution(), ['institution', 'businessAddress'], undefined),
        'institution.businessAddress',
        'required',
      );
    });
  });

  describe('arrays given as other types', () => {
    for (const [field, base] of [
      ['taxDetails', seed],
      ['person.passthroughVerificationFields', seed],
      ['customerDueDiligence.aliases', () => ({ ...seedCommand(), customerDueDiligence: {} })],
      ['institutionMembers', institution],
      ['institutionMembers.0.roles', institution],
    ] as const) {
      const reported = field.replace('.0', '[0]');
      it(`${reported}: rejects each non-array type`, () => {
        for (const [, value] of NOT_ARRAYS) expectViolation(setAt(base(), path(field), value), reported, 'type');
      });
    }
  });

  describe('hostile objects', () => {
    it('reports a getter that throws as unreadable, once', () => {
      const command = seedCommand();
      throwingGetter(command.person as unknown as Record<string, unknown>, 'lastName');
      expectViolation(command, 'person.lastName', 'unreadable');
    });

    it('reads each field once, so a throwing getter checked by two rules is reported once', () => {
      const command = seedCommand();
      const person = command.person as unknown as Record<string, unknown>;
      person['verifierType'] = 'MANUAL';
      delete person['passthroughVerifierType'];
      delete person['passthroughVerifiedAt'];
      throwingGetter(person, 'passthroughVerificationId');
      expectViolation(command, 'person.passthroughVerificationId', 'unreadable');
    });

    it('reads each field once, so a getter cannot answer two rules differently', () => {
      const command = seedCommand();
      let reads = 0;
      Object.defineProperty(command.person, 'cipIdType', {
        enumerable: true,
        get: () => {
          reads += 1;
          return 'SSN';
        },
      });
      accept(command);
      expect(reads).to.equal(1);
    });

    it('reports a Proxy whose ownKeys throws as unreadable, at the command and inside it', () => {
      expectViolation(explodingOwnKeys(), '', 'unreadable');
      expectViolation(setAt(seed(), ['person', 'address'], explodingOwnKeys()), 'person.address', 'unreadable');
    });

    it('reports a Proxy whose getPrototypeOf throws as unreadable', () => {
      const proxy = new Proxy(seedCommand(), {
        getPrototypeOf() {
          throw new Error('getPrototypeOf exploded');
        },
      });
      expectViolation(proxy, '', 'unreadable');
    });

    it('reports a revoked Proxy as unreadable wherever it appears', () => {
      const revoked = () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      };
      expectViolation(revoked(), '', 'unreadable');
      expectViolation(setAt(seed(), ['person'], revoked()), 'person', 'unreadable');
      expectViolation(setAt(seed(), ['metadata'], revoked()), 'metadata', 'unreadable');
      expectViolation(setAt(seed(), ['taxDetails'], revoked()), 'taxDetails', 'unreadable');
      expectViolation(setAt(seed(), ['person', 'firstName'], revoked()), 'person.firstName', 'type');
    });

    it('reports an array Proxy whose length throws, or lies, as unreadable', () => {
      const lying = (length: unknown) =>
        new Proxy([], {
          get(target, key) {
            if (key === 'length') {
              if (length instanceof Error) throw length;
              return length;
            }
            return Reflect.get(target, key) as unknown;
          },
        });
      expectViolation(setAt(seed(), ['taxDetails'], lying(new Error('length exploded'))), 'taxDetails', 'unreadable');
      expectViolation(setAt(seed(), ['taxDetails'], lying('3')), 'taxDetails', 'unreadable');
      expectViolation(setAt(seed(), ['taxDetails'], lying(-1)), 'taxDetails', 'unreadable');
      expectViolation(setAt(seed(), ['taxDetails'], lying(1e12)), 'taxDetails', 'max_items');
    });

    it('ignores fields inherited from a polluted Object.prototype', () => {
      const proto = Object.prototype as Record<string, unknown>;
      let outcome: unknown;
      proto['verifierId'] = 'injected';
      proto['taxDetailsNotRequired'] = true;
      try {
        outcome = NewIdentity.create(seedCommand(), { now: NOW });
      } catch (error) {
        outcome = error;
      } finally {
        delete proto['verifierId'];
        delete proto['taxDetailsNotRequired'];
      }
      expect(outcome).to.be.instanceOf(NewIdentity);
      expect((outcome as NewIdentity).person?.verifierId).to.equal(undefined);
      expect((outcome as NewIdentity).taxDetailsNotRequired).to.equal(false);
    });
  });

  describe('one error listing every problem', () => {
    it('collects problems from every part of the command', () => {
      const command = {
        refId: 7,
        person: {
          verifierType: 'PASSTHROUGH',
          firstName: 'Jörg',
          lastName: '',
          dateOfBirth: '2023-02-29',
          nationality: 'xyz',
          cipId: '111111234',
          cipIdType: 'SSN',
          cipIdCountry: 'USA',
          address: { country: 'USA', address1: 42, city: null, province: 'x'.repeat(36) },
        },
        taxDetails: [{ taxPayerId: '1', taxPayerCountry: 'usa' }],
        customerDueDiligence: { employmentStatus: 'BUSY' },
        isMerchant: 'no',
        metadata: { a: 1 },
        extra: true,
      };
      expectViolations(command, [
        ['refId', 'type'],
        ['extra', 'unknown_field'],
        ['person.passthroughVerifierType', 'required'],
        ['person.passthroughVerifiedAt', 'required'],
        ['person.firstName', 'pattern'],
        ['person.lastName', 'required'],
        ['person.dateOfBirth', 'format'],
        ['person.nationality', 'pattern'],
        ['person.cipId', 'format'],
        ['person.address.address1', 'type'],
        ['person.address.city', 'type'],
        ['person.address.province', 'max_length'],
        ['taxDetails[0].taxPayerCountry', 'pattern'],
        ['customerDueDiligence.employmentStatus', 'enum'],
        ['isMerchant', 'type'],
        ['metadata[0]', 'type'],
      ]);
    });

    it('throws exactly one IdentityValidationError whose message counts and names them', () => {
      let caught: unknown;
      try {
        NewIdentity.create({ person: { firstName: 1 } }, { now: NOW });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(IdentityValidationError);
      const error = caught as IdentityValidationError;
      expect(error.message).to.match(/^Invalid identity: \d+ violations: person\.firstName: must be a string/);
      expect(pairs(error.violations)).to.include.members([
        'person.firstName type',
        'person.lastName required',
        'person.address required',
      ]);
    });

    it('uses camelCase dotted paths with indexes', () => {
      const violations = violationsOf({
        ...anInstitution(['member-1'], { institutionType: 'TRUST', institutionSubType: 'INVESTMENT' }),
        institutionMembers: [{ identityId: 'member-1', roles: ['BENEFICIAL_OWNER'] }],
      });
      expect(pairs(violations)).to.deep.equal(['institutionMembers[0].roles[0] forbidden']);
      for (const violation of violationsOf({ person: { address: {} } })) {
        expect(violation.path).to.match(/^[a-z][A-Za-z0-9]*(\[\d+\])?(\.[a-z][A-Za-z0-9]*(\[\d+\])?)*$/);
      }
    });
  });
});
