import { IdentityValidationError } from '../shared/errors.js';
import { keys, readBoolean, readEnum, readObject } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { IDENTITY_STATUSES, type IdentityStatus } from './enums.js';

/**
 * A change of an identity's verification sub-statuses, for Paxos's sandbox only (`PUT …/sandbox-status`).
 * The summary status follows from the sub-statuses.
 *
 * @example
 * ```ts
 * await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
 * ```
 */
export interface SandboxStatusChange {
  idVerification?: IdentityStatus;
  sanctionsVerification?: IdentityStatus;
  documentVerification?: IdentityStatus;
  additionalScreening?: IdentityStatus;
  userDisabled?: boolean;
  adminDisabled?: boolean;
}

const FIELDS = keys(
  'idVerification',
  'sanctionsVerification',
  'documentVerification',
  'additionalScreening',
  'userDisabled',
  'adminDisabled',
);
const STATUS_FIELDS = [
  'idVerification',
  'sanctionsVerification',
  'documentVerification',
  'additionalScreening',
] as const;

/**
 * Checks a sandbox status change.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseSandboxStatusChange(value: unknown): SandboxStatusChange {
  const v = new ViolationList();
  const f = readObject(v, '', value, FIELDS, true);
  const out: SandboxStatusChange = {};
  if (f !== undefined) {
    for (const key of STATUS_FIELDS) {
      const status = readEnum(v, key, f.get(key), IDENTITY_STATUSES);
      if (status !== undefined) out[key] = status;
    }
    const userDisabled = readBoolean(v, 'userDisabled', f.get('userDisabled'));
    if (userDisabled !== undefined) out.userDisabled = userDisabled;
    const adminDisabled = readBoolean(v, 'adminDisabled', f.get('adminDisabled'));
    if (adminDisabled !== undefined) out.adminDisabled = adminDisabled;
  }
  if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'sandbox status' });
  return out;
}
