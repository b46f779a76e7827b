import {
  IdentityNotFoundError,
  parseIdentityId,
  parseSandboxStatusChange,
  type CreateIdentityCommand,
  type Identity,
  type SandboxStatusChange,
} from '../domain/index.js';
import type { CallOptions, GetIdentityOptions, IdentityGateway } from '../ports/index.js';
import type { CreateIdentity } from './create-identity.js';
import { ImportIdentities, type ImportItem, type ImportOptions, type ImportSummary } from './import-identities.js';

/**
 * The library's front door: onboarding calls for a backend, whatever gateway is behind them.
 * Get one from `createIdentityService(options)`.
 *
 * @example
 * ```ts
 * const service = createIdentityService({ adapter: 'in-memory' });
 * const identity = await service.createIdentity({ person: { ... } });
 * const again = await service.getIdentity(identity.id);
 * ```
 */
export class IdentityService {
  constructor(
    private readonly gateway: IdentityGateway,
    private readonly createUseCase: CreateIdentity,
  ) {}

  /**
   * Creates a PERSON or INSTITUTION identity. Resolves to the identity in PENDING state.
   * Retrying with the same `refId` is safe: it resolves to the identity the first call created.
   *
   * @throws {IdentityValidationError} when the command breaks a rule; nothing is sent.
   * @throws {IdentityAlreadyExistsError} when the `refId` belongs to another person, or the CIP id is taken.
   */
  createIdentity(command: CreateIdentityCommand, options?: CallOptions): Promise<Identity> {
    return this.createUseCase.execute(command, options);
  }

  /**
   * Bulk onboarding: creates every command of `source` at `options.ratePerSecond` (default Paxos's 10/s) with at most
   * `options.concurrency` calls in flight, reporting each item through `onResult` and `onProgress`. A failing item is
   * reported and the import goes on; rerunning it is safe for commands that carry a `refId`. Aborting
   * `options.signal` stops new creates and resolves once the ones in flight are done.
   *
   * @example
   * ```ts
   * const summary = await service.importIdentities(commands, { ratePerSecond: 10, onResult: (r) => log(r) });
   * ```
   */
  importIdentities(
    source: AsyncIterable<CreateIdentityCommand | ImportItem> | Iterable<CreateIdentityCommand | ImportItem>,
    options?: ImportOptions,
  ): Promise<ImportSummary> {
    return new ImportIdentities(this.createUseCase).execute(source, options);
  }

  /**
   * Reads an identity with its details.
   *
   * @throws {IdentityNotFoundError} when no identity of these credentials has this id.
   */
  async getIdentity(id: string, options?: GetIdentityOptions): Promise<Identity> {
    return this.gateway.get(parseIdentityId(id), options);
  }

  /** Like {@link IdentityService.getIdentity}, but resolves to `undefined` when the identity does not exist. */
  async findIdentity(id: string, options?: GetIdentityOptions): Promise<Identity | undefined> {
    try {
      return await this.getIdentity(id, options);
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return undefined;
      throw error;
    }
  }

  /** Sandbox only: sets verification sub-statuses; the summary status follows (APPROVED once the checks pass). */
  async setSandboxStatus(id: string, change: SandboxStatusChange, options?: CallOptions): Promise<void> {
    await this.gateway.setSandboxStatus(parseIdentityId(id), parseSandboxStatusChange(change), options);
  }
}
