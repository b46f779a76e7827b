import type { IdentityRules, ValidationWarning } from '../domain/index.js';
import type { Logger } from '../ports/index.js';

/**
 * How the create and update use cases check commands: the rule profiles, and where the warnings of advisory rules go
 * (each is written at `warn`, with its path and code; a warning never carries a value and never stops the call).
 */
export interface ValidationSettings {
  readonly rules?: IdentityRules;
  readonly logger?: Logger;
}

/** Writes each warning of a checked command to the logger at `warn`. */
export function logWarnings(
  logger: Logger | undefined,
  operation: 'create' | 'update',
  warnings: readonly ValidationWarning[],
): void {
  if (logger === undefined) return;
  for (const warning of warnings) {
    logger.warn(`paxos-identity: ${operation}: ${warning.message}`, {
      operation,
      path: warning.path,
      code: warning.code,
    });
  }
}
