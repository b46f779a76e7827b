import type { InstitutionMember, InstitutionMembersAdded } from '../../domain/index.js';
import type { CallOptions, InstitutionMemberGateway } from '../../ports/index.js';
import { AddInstitutionMembersResponseDto } from './dto/lifecycle.dto.js';
import { memberFromWire, memberToWire } from './mapper.js';
import type { PaxosConnection } from './connection.js';
import { sameId } from './http/echo.js';
import { deleteMemberLink, postMemberLinks } from './member-links.js';

const MEMBERS = '/identity/institution-members';

/**
 * The {@link InstitutionMemberGateway} port over Paxos: `POST /identity/institution-members` and
 * `DELETE /identity/institution-members/{id}` (by the member-link id).
 *
 * @example
 * ```ts
 * const members = new PaxosMemberGateway(new PaxosTransport({ environment: 'sandbox', clientId, clientSecret }));
 * ```
 */
export class PaxosMemberGateway implements InstitutionMemberGateway {
  readonly #transport: PaxosConnection;

  constructor(transport: PaxosConnection) {
    this.#transport = transport;
  }

  /** `POST /identity/institution-members`. Not retried: a repeat could link a member twice. */
  async addMembers(
    institutionId: string,
    members: readonly InstitutionMember[],
    options: CallOptions = {},
  ): Promise<InstitutionMembersAdded> {
    const answer = await postMemberLinks(
      this.#transport,
      // The route names no id, but its 404 means the institution: the body's institution_id.
      { collection: MEMBERS, resource: { identity: institutionId }, call: options },
      { institution_id: institutionId, members: members.map(memberToWire) },
    );
    const dto = this.#transport.decode(AddInstitutionMembersResponseDto, answer, 'an institution-members response');
    if (!sameId(dto.institution_id, institutionId))
      throw this.#transport.invalid(answer, 'the institution-members response asked for', [
        'institution_id: not the one sent',
      ]);
    return { institutionId: dto.institution_id, members: (dto.members ?? []).map(memberFromWire) };
  }

  /** `DELETE /identity/institution-members/{id}`; Paxos answers `{}`. Retried: deleting twice removes nothing more. */
  async removeMember(memberId: string, options: CallOptions = {}): Promise<void> {
    await deleteMemberLink(
      this.#transport,
      { collection: MEMBERS, resource: { member: memberId }, call: options },
      memberId,
    );
  }
}
