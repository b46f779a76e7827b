import type { CallOptions } from '../../ports/index.js';
import type { PaxosConnection } from './connection.js';
import type { NamedResource } from './http/error-factory.js';
import type { PaxosAnswer } from './http/request-sender.js';

/** Where a member-link call goes: `POST <collection>` links members, `DELETE <collection>/{id}` removes one link. */
interface MemberLinkCall {
  /** `/identity/account-members` or `/identity/institution-members`. */
  readonly collection: string;
  /** What a 404 of the call names. */
  readonly resource: NamedResource;
  /** The token's scopes, when the route needs others than the identity ones. */
  readonly scopes?: readonly string[];
  /** The caller's per-call options. */
  readonly call?: CallOptions | undefined;
}

/** `POST <collection>`. Not retried: a repeat could link a member twice. */
export function postMemberLinks(connection: PaxosConnection, call: MemberLinkCall, body: object): Promise<PaxosAnswer> {
  return connection.send({
    method: 'POST',
    path: call.collection,
    template: call.collection,
    budget: 'identity',
    body,
    idempotent: false,
    readJson: true,
    resource: call.resource,
    ...(call.scopes !== undefined && { scopes: call.scopes }),
    call: call.call,
  });
}

/** `DELETE <collection>/{id}`; Paxos answers `{}`. Retried: deleting twice removes nothing more. */
export async function deleteMemberLink(
  connection: PaxosConnection,
  call: MemberLinkCall,
  memberId: string,
): Promise<void> {
  await connection.send({
    method: 'DELETE',
    path: `${call.collection}/${encodeURIComponent(memberId)}`,
    template: `${call.collection}/{id}`,
    budget: 'identity',
    idempotent: true,
    readJson: false,
    resource: call.resource,
    ...(call.scopes !== undefined && { scopes: call.scopes }),
    call: call.call,
  });
}
