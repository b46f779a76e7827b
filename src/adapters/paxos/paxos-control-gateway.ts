import { SandboxOnlyError } from '../../domain/index.js';
import type {
  IdentityControl,
  IdentityControlPage,
  ListIdentityControlsFilter,
  NewIdentityControl,
} from '../../domain/index.js';
import type { CallOptions, IdentityControlGateway, KycRefreshGateway } from '../../ports/index.js';
import type { PaxosConnection } from './connection.js';
import { IdentityControlDto, ListIdentityControlsResponseDto } from './dto/control.dto.js';
import type { PaxosAnswer } from './http/request-sender.js';
import { isPresent } from './present.js';

const CONTROLS = '/identity/controls';
const KYC_REFRESH = '/identity/identities/{identity_id}/kyc-refresh';
const FORCE_START = '/identity/kycrefresh/force-start';
const RESET = '/identity/kycrefresh/reset';

/** The domain's control of a decoded `IdentityControl`. */
function toIdentityControl(wire: IdentityControlDto): IdentityControl {
  return Object.freeze({
    id: wire.id,
    type: wire.type,
    // SPEC26 requires set_by; should Paxos leave it out, the control is still read, its origin unknown.
    setBy: wire.set_by ?? '',
    isOverridable: wire.is_overridable === true,
    ...(isPresent(wire.reason_code) && { reasonCode: wire.reason_code }),
    ...(isPresent(wire.reason) && { reason: wire.reason }),
    createdAt: wire.created_at,
    ...(isPresent(wire.deleted_at) && wire.deleted_at !== '' && { deletedAt: wire.deleted_at }),
  });
}

/**
 * The {@link IdentityControlGateway} port over Paxos's Identity Controls endpoints (SPEC26), on the service's
 * {@link PaxosConnection}. Its calls carry a token of their own scopes (`identity:read_identity_control
 * identity:write_identity_control`, or the configured `scopes`) and count against the Identity API's budget.
 */
export class PaxosIdentityControlGateway implements IdentityControlGateway {
  readonly #connection: PaxosConnection;

  constructor(connection: PaxosConnection) {
    this.#connection = connection;
  }

  /** `GET /identity/controls?identity_id=…` with `include_deleted`, `limit` and `page_cursor`. */
  async listPage(filter: ListIdentityControlsFilter, options: CallOptions = {}): Promise<IdentityControlPage> {
    const query = new URLSearchParams({ identity_id: filter.identityId });
    if (filter.includeDeleted === true) query.set('include_deleted', 'true');
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    if (filter.pageCursor !== undefined) query.set('page_cursor', filter.pageCursor);
    const answer = await this.#connection.send({
      method: 'GET',
      path: CONTROLS,
      template: CONTROLS,
      budget: 'identity',
      query: query.toString(),
      idempotent: true,
      readJson: true,
      resource: { identity: filter.identityId },
      scopes: this.#connection.controlScopes,
      call: options,
    });
    const page = this.#connection.decode(ListIdentityControlsResponseDto, answer, 'a page of identity controls');
    const next = page.next_page_cursor;
    return {
      items: (page.items ?? []).map(toIdentityControl),
      ...(isPresent(next) && next !== '' && { nextPageCursor: next }),
    };
  }

  /** `POST /identity/controls`. Not retried: a repeat would set a second control. */
  async create(control: NewIdentityControl, options: CallOptions = {}): Promise<IdentityControl> {
    const answer = await this.#connection.send({
      method: 'POST',
      path: CONTROLS,
      template: CONTROLS,
      budget: 'identity',
      body: {
        identity_id: control.identityId,
        type: control.type,
        reason_code: control.reasonCode,
        ...(control.reason !== undefined && { reason: control.reason }),
      },
      idempotent: false,
      readJson: true,
      resource: { identity: control.identityId },
      scopes: this.#connection.controlScopes,
      call: options,
    });
    return this.#control(answer);
  }

  /**
   * `DELETE /identity/controls?control_id=…&reason=…`: SPEC26 puts both in the query (the dormancy guide's JSON body
   * is not followed, §12 #6). Retried: deleting twice removes nothing more.
   */
  async delete(controlId: string, reason?: string, options: CallOptions = {}): Promise<void> {
    const query = new URLSearchParams({ control_id: controlId });
    if (reason !== undefined) query.set('reason', reason);
    await this.#connection.send({
      method: 'DELETE',
      path: CONTROLS,
      template: CONTROLS,
      budget: 'identity',
      query: query.toString(),
      idempotent: true,
      readJson: false,
      resource: { control: controlId },
      scopes: this.#connection.controlScopes,
      call: options,
    });
  }

  #control(answer: PaxosAnswer): IdentityControl {
    return toIdentityControl(this.#connection.decode(IdentityControlDto, answer, 'an identity control'));
  }
}

/**
 * The {@link KycRefreshGateway} port over Paxos's sandbox KYC refresh endpoints (SPEC26, §8.5), with the identity
 * scopes. Refused with {@link SandboxOnlyError}, unsent, for production.
 */
export class PaxosKycRefreshGateway implements KycRefreshGateway {
  readonly #connection: PaxosConnection;

  constructor(connection: PaxosConnection) {
    this.#connection = connection;
  }

  /** `POST /identity/identities/{identity_id}/kyc-refresh` (no body); Paxos answers `{}`. */
  async start(identityId: string, options: CallOptions = {}): Promise<void> {
    this.#sandboxOnly('startKycRefresh');
    await this.#connection.send({
      method: 'POST',
      path: `/identity/identities/${encodeURIComponent(identityId)}/kyc-refresh`,
      template: KYC_REFRESH,
      budget: 'identity',
      // Starting twice is refused by eligibility, not done twice.
      idempotent: true,
      readJson: false,
      resource: { identity: identityId },
      call: options,
    });
  }

  /** `POST /identity/kycrefresh/force-start` with `{identity_id, expiry_days}`. */
  async forceStart(identityId: string, expiryDays: number, options: CallOptions = {}): Promise<void> {
    this.#sandboxOnly('forceStartKycRefresh');
    await this.#post(FORCE_START, { identity_id: identityId, expiry_days: expiryDays }, identityId, options);
  }

  /** `POST /identity/kycrefresh/reset` with `{identity_id}`. */
  async reset(identityId: string, options: CallOptions = {}): Promise<void> {
    this.#sandboxOnly('resetKycRefresh');
    await this.#post(RESET, { identity_id: identityId }, identityId, options);
  }

  async #post(path: string, body: Record<string, unknown>, identityId: string, options: CallOptions): Promise<void> {
    await this.#connection.send({
      method: 'POST',
      path,
      template: path,
      budget: 'identity',
      body,
      idempotent: true,
      readJson: false,
      resource: { identity: identityId },
      call: options,
    });
  }

  #sandboxOnly(operation: string): void {
    // Paxos has no such routes in production: refuse here rather than send a call that can only fail.
    if (this.#connection.environment === 'production') throw new SandboxOnlyError(operation);
  }
}
