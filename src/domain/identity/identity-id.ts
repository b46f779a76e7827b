import { IdentityValidationError } from '../shared/errors.js';
import { readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks an identity id before it goes into a URL path.
 *
 * @throws {IdentityValidationError} when `value` is not 1–64 characters of letters, digits, `.`, `_` and `-`.
 */
export function parseIdentityId(value: unknown, path = 'id'): string {
  const v = new ViolationList();
  const id = readString(v, path, value, {
    required: true,
    max: 64,
    pattern: ID_PATTERN,
    patternMessage: 'must be an identity id as Paxos returned it (letters, digits, ".", "_" and "-"), not a refId',
  });
  if (id === undefined) throw new IdentityValidationError(v.items, { subject: 'identity id' });
  return id;
}
