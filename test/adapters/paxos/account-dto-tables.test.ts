import { expect } from 'chai';
import { AccountDto, AccountMemberDto } from '../../../src/adapters/paxos/dto/account.dto.js';
import { wireFieldsOf } from '../../../src/adapters/paxos/dto/wire.js';
import { ACCOUNT_MEMBER_TABLE, ACCOUNT_TABLE } from '../../../src/domain/account/account.js';
import type { FieldTable, WireType } from '../../../src/domain/shared/field-table.js';

// The account DTOs and the account tables name the same wire fields with the same basic types, so that a field added
// to one and not the other fails here.

const KINDS: Readonly<Record<WireType, readonly string[]>> = {
  string: ['string', 'requiredString'],
  decimal: ['string'],
  boolean: ['boolean'],
  strings: ['strings'],
  object: ['stringMap'],
  objects: ['nestedList'],
};

function fieldsOf(t: FieldTable): string[] {
  return t.fields.map((f) => `${f.wire}:${KINDS[f.type].join('|')}`).sort();
}

function dtoFieldsOf(dto: object): string[] {
  return wireFieldsOf(dto)
    .map((f) => `${f.key}:${f.kind}`)
    .sort();
}

function agree(t: FieldTable, dto: object): string[] {
  const table = new Map(t.fields.map((f) => [f.wire, f]));
  const out: string[] = [];
  for (const field of wireFieldsOf(dto)) {
    const spec = table.get(field.key);
    if (spec === undefined) out.push(`${field.key}: in the DTO, not in the table`);
    else if (!KINDS[spec.type].includes(field.kind)) out.push(`${field.key}: table ${spec.type}, DTO ${field.kind}`);
  }
  for (const spec of t.fields)
    if (!wireFieldsOf(dto).some((f) => f.key === spec.wire)) out.push(`${spec.wire}: in the table, not in the DTO`);
  return out;
}

describe('Paxos adapter: account DTOs and account field tables', () => {
  it('§4 Account: the DTO and ACCOUNT_TABLE list the same wire fields and types', () => {
    expect(agree(ACCOUNT_TABLE, AccountDto), `${fieldsOf(ACCOUNT_TABLE).join()} / ${dtoFieldsOf(AccountDto).join()}`).to
      .be.empty;
  });

  it('§4 AccountMember: the DTO and ACCOUNT_MEMBER_TABLE list the same wire fields and types', () => {
    expect(agree(ACCOUNT_MEMBER_TABLE, AccountMemberDto)).to.be.empty;
  });
});
