import { expect } from 'chai';
import type {
  Address,
  AddressInput,
  CustomerDueDiligence,
  CustomerDueDiligenceInput,
  InstitutionDetails,
  InstitutionDetailsInput,
  InstitutionMember,
  InstitutionMemberInput,
  PersonDetails,
  PersonDetailsInput,
  Sensitive,
  TaxDetail,
  TaxDetailInput,
} from '../../../src/index.js';
import { ADDRESS_TABLE } from '../../../src/domain/identity/address.js';
import { CUSTOMER_DUE_DILIGENCE_TABLE } from '../../../src/domain/identity/customer-due-diligence.js';
import { INSTITUTION_MEMBER_TABLE } from '../../../src/domain/identity/institution-member.js';
import { INSTITUTION_TABLE } from '../../../src/domain/identity/institution.js';
import { PERSON_TABLE } from '../../../src/domain/identity/person.js';
import { TAX_DETAIL_TABLE } from '../../../src/domain/identity/tax-detail.js';
import type {
  AlwaysName,
  FieldName,
  FieldTable,
  InputName,
  NameOfType,
  RequiredInputName,
  SensitiveName,
} from '../../../src/domain/shared/field-table.js';

// Type-level proof that each documented interface is its field table: the same names, the same required names,
// personal data exactly where the table says, booleans and lists where the table says. A field added to a table
// but not to its interfaces (or the other way round) fails `npm run typecheck`.

// The usual exact type equality (identical, not merely mutually assignable): its probe type parameter is the trick.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see above
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type KeysOf<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T];

/** The input interface has the table's input names, and requires the ones the table requires on create. */
type InputMatches<I, T> = [Equal<keyof I, InputName<T>>, Equal<RequiredKeys<I>, RequiredInputName<T>>];
/** The held interface has every name of the table, requires what the table always has, and types the rest. */
type HeldMatches<H, T> = [
  Equal<keyof H, FieldName<T>>,
  Equal<RequiredKeys<H>, AlwaysName<T>>,
  Equal<KeysOf<H, Sensitive>, SensitiveName<T>>,
  Equal<KeysOf<H, boolean>, NameOfType<T, 'boolean'>>,
  Equal<KeysOf<H, readonly unknown[]>, NameOfType<T, 'strings' | 'objects'>>,
];

type AllTrue<T extends readonly boolean[]> = T[number] extends true ? true : false;
const proofs: Record<string, true> = {
  PersonDetailsInput: true satisfies AllTrue<InputMatches<PersonDetailsInput, typeof PERSON_TABLE>>,
  PersonDetails: true satisfies AllTrue<HeldMatches<PersonDetails, typeof PERSON_TABLE>>,
  AddressInput: true satisfies AllTrue<InputMatches<AddressInput, typeof ADDRESS_TABLE>>,
  Address: true satisfies AllTrue<HeldMatches<Address, typeof ADDRESS_TABLE>>,
  InstitutionDetailsInput: true satisfies AllTrue<InputMatches<InstitutionDetailsInput, typeof INSTITUTION_TABLE>>,
  InstitutionDetails: true satisfies AllTrue<HeldMatches<InstitutionDetails, typeof INSTITUTION_TABLE>>,
  InstitutionMemberInput: true satisfies AllTrue<InputMatches<InstitutionMemberInput, typeof INSTITUTION_MEMBER_TABLE>>,
  InstitutionMember: true satisfies AllTrue<HeldMatches<InstitutionMember, typeof INSTITUTION_MEMBER_TABLE>>,
  TaxDetailInput: true satisfies AllTrue<InputMatches<TaxDetailInput, typeof TAX_DETAIL_TABLE>>,
  TaxDetail: true satisfies AllTrue<HeldMatches<TaxDetail, typeof TAX_DETAIL_TABLE>>,
  CustomerDueDiligenceInput: true satisfies AllTrue<
    InputMatches<CustomerDueDiligenceInput, typeof CUSTOMER_DUE_DILIGENCE_TABLE>
  >,
  CustomerDueDiligence: true satisfies AllTrue<HeldMatches<CustomerDueDiligence, typeof CUSTOMER_DUE_DILIGENCE_TABLE>>,
};

// The checks above must be able to fail: an interface with one field more is told apart from its table.
type WithExtra = PersonDetailsInput & { notAPaxosField?: string };
const extraFieldIsCaught: false = false satisfies AllTrue<InputMatches<WithExtra, typeof PERSON_TABLE>>;
type WithoutEmail = Omit<PersonDetails, 'email'>;
const missingFieldIsCaught: false = false satisfies AllTrue<HeldMatches<WithoutEmail, typeof PERSON_TABLE>>;

const TABLES: readonly FieldTable[] = [
  PERSON_TABLE,
  ADDRESS_TABLE,
  INSTITUTION_TABLE,
  INSTITUTION_MEMBER_TABLE,
  TAX_DETAIL_TABLE,
  CUSTOMER_DUE_DILIGENCE_TABLE,
];

describe('field tables', () => {
  it('prove every documented interface equal to its table (checked by the compiler)', () => {
    expect(Object.keys(proofs)).to.have.length(12);
    expect([extraFieldIsCaught, missingFieldIsCaught]).to.deep.equal([false, false]);
  });

  it('name each field once on each side, wire names snake_case', () => {
    for (const t of TABLES) {
      const names = t.fields.map((f) => f.name);
      const wires = t.fields.map((f) => f.wire);
      expect(new Set(names).size, `${t.schema} names`).to.equal(names.length);
      expect(new Set(wires).size, `${t.schema} wire names`).to.equal(wires.length);
      for (const wire of wires) expect(wire, t.schema).to.match(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('mark the personal values: CIP ids, dates of birth and tax payer ids', () => {
    const sensitive = TABLES.flatMap((t) => t.fields.filter((f) => f.sensitive).map((f) => `${t.schema}.${f.wire}`));
    expect(sensitive).to.have.members([
      'PersonDetails.date_of_birth',
      'PersonDetails.cip_id',
      'InstitutionDetails.cip_id',
      'TaxDetail.tax_payer_id',
    ]);
  });

  it('give every nested object its own table and every enum its values', () => {
    for (const t of TABLES) {
      for (const f of t.fields) {
        if (f.type === 'object' || f.type === 'objects') expect(f.of, `${t.schema}.${f.name}`).to.not.equal(undefined);
        if (f.kind === 'enum' || f.kind === 'enums') expect(f.values, `${t.schema}.${f.name}`).to.have.length.above(0);
      }
    }
  });
});
