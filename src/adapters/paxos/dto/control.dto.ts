import { RequiredString, WireBoolean, WireNestedList, WireString } from './wire.js';

// The snake_case shapes of Paxos's Identity Controls schemas (SPEC26, §4.12).

/** `IdentityControl`. Enum values are read as open strings: Paxos spells some two ways (§12 #5). */
export class IdentityControlDto {
  @RequiredString() id!: string;
  @RequiredString() type!: string;
  @WireString() set_by?: string;
  @WireBoolean() is_overridable?: boolean;
  @WireString() reason_code?: string;
  @WireString() reason?: string;
  @RequiredString() created_at!: string;
  @WireString() deleted_at?: string;
}

/** `ListIdentityControlsResponse`. */
export class ListIdentityControlsResponseDto {
  @WireNestedList(() => IdentityControlDto) items?: IdentityControlDto[];
  @WireString() next_page_cursor?: string;
}
