import { expect } from 'chai';
import {
  CustomerDueDiligenceDto,
  InstitutionDetailsDto,
  InstitutionMemberDto,
  MailingAddressDto,
  PersonDetailsDto,
  TaxDetailDto,
} from '../../../src/adapters/paxos/dto/index.js';
import { wireFieldsOf } from '../../../src/adapters/paxos/dto/wire.js';
import { ADDRESS_TABLE } from '../../../src/domain/identity/address.js';
import { CUSTOMER_DUE_DILIGENCE_TABLE } from '../../../src/domain/identity/customer-due-diligence.js';
import { INSTITUTION_MEMBER_TABLE } from '../../../src/domain/identity/institution-member.js';
import { INSTITUTION_TABLE } from '../../../src/domain/identity/institution.js';
import { PERSON_TABLE } from '../../../src/domain/identity/person.js';
import { TAX_DETAIL_TABLE } from '../../../src/domain/identity/tax-detail.js';
import type { FieldTable, WireType } from '../../../src/domain/shared/field-table.js';

// The wire DTOs keep their class-validator decorators; this proves that their decorated properties and basic types
// are the field tables', so that a field added to a table and not to its DTO (or the other way round) fails here.

const DTO_OF = new Map<FieldTable, object>([
  [PERSON_TABLE, PersonDetailsDto],
  [ADDRESS_TABLE, MailingAddressDto],
  [INSTITUTION_TABLE, InstitutionDetailsDto],
  [INSTITUTION_MEMBER_TABLE, InstitutionMemberDto],
  [TAX_DETAIL_TABLE, TaxDetailDto],
  [CUSTOMER_DUE_DILIGENCE_TABLE, CustomerDueDiligenceDto],
]);

/** The decorator kinds that state a wire type. */
const KINDS: Readonly<Record<WireType, readonly string[]>> = {
  string: ['string', 'requiredString', 'schemaRequiredString'],
  decimal: ['string'],
  boolean: ['boolean'],
  strings: ['strings'],
  object: ['nested'],
  objects: ['nestedList'],
};

/** Every difference between a table and a DTO class, as readable lines; empty when they agree. */
function differences(t: FieldTable, dto: object): string[] {
  const out: string[] = [];
  const decorated = new Map(wireFieldsOf(dto).map((field) => [field.key, field]));
  for (const field of t.fields) {
    const wire = decorated.get(field.wire);
    if (wire === undefined) {
      out.push(`${field.wire}: in the table, not in the DTO`);
      continue;
    }
    if (!KINDS[field.type].includes(wire.kind)) out.push(`${field.wire}: table ${field.type}, DTO ${wire.kind}`);
    if ((wire.kind === 'requiredString' || wire.kind === 'schemaRequiredString') && field.required !== 'always') {
      out.push(`${field.wire}: required by the DTO, not always present in the table`);
    }
    if (field.of !== undefined && wire.type?.() !== DTO_OF.get(field.of)) {
      out.push(`${field.wire}: nested DTO is not the one of table ${field.of.schema}`);
    }
  }
  for (const key of decorated.keys()) {
    if (!t.fields.some((field) => field.wire === key)) out.push(`${key}: in the DTO, not in the table`);
  }
  return out;
}

describe('wire DTOs and field tables', () => {
  for (const [t, dto] of DTO_OF) {
    it(`${(dto as { name: string }).name} declares exactly the fields of the ${t.schema} table, with their types`, () => {
      expect(differences(t, dto)).to.deep.equal([]);
    });
  }

  it('tells a table field missing from the DTO, a DTO field missing from the table, and a type apart', () => {
    const nickname = {
      ...PERSON_TABLE,
      fields: [...PERSON_TABLE.fields, { ...PERSON_TABLE.fields[0], wire: 'nickname' }],
    };
    expect(differences(nickname, PersonDetailsDto)).to.deep.equal(['nickname: in the table, not in the DTO']);
    const shorter = { ...PERSON_TABLE, fields: PERSON_TABLE.fields.filter((f) => f.wire !== 'email') };
    expect(differences(shorter, PersonDetailsDto)).to.deep.equal(['email: in the DTO, not in the table']);
    const retyped = {
      ...TAX_DETAIL_TABLE,
      fields: TAX_DETAIL_TABLE.fields.map((f) => (f.wire === 'tax_payer_id' ? { ...f, type: 'boolean' as const } : f)),
    };
    expect(differences(retyped, TaxDetailDto)).to.deep.equal(['tax_payer_id: table boolean, DTO string']);
  });
});
