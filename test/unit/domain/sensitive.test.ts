import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityValidationError,
  NewIdentity,
  Sensitive,
  type Identity,
  type IdentityService,
} from '../../../src/index.js';
import { aPerson, seedCommand, uniqueSsn } from '../../support/builders.js';
import { NOW, violationsOf } from '../../support/domain.js';

const DOB = '1971-03-17';
const TAX_ID = 'DE-TAX-77123409';

/** Every way an object commonly reaches a log line. */
function renderings(value: unknown): string[] {
  const out = [
    inspect(value, { depth: Infinity, showHidden: true }),
    inspect(value, { depth: Infinity }),
    JSON.stringify(value),
    String(value),
  ];
  if (value instanceof Error) out.push(value.message, String(value.stack));
  return out;
}

function expectNoneContain(value: unknown, secrets: readonly string[]): void {
  for (const text of renderings(value)) {
    for (const secret of secrets) expect(text, `a rendering leaks ${secret.slice(0, 3)}…`).not.to.include(secret);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected a rejection');
}

describe('Personal data', () => {
  describe('Sensitive', () => {
    it('prints as [REDACTED] in every conversion and reveals the value on request', () => {
      const ssn = Sensitive.of('111-11-1234');
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the case is the template-literal conversion
      expect(`${ssn}`).to.equal('[REDACTED]');
      expect(String(ssn)).to.equal('[REDACTED]');
      expect(JSON.stringify({ ssn })).to.equal('{"ssn":"[REDACTED]"}');
      expect(inspect(ssn)).to.equal('Sensitive([REDACTED])');
      expect(inspect({ ssn }, { showHidden: true, depth: Infinity })).not.to.include('111-11-1234');
      expect(ssn.reveal()).to.equal('111-11-1234');
    });

    it('compares without revealing', () => {
      expect(Sensitive.of('a').equals(Sensitive.of('a'))).to.equal(true);
      expect(Sensitive.of('a').equals(Sensitive.of('b'))).to.equal(false);
      expect(Sensitive.of('a').equals(undefined)).to.equal(false);
      expect(Sensitive.isSensitive(Sensitive.of('a'))).to.equal(true);
      expect(Sensitive.isSensitive('a')).to.equal(false);
    });
  });

  describe('an identity from the in-memory service', () => {
    let service: IdentityService;
    beforeEach(() => {
      service = createIdentityService({ adapter: 'in-memory', clock: { now: () => NOW } });
    });

    it('never shows the CIP id, the derived tax payer id or the date of birth', async () => {
      const cipId = uniqueSsn();
      const identity = await service.createIdentity(aPerson().with({ cipId, dateOfBirth: DOB }).build());
      expectNoneContain(identity, [cipId, DOB]);
      expectNoneContain(identity.person, [cipId, DOB]);
      expectNoneContain(identity.taxDetails, [cipId]);
      expect(identity.person?.cipId?.reveal()).to.equal(cipId);
      expect(identity.person?.dateOfBirth?.reveal()).to.equal(DOB);
      expect(identity.taxDetails[0]?.taxPayerId.reveal()).to.equal(cipId);
    });

    it('never shows a provided tax payer id or a passport number', async () => {
      const passport = `P${uniqueSsn().replace(/-/g, '')}`;
      const identity: Identity = await service.createIdentity(
        aPerson()
          .foreign()
          .with({ cipId: passport, dateOfBirth: DOB })
          .withCommand({ taxDetails: [{ taxPayerId: TAX_ID, taxPayerCountry: 'DEU' }] })
          .build(),
      );
      expectNoneContain(identity, [passport, TAX_ID, DOB]);
      expect(identity.taxDetails[0]?.taxPayerId.reveal()).to.equal(TAX_ID);
      expectNoneContain(await service.getIdentity(identity.id), [passport, TAX_ID, DOB]);
    });

    it('keeps them out of the errors it raises', async () => {
      const cipId = uniqueSsn();
      const command = aPerson().with({ cipId, dateOfBirth: DOB }).build();
      await service.createIdentity(command);
      const duplicate = await rejection(service.createIdentity({ ...command, refId: 'another-ref' }));
      expect(duplicate).to.be.instanceOf(IdentityAlreadyExistsError);
      expectNoneContain(duplicate, [cipId, DOB]);

      const missing = await rejection(service.getIdentity('0b4a6f5e-0000-4000-8000-000000000000'));
      expect(missing).to.be.instanceOf(IdentityNotFoundError);
      expectNoneContain(missing, [cipId, DOB]);

      const invalid = await rejection(
        service.createIdentity({ ...command, person: { ...command.person!, firstName: 'Jörg', cipId: `${cipId}9` } }),
      );
      expect(invalid).to.be.instanceOf(IdentityValidationError);
      expectNoneContain(invalid, [cipId, DOB]);
    });
  });

  it('a NewIdentity does not show them either', () => {
    const identity = NewIdentity.create(
      aPerson()
        .foreign()
        .with({ dateOfBirth: DOB })
        .withCommand({ taxDetails: [{ taxPayerId: TAX_ID, taxPayerCountry: 'DEU' }] })
        .build(),
      { now: NOW },
    );
    expectNoneContain(identity, [TAX_ID, DOB, identity.cip.cipId.reveal()]);
  });

  describe('validation messages', () => {
    const CANARY = 'Zq7Canary';

    it('never echo a value, whatever rule it breaks', () => {
      const personCommand = {
        refId: CANARY.repeat(40),
        person: {
          verifierType: CANARY,
          verifierId: CANARY,
          passthroughVerifierType: CANARY,
          passthroughVerifiedAt: CANARY,
          passthroughVerificationStatus: CANARY,
          passthroughVerificationFields: [CANARY],
          firstName: `${CANARY} ü`,
          middleName: `${CANARY}\u0000`,
          lastName: CANARY.repeat(30),
          dateOfBirth: CANARY,
          nationality: CANARY,
          cipId: `${CANARY}#`,
          cipIdType: CANARY,
          cipIdCountry: CANARY,
          email: CANARY.repeat(40),
          address: {
            country: `${CANARY}_`,
            address1: CANARY.repeat(5),
            city: `${CANARY}\u00e9`,
            province: `${CANARY}!`,
            zipCode: `${CANARY}~`,
          },
        },
        institutionMembers: [{ identityId: CANARY }],
        taxDetails: [{ taxPayerId: `${CANARY}_`, taxPayerCountry: CANARY }],
        taxDetailsNotRequired: CANARY,
        customerDueDiligence: { employmentStatus: CANARY, aliases: [`${CANARY}\u0001`], customerRegions: [CANARY] },
        isMerchant: CANARY,
        metadata: { note: `${CANARY}\u0002`, long: CANARY.repeat(200) },
      };
      const institutionCommand = {
        institution: {
          name: `${CANARY}ß`,
          institutionType: CANARY,
          institutionSubType: CANARY,
          cipId: `${CANARY}%`,
          cipIdType: 'EIN',
          cipIdCountry: CANARY,
          govtRegistrationDate: CANARY,
          regulationStatus: CANARY,
          tradingType: CANARY,
          businessDescription: CANARY.repeat(30),
          businessAddress: { country: CANARY, address1: `${CANARY}@`, city: CANARY, province: CANARY },
        },
        institutionMembers: [
          { identityId: `${CANARY}/..`, roles: [CANARY], ownership: `${CANARY}%` },
          { identityId: 'm', roles: ['BENEFICIAL_OWNER'], ownership: CANARY },
        ],
      };
      for (const command of [personCommand, institutionCommand]) {
        const violations = violationsOf(command);
        expect(violations.length).to.be.greaterThan(10);
        for (const violation of violations) {
          expect(violation.message, violation.path).not.to.include(CANARY);
          expect(violation.path).not.to.include(CANARY);
        }
      }
    });

    it('never echo a date of birth, even a well-formed impossible one', () => {
      const violations = violationsOf({
        ...seedCommand(),
        person: { ...seedCommand().person!, dateOfBirth: '2023-02-29' },
      });
      expect(violations).to.have.length(1);
      for (const violation of violations) expect(violation.message).not.to.include('2023-02-29');
    });

    it('§6.7 never echo a date of birth in a warning either', () => {
      const warnings = NewIdentity.create(
        { ...seedCommand(), person: { ...seedCommand().person!, dateOfBirth: '2099-01-01' } },
        { now: new Date('2026-03-15T12:00:00Z') },
      ).warnings;
      expect(warnings.map((w) => w.path)).to.deep.equal(['person.dateOfBirth']);
      for (const warning of warnings) expect(warning.message).not.to.include('2099');
    });
  });
});
