import {
  parseDeleteIdentityControl,
  parseIdentityId,
  parseKycRefreshExpiryDays,
  parseKycRefreshIdentityId,
  parseListIdentityControlsFilter,
  parseNewIdentityControl,
  type CreateIdentityControlCommand,
  type IdentityControl,
  type IdentityControlPage,
  type ListIdentityControlsFilter,
} from '../domain/index.js';
import type { CallOptions, IdentityControlGateway, KycRefreshGateway } from '../ports/index.js';
import { followPages } from './paging.js';

/**
 * The identity control use cases (list, create, delete) and the sandbox KYC refresh helpers, each input checked in
 * the domain before anything is sent.
 *
 * @example
 * ```ts
 * const controls = new IdentityControls(new InMemoryIdentityControlGateway({ simulator }));
 * await controls.create({ identityId, type: 'DORMANT', reasonCode: 'INACTIVITY' });
 * ```
 */
export class IdentityControls {
  constructor(
    private readonly gateway: IdentityControlGateway | undefined,
    private readonly kycRefresh?: KycRefreshGateway,
  ) {}

  /**
   * Sets a control on an identity.
   *
   * @throws {IdentityValidationError} when the command breaks a rule (a FROZEN type, an unknown reason code).
   */
  async create(command: CreateIdentityControlCommand, options: CallOptions = {}): Promise<IdentityControl> {
    // Checked inside the async body, so that a refusal is a rejection and never a synchronous throw.
    return this.#controls().create(parseNewIdentityControl(command), options);
  }

  /** One page of an identity's controls. */
  async page(filter: ListIdentityControlsFilter, options: CallOptions = {}): Promise<IdentityControlPage> {
    return this.#controls().listPage(parseListIdentityControlsFilter(filter), options);
  }

  /** Every control of an identity (active ones unless `includeDeleted`), page after page. */
  async *all(filter: ListIdentityControlsFilter, options: CallOptions = {}): AsyncGenerator<IdentityControl> {
    yield* followPages(parseListIdentityControlsFilter(filter), (page) => this.#controls().listPage(page, options));
  }

  /** Deletes an overridable control, with an optional reason. */
  async delete(controlId: string, reason?: string, options: CallOptions = {}): Promise<void> {
    const checked = parseDeleteIdentityControl(controlId, reason);
    return this.#controls().delete(checked.controlId, checked.reason, options);
  }

  /** Sandbox: starts a KYC refresh of an eligible identity. */
  async startKycRefresh(identityId: string, options: CallOptions = {}): Promise<void> {
    return this.#kyc().start(parseIdentityId(identityId, 'identityId'), options);
  }

  /** Sandbox: starts a KYC refresh whatever the eligibility, expiring after `expiryDays` (1–90). */
  async forceStartKycRefresh(identityId: string, expiryDays: number, options: CallOptions = {}): Promise<void> {
    const id = parseKycRefreshIdentityId(identityId);
    return this.#kyc().forceStart(id, parseKycRefreshExpiryDays(expiryDays), options);
  }

  /** Sandbox: clears an identity's KYC refresh state. */
  async resetKycRefresh(identityId: string, options: CallOptions = {}): Promise<void> {
    return this.#kyc().reset(parseKycRefreshIdentityId(identityId), options);
  }

  #controls(): IdentityControlGateway {
    if (this.gateway === undefined)
      throw new TypeError('This IdentityService has no identity control gateway; build it with createIdentityService');
    return this.gateway;
  }

  #kyc(): KycRefreshGateway {
    if (this.kycRefresh === undefined)
      throw new TypeError('This IdentityService has no KYC refresh gateway; build it with createIdentityService');
    return this.kycRefresh;
  }
}
