import type { CreateIdentityCommand, InstitutionDetailsInput, PersonDetailsInput } from '../../src/index.js';

// A random start keeps ids apart across processes sharing one emulator; the counter keeps them apart within one.
let counter = Math.floor(Math.random() * 100_000_000);

/** A unique SSN-shaped id per call (for a billion calls), so tests never collide on the CIP triple. */
export function uniqueSsn(): string {
  counter = (counter + 1) % 1_000_000_000;
  const digits = String(counter).padStart(9, '0');
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}

/** A unique EIN-shaped id per call. */
export function uniqueEin(): string {
  const ssn = uniqueSsn().replace(/-/g, '');
  return `${ssn.slice(0, 2)}-${ssn.slice(2, 9)}`;
}

/** The seed page's John Doe, camelCased (metadata moved to the top level, where Paxos's schema puts it). */
export function seedCommand(): CreateIdentityCommand {
  return {
    refId: '33ece656-eef1-43b5-a851-b6b9099089a5',
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'JUMIO',
      passthroughVerifiedAt: '2021-06-16T09:28:14Z',
      firstName: 'John',
      lastName: 'Doe',
      dateOfBirth: '1980-01-01',
      phoneNumber: '+1 555 678 1234',
      email: 'example@somemail.org',
      cipId: '111-11-1234',
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
    },
    metadata: { custom_property1: 'custom value 1', custom_property2: 'custom value 2' },
  };
}

/** Builds person commands with small, readable changes. */
export class PersonBuilder {
  private person: PersonDetailsInput;
  private extra: Partial<CreateIdentityCommand> = {};

  constructor() {
    const seed = seedCommand();
    this.person = { ...seed.person!, cipId: uniqueSsn() };
  }

  with(changes: Partial<PersonDetailsInput>): this {
    this.person = { ...this.person, ...changes };
    return this;
  }

  withCommand(changes: Partial<CreateIdentityCommand>): this {
    this.extra = { ...this.extra, ...changes };
    return this;
  }

  /** A person living in Germany with a German passport, who needs explicit tax details or the not-required flag. */
  foreign(): this {
    return this.with({
      cipIdType: 'PASSPORT',
      cipIdCountry: 'DEU',
      nationality: 'DEU',
      cipId: `P${uniqueSsn().replace(/-/g, '')}`,
      address: { country: 'DEU', address1: 'Beispielstrasse 1', city: 'Berlin', province: 'BE', zipCode: '10115' },
    });
  }

  withoutTaxDetails(): this {
    return this.withCommand({ taxDetailsNotRequired: true });
  }

  build(): CreateIdentityCommand {
    return { person: this.person, ...this.extra };
  }
}

/** `aPerson().foreign().withoutTaxDetails().build()` */
export function aPerson(): PersonBuilder {
  return new PersonBuilder();
}

/** A valid LLC's details. */
function anInstitutionDetails(changes: Partial<InstitutionDetailsInput> = {}): InstitutionDetailsInput {
  return {
    name: 'Example Holdings LLC',
    businessAddress: { country: 'USA', address1: '2 Example Ave', city: 'New York', province: 'NY', zipCode: '10002' },
    incorporationAddress: {
      country: 'USA',
      address1: '2 Example Ave',
      city: 'Dover',
      province: 'DE',
      zipCode: '19901',
    },
    institutionType: 'LLC',
    institutionSubType: 'INVESTMENT',
    cipId: uniqueEin(),
    cipIdType: 'EIN',
    cipIdCountry: 'USA',
    govtRegistrationDate: '2021-04-14T00:00:00Z',
    regulationStatus: 'NON_REGULATED',
    tradingType: 'PRIVATE',
    businessDescription: 'Holding company',
    ...changes,
  };
}

/** An institution command whose members are the given identity ids. */
export function anInstitution(
  memberIds: string[],
  changes: Partial<InstitutionDetailsInput> = {},
): CreateIdentityCommand {
  return {
    institution: anInstitutionDetails(changes),
    institutionMembers: memberIds.map((identityId, i) => ({
      identityId,
      roles: i === 0 ? ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'] : ['AUTHORIZED_USER'],
      ...(i === 0 && { ownership: '60' }),
    })),
  };
}

/**
 * The five customer due diligence answers `rules: { customerDueDiligence: 'required' }` asks of a person: the least a
 * person command carries to pass that rule.
 */
export const PERSON_CDD = {
  estimatedYearlyIncome: 'INCOME_50K_TO_100K',
  expectedTransferValue: 'TRANSFER_VALUE_25K_TO_50K',
  sourceOfWealth: 'EMPLOYMENT_INCOME',
  employmentStatus: 'FULL_TIME',
  employmentIndustrySector: 'ARTS_ENTERTAINMENT_RECREATION',
} as const;
