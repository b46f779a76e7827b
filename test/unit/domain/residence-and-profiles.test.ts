import { expect } from 'chai';
import {
  IdentityValidationError,
  NewIdentity,
  type CreateIdentityCommand,
  type IdentityRules,
} from '../../../src/index.js';
import { resolveIdentityRules } from '../../../src/gateways.js';
import { aPerson, anInstitution, PERSON_CDD, uniqueSsn } from '../../support/builders.js';
import { accept, aTrust, expectViolation, expectViolations, NOW, pairs } from '../../support/domain.js';
import { warningPairs } from './warnings.js';

const DE_ADDRESS = { country: 'DEU', address1: 'Beispielstrasse 1', city: 'Berlin', province: 'BE', zipCode: '10115' };
const US_ADDRESS = { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' };

const COMPANY_CDD = {
  sourceOfWealth: 'BUSINESS_OWNERSHIP_DIVIDENDS',
  sourceOfFunds: 'BUSINESS_DIVIDENDS_PROFITS',
  industrySector: 'FINANCE_INSURANCE',
  hasUnderlyingTrustStructure: false,
  hasNomineeShareholders: false,
} as const;

function violationsUnder(command: CreateIdentityCommand, rules: IdentityRules): string[] {
  try {
    NewIdentity.create(command, { now: NOW, rules });
  } catch (error) {
    if (error instanceof IdentityValidationError) return pairs(error.violations);
    throw error;
  }
  return expect.fail('expected the command to be refused');
}

const create = (command: CreateIdentityCommand, rules: IdentityRules) =>
  NewIdentity.create(command, { now: NOW, rules });

describe('US residence (§6.2)', () => {
  it('§6.2 accepts a US citizen abroad with a US passport and the SSN in taxDetails', () => {
    const identity = accept(
      aPerson()
        .with({ cipIdType: 'PASSPORT', cipId: 'C01X00T47', cipIdCountry: 'USA', address: DE_ADDRESS })
        .withCommand({ taxDetails: [{ taxPayerId: uniqueSsn(), taxPayerCountry: 'USA' }] })
        .build(),
    );
    expect(identity.tax.kind).to.equal('provided');
    expect(identity.person?.cipIdType).to.equal('PASSPORT');
  });

  it('§6.2 refuses a US resident with a foreign passport and no SSN or ITIN, even with taxDetailsNotRequired', () => {
    expectViolation(
      aPerson().foreign().with({ address: US_ADDRESS }).withoutTaxDetails().build(),
      'person.cipIdType',
      'forbidden',
    );
    expectViolation(
      aPerson()
        .foreign()
        .with({ address: US_ADDRESS })
        .withCommand({ taxDetails: [{ taxPayerId: 'DE123', taxPayerCountry: 'DEU' }] })
        .build(),
      'person.cipIdType',
      'forbidden',
    );
  });

  it('§6.2 accepts a US resident identified by an ITIN, whatever the nationality', () => {
    accept(aPerson().with({ cipIdType: 'ITIN', cipId: uniqueSsn(), nationality: 'MEX' }).build());
  });

  it('§6.2 judges the address even when another of its fields is refused', () => {
    expectViolations(
      aPerson()
        .foreign()
        .withoutTaxDetails()
        .with({ address: { ...US_ADDRESS, city: 'x'.repeat(36) } })
        .build(),
      [
        ['person.address.city', 'max_length'],
        ['person.cipIdType', 'forbidden'],
      ],
    );
  });
});

describe('Rule profiles', () => {
  it('default: the seed person, with no due-diligence answers, is accepted without warnings', () => {
    expect(warningPairs(accept(aPerson().build()))).to.deep.equal([]);
  });

  it('§6.2 customerDueDiligence "required": a person needs the five answers of the required details', () => {
    const rules: IdentityRules = { customerDueDiligence: 'required' };
    expect(violationsUnder(aPerson().build(), rules)).to.have.members([
      'customerDueDiligence.estimatedYearlyIncome required',
      'customerDueDiligence.expectedTransferValue required',
      'customerDueDiligence.sourceOfWealth required',
      'customerDueDiligence.employmentStatus required',
      'customerDueDiligence.employmentIndustrySector required',
    ]);
    const four = Object.fromEntries(Object.entries(PERSON_CDD).filter(([key]) => key !== 'employmentStatus'));
    expect(violationsUnder(aPerson().withCommand({ customerDueDiligence: four }).build(), rules)).to.deep.equal([
      'customerDueDiligence.employmentStatus required',
    ]);
    create(aPerson().withCommand({ customerDueDiligence: PERSON_CDD }).build(), rules);
  });

  it('§6.4 customerDueDiligence "required": an LLC needs its five answers, a trust none (best effort)', () => {
    const rules: IdentityRules = { customerDueDiligence: 'required' };
    expect(violationsUnder(anInstitution(['member-1']), rules)).to.have.members([
      'customerDueDiligence.sourceOfWealth required',
      'customerDueDiligence.sourceOfFunds required',
      'customerDueDiligence.industrySector required',
      'customerDueDiligence.hasUnderlyingTrustStructure required',
      'customerDueDiligence.hasNomineeShareholders required',
    ]);
    // false is an answer: only a missing one is refused.
    create({ ...anInstitution(['member-1']), customerDueDiligence: COMPANY_CDD }, rules);
    create(aTrust(), rules);
  });

  it('§4.5 (SPEC26) customerDueDiligence "required": a zipCode in a country with postal codes', () => {
    const rules: IdentityRules = { customerDueDiligence: 'required' };
    const withoutZip = { ...US_ADDRESS, zipCode: undefined };
    expect(
      violationsUnder(
        aPerson().with({ address: withoutZip }).withCommand({ customerDueDiligence: PERSON_CDD }).build(),
        rules,
      ),
    ).to.deep.equal(['person.address.zipCode required']);
    // Hong Kong has no postal codes: never refused for a missing one.
    const hongKong = { country: 'HKG', address1: '1 Queens Road', city: 'Hong Kong', province: 'HK' };
    create(
      aPerson()
        .foreign()
        .withoutTaxDetails()
        .with({ address: hongKong })
        .withCommand({ customerDueDiligence: PERSON_CDD })
        .build(),
      rules,
    );
    // Without the profile, a missing zipCode is Paxos's to judge.
    accept(aPerson().with({ address: withoutZip }).build());
  });

  it('§6.3 passthrough "strict": all five passthrough fields of the onboarding guide', () => {
    const rules: IdentityRules = { passthrough: 'strict' };
    expect(violationsUnder(aPerson().build(), rules)).to.have.members([
      'person.passthroughVerificationId required',
      'person.passthroughVerificationStatus required',
      'person.passthroughVerificationFields required',
    ]);
    const complete = aPerson()
      .with({
        passthroughVerificationId: '775300ef-4edb-47b9-8ec4-f45fe3cbf41f',
        passthroughVerificationStatus: 'APPROVED',
        passthroughVerificationFields: ['FULL_LEGAL_NAME', 'DATE_OF_BIRTH'],
      })
      .build();
    create(complete, rules);
    // A person not verified by passthrough has nothing to give.
    create(
      aPerson()
        .with({ verifierType: 'MANUAL', passthroughVerifierType: undefined, passthroughVerifiedAt: undefined })
        .build(),
      rules,
    );
  });

  it('§6.2 the profiles judge only a command that is otherwise valid', () => {
    const rules: IdentityRules = { customerDueDiligence: 'required', passthrough: 'strict' };
    expect(violationsUnder(aPerson().with({ firstName: 'Jörg' }).build(), rules)).to.deep.equal([
      'person.firstName pattern',
    ]);
  });

  it('refuses an unknown profile choice or rule by name', () => {
    expect(resolveIdentityRules(undefined)).to.deep.equal({ customerDueDiligence: 'optional', passthrough: 'basic' });
    expect(() => resolveIdentityRules({ customerDueDiligence: 'always' })).to.throw(
      TypeError,
      /rules\.customerDueDiligence/,
    );
    expect(() => resolveIdentityRules({ passthrough: 'lenient' })).to.throw(TypeError, /rules\.passthrough/);
    expect(() => resolveIdentityRules({ kyc: 'required' })).to.throw(TypeError, /rules\.kyc/);
    expect(() => resolveIdentityRules('strict')).to.throw(TypeError);
  });
});

describe('Institution free text (§4.6)', () => {
  it('§4.6 sends business description, trade name, listing and regulator fields of any length, warning past 1000', () => {
    const long = 'd'.repeat(5000);
    const identity = accept(
      anInstitution(['member-1'], {
        businessDescription: long,
        doingBusinessAs: 'b'.repeat(300),
        regulationStatus: 'US_REGULATED',
        tradingType: 'PUBLICLY_TRADED_SUBSIDIARY',
        listedExchange: 'x'.repeat(300),
        tickerSymbol: 't'.repeat(300),
        parentInstitutionName: 'p'.repeat(300),
        regulatorName: 'n'.repeat(300),
        regulatorJurisdiction: 'j'.repeat(300),
        regulatorRegisterNumber: 'r'.repeat(300),
      }),
    );
    expect(identity.institution?.businessDescription).to.have.length(5000);
    expect(warningPairs(identity)).to.deep.equal(['institution.businessDescription max_length']);
  });

  it("§4.6 still refuses a name over the schema's 200 characters", () => {
    expectViolation(anInstitution(['member-1'], { name: 'N'.repeat(201) }), 'institution.name', 'max_length');
  });
});
