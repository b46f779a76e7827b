import { expect } from 'chai';
import type { CustomerDueDiligenceInput } from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';

const withCdd = (customerDueDiligence: unknown) => ({
  ...aPerson().build(),
  customerDueDiligence: customerDueDiligence as never,
});

const FULL: CustomerDueDiligenceInput = {
  aliases: ['Johnny'],
  estimatedNetWorth: 'NET_WORTH_100K_TO_500K',
  estimatedYearlyIncome: 'INCOME_50K_TO_100K',
  expectedTransferValue: 'TRANSFER_VALUE_0_TO_25K',
  sourceOfWealth: 'EMPLOYMENT_INCOME',
  sourceOfFunds: 'SALARY_DISBURSEMENT',
  purposeOfAccount: 'INVESTMENT_TRADING',
  employmentStatus: 'FULL_TIME',
  employmentIndustrySector: 'INFORMATION',
  industrySector: 'FINANCE_INSURANCE',
  hasUnderlyingTrustStructure: false,
  hasNomineeShareholders: false,
  isPubliclyTraded: true,
  merchantFundingSource: 'SALARY_SAVINGS',
  customerRegions: ['US_CANADA', 'EUROPE'],
};

describe('CustomerDueDiligence', () => {
  it('accepts every field with a known value', () => {
    expect(accept(withCdd(FULL)).customerDueDiligence).to.deep.equal(FULL);
  });

  it('is optional, field by field', () => {
    expect(accept(withCdd({})).customerDueDiligence).to.deep.equal({});
    expect(accept(aPerson().build()).customerDueDiligence).to.equal(undefined);
  });

  it('rejects unknown enum values, each at its path', () => {
    expectViolations(
      withCdd({
        ...FULL,
        estimatedYearlyIncome: 'INCOME_LOTS',
        employmentIndustrySector: 'RANSOMWARE',
        customerRegions: ['EUROPE', 'MARS'],
      }),
      [
        ['customerDueDiligence.estimatedYearlyIncome', 'enum'],
        ['customerDueDiligence.employmentIndustrySector', 'enum'],
        ['customerDueDiligence.customerRegions[1]', 'enum'],
      ],
    );
  });

  it('rejects booleans given as strings', () => {
    expectViolation(
      withCdd({ hasNomineeShareholders: 'false' }),
      'customerDueDiligence.hasNomineeShareholders',
      'type',
    );
  });

  it('rejects aliases that are not strings', () => {
    expectViolation(withCdd({ aliases: ['ok', 7] }), 'customerDueDiligence.aliases[1]', 'type');
    expectViolation(withCdd({ aliases: 'Johnny' }), 'customerDueDiligence.aliases', 'type');
  });

  it('rejects unknown fields and non-objects', () => {
    expectViolation(withCdd({ netWorth: 'NET_WORTH_OVER_50M' }), 'customerDueDiligence.netWorth', 'unknown_field');
    expectViolation(withCdd('FULL_TIME'), 'customerDueDiligence', 'type');
  });
});
