import { InstitutionMemberDto } from './identity.dto.js';
import { RequiredString, WireBoolean, WireNested, WireNestedList, WireString, WireStrings } from './wire.js';

/** `AddInstitutionMembersResponse`: the institution and the member links made, each with its `id`. */
export class AddInstitutionMembersResponseDto {
  @RequiredString() institution_id!: string;
  @WireNestedList(() => InstitutionMemberDto) members?: InstitutionMemberDto[];
}

/** `DocumentUploadResponse`. */
export class DocumentUploadResponseDto {
  @RequiredString() file_id!: string;
  @WireString() name?: string;
  @RequiredString() upload_url!: string;
}

/** `DocumentDescription`: document types are open strings, Paxos adds types. */
export class DocumentDescriptionDto {
  @RequiredString() file_id!: string;
  @WireString() name?: string;
  @WireStrings() document_types?: string[];
  @WireString() created_at?: string;
  @WireString() archived_at?: string;
}

/** `ListIdentityDocumentsResponse`. */
export class ListIdentityDocumentsResponseDto {
  @WireNestedList(() => DocumentDescriptionDto) documents?: DocumentDescriptionDto[];
  @WireStrings() pending_documents?: string[];
}

/**
 * An event's `object`, the union of the identity payloads: status change, documents required, KYC refresh, control. Fields of
 * payloads not listed here are dropped; the event's `type` says which ones to read.
 */
export class EventObjectDto {
  @WireString() id?: string;
  @WireString() identity_id?: string;
  @WireString() old_summary_status?: string;
  @WireString() new_summary_status?: string;
  @WireStrings() required_documents?: string[];
  @WireString() last_kyc_refresh_date?: string;
  @WireString() next_kyc_refresh_date?: string;
  @WireString() control_id?: string;
  @WireString() control_type?: string;
  @WireString() set_by?: string;
  @WireBoolean() is_overridable?: boolean;
  @WireString() reason_code?: string;
}

/** `Event`. */
export class EventDto {
  @RequiredString() id!: string;
  @RequiredString() type!: string;
  @WireString() object_type?: string;
  @WireNested(() => EventObjectDto) object?: EventObjectDto;
  @RequiredString() created_at!: string;
  @WireBoolean() is_test?: boolean;
}

/** `ListEventsResponse`. */
export class ListEventsResponseDto {
  @WireNestedList(() => EventDto) events?: EventDto[];
  @WireString() next_page_cursor?: string;
}
