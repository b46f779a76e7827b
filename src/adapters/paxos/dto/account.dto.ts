import { RequiredString, WireBoolean, WireNestedList, WireString, WireStringMap, WireStrings } from './wire.js';

// The snake_case shapes of Paxos's `Account` schemas (tags Accounts and Account Members). Fields Paxos sets are
// declared so that responses keep them; the mapper never sends them.

/** `AccountMember`. `type` is a single role the schema lists beside `roles`. */
export class AccountMemberDto {
  @WireString() id?: string;
  @RequiredString() identity_id!: string;
  @WireStrings() roles?: string[];
  @WireString() type?: string;
}

/** `Account`. */
export class AccountDto {
  @WireString() id?: string;
  @WireString() identity_id?: string;
  @WireString() description?: string;
  @WireString() ref_id?: string;
  @WireStringMap() metadata?: Record<string, string>;
  @WireNestedList(() => AccountMemberDto) members?: AccountMemberDto[];
  @WireString() type?: string;
  @WireString() profile_id?: string;
  @WireString() summary_status?: string;
  @WireBoolean() admin_disabled?: boolean;
  @WireBoolean() user_disabled?: boolean;
  @WireString() created_at?: string;
  @WireString() updated_at?: string;
}

/** `ListAccountsResponse`. */
export class ListAccountsResponseDto {
  @WireNestedList(() => AccountDto) items?: AccountDto[];
  @WireString() next_page_cursor?: string;
}

/** `AddAccountMembersResponse`. */
export class AddAccountMembersResponseDto {
  @RequiredString() account_id!: string;
  @WireNestedList(() => AccountMemberDto) members?: AccountMemberDto[];
}
