import type { InstitutionMember, InstitutionMembersAdded } from '../../domain/index.js';
import type { CallOptions, InstitutionMemberGateway } from '../../ports/index.js';
import { AddInstitutionMembersResponseDto } from './dto/lifecycle.dto.js';
import { memberFromWire, memberToWire } from './mapper.js';
import type { PaxosConnection } from './connection.js';

const MEMBERS = '/identity/institution-members';
const MEMBER = '/identity/institution-members/{id}';

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
    const answer = await this.#transport.send({
      method: 'POST',
      path: MEMBERS,
      template: MEMBERS,
      budget: 'identity',
      body: { institution_id: institutionId, members: members.map(memberToWire) },
      idempotent: false,
      readJson: true,
      // The route names no id, but its 404 means the institution: the body's institution_id.
      resource: { identity: institutionId },
      signal: options.signal,
    });
    const dto = this.#transport.decode(AddInstitutionMembersResponseDto, answer, 'an institution-members response');
    return { institutionId: dto.institution_id, members: (dto.members ?? []).map(memberFromWire) };
  }

  /** `DELETE /identity/institution-members/{id}`; Paxos answers `{}`. Retried: deleting twice removes nothing more. */
  async removeMember(memberId: string, options: CallOptions = {}): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `${MEMBERS}/${encodeURIComponent(memberId)}`,
      template: MEMBER,
      budget: 'identity',
      idempotent: true,
      readJson: false,
      resource: { member: memberId },
      signal: options.signal,
    });
  }
}
