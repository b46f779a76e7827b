import type { InstitutionMember, InstitutionMembersAdded } from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/**
 * The driven port to an institution's members (`POST /identity/institution-members`,
 * `DELETE /identity/institution-members/{id}`). Members are added to the existing ones, never replace them; the
 * institution's summary status follows its members'.
 */
export interface InstitutionMemberGateway {
  /**
   * Links existing PERSON identities to the institution. Resolves to the links made, each with its `id`.
   * Rejects with IdentityNotFoundError for an unknown institution, IdentityValidationError for a member that is not
   * an existing person of this API user.
   */
  addMembers(
    institutionId: string,
    members: readonly InstitutionMember[],
    options?: CallOptions,
  ): Promise<InstitutionMembersAdded>;
  /** Removes one member link by its id (not the person's identity id). InstitutionMemberNotFoundError when unknown. */
  removeMember(memberId: string, options?: CallOptions): Promise<void>;
}
