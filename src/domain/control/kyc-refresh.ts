import { IdentityValidationError } from '../shared/errors.js';
import { readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';

/** The identity id the sandbox KYC refresh bodies take (§8.5): 6–64 characters, this pattern. */
const KYC_REFRESH_IDENTITY_ID = /^[a-zA-Z0-9][a-zA-Z0-9-.]{4,62}[a-zA-Z0-9]$/;

/** The bounds of `expiry_days` of a forced KYC refresh (§8.5). */
export const KYC_REFRESH_EXPIRY_DAYS = { min: 1, max: 90 } as const;

/**
 * Checks the identity id of a sandbox KYC refresh call: 6–64 letters, digits, `-` and `.`, starting and ending with a
 * letter or digit.
 *
 * @throws {IdentityValidationError} otherwise; nothing is sent.
 */
export function parseKycRefreshIdentityId(value: unknown): string {
  const v = new ViolationList();
  const id = readString(v, 'identityId', value, {
    required: true,
    max: 64,
    pattern: KYC_REFRESH_IDENTITY_ID,
    patternMessage: 'must be 6 to 64 letters, digits, "-" and ".", starting and ending with a letter or digit',
  });
  if (id === undefined) throw new IdentityValidationError(v.items, { subject: 'identity id' });
  return id;
}

/**
 * Checks the `expiryDays` of a forced KYC refresh: a whole number of days from 1 to 90.
 *
 * @throws {IdentityValidationError} otherwise; nothing is sent.
 */
export function parseKycRefreshExpiryDays(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < KYC_REFRESH_EXPIRY_DAYS.min ||
    value > KYC_REFRESH_EXPIRY_DAYS.max
  ) {
    const message = `expiryDays: must be an integer from ${String(KYC_REFRESH_EXPIRY_DAYS.min)} to ${String(KYC_REFRESH_EXPIRY_DAYS.max)}`;
    throw new IdentityValidationError([{ path: 'expiryDays', code: 'range', message }], { subject: 'KYC refresh' });
  }
  return value;
}
