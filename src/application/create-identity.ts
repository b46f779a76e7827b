import {
  IdentityAlreadyExistsError,
  NewIdentity,
  sameCip,
  type CreateIdentityCommand,
  type Identity,
} from '../domain/index.js';
import type { CallOptions, Clock, IdentityGateway, IdGenerator } from '../ports/index.js';
import { logWarnings, type ValidationSettings } from './validation-settings.js';

/**
 * Creates an identity: checks the command against every rule (nothing is sent when one fails), gives it a `refId`
 * when it has none, and sends it through the gateway. A duplicate `refId` whose identity has the same CIP triple is
 * the replay of an earlier call (a retry after a lost response, a resumed import): it resolves to that identity.
 * The command is checked with `validation.rules`; the warnings of advisory rules go to `validation.logger`.
 */
export class CreateIdentity {
  constructor(
    private readonly gateway: IdentityGateway,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly validation: ValidationSettings = {},
  ) {}

  /** `onReplay` is called when the identity resolved to is the one an earlier call created with this `refId`. */
  async execute(
    command: CreateIdentityCommand,
    // Left undefined when not given: the gateway then has no options to check.
    options?: CallOptions & { readonly onReplay?: () => void },
  ): Promise<Identity> {
    const rules = this.validation.rules;
    const now = this.clock.now();
    let draft = NewIdentity.create(command, rules === undefined ? { now } : { now, rules });
    logWarnings(this.validation.logger, 'create', draft.warnings);
    if (draft.refId === undefined) draft = draft.withRefId(this.ids.next());
    try {
      return await this.gateway.create(draft, options);
    } catch (error) {
      if (error instanceof IdentityAlreadyExistsError && error.conflict === 'ref_id') {
        const existing = await this.gateway.get(error.existingId, {
          ...options,
          includeDetails: true,
          includeInstitutionMembers: draft.type === 'INSTITUTION',
        });
        if (sameCip(existing.cip, draft.cip)) {
          options?.onReplay?.();
          return existing;
        }
      }
      throw error;
    }
  }
}
