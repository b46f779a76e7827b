import { IdentityUpdate, parseIdentityId, type Identity, type IdentityChanges } from '../domain/index.js';
import type { CallOptions, Clock, IdentityGateway } from '../ports/index.js';
import { logWarnings, type ValidationSettings } from './validation-settings.js';

/**
 * Updates an identity with Paxos's delta semantics. The identity is read first (with its details and members),
 * the changes are merged into it and every create rule is checked on the result; only then is the delta, and only
 * the delta, sent. So a change that would leave the identity invalid is refused here, with the same violations a
 * create would report. The rule profiles and the logger of advisory warnings are `validation`'s, as on create.
 */
export class UpdateIdentity {
  constructor(
    private readonly gateway: IdentityGateway,
    private readonly clock: Clock,
    private readonly validation: ValidationSettings = {},
  ) {}

  async execute(id: string, changes: IdentityChanges, options: CallOptions = {}): Promise<Identity> {
    const checkedId = parseIdentityId(id);
    const current = await this.gateway.get(checkedId, {
      ...options,
      includeDetails: true,
      includeInstitutionMembers: true,
    });
    const rules = this.validation.rules;
    const update = IdentityUpdate.plan(current, changes, {
      now: this.clock.now(),
      ...(rules !== undefined && { rules }),
    });
    logWarnings(this.validation.logger, 'update', update.warnings);
    return this.gateway.update(checkedId, update, options);
  }
}
