import type { Page } from '../shared/page.js';
import { IdentityValidationError } from '../shared/errors.js';
import { keys, readObject, readString } from '../shared/guard.js';
import { ViolationList, type Violation } from '../shared/violations.js';
import { parseListIdentitiesFilter, type ListOrder, type TimeRange } from '../identity/list-filter.js';
import type { Account } from './account.js';

/**
 * Which accounts to list, and how (List Accounts, §3 #19). Every field is optional.
 *
 * @example
 * ```ts
 * const filter: ListAccountsFilter = { identityId: john.id, createdAt: { gte: '2026-01-01T00:00:00Z' }, limit: 50 };
 * ```
 */
export interface ListAccountsFilter {
  /** Page size: 1 to 1000. A server may return fewer per page (the emulator stops at 100). */
  limit?: number;
  /** Only the accounts whose primary identity is this one. */
  identityId?: string;
  createdAt?: TimeRange;
  updatedAt?: TimeRange;
  /** By creation time; Paxos's default is DESC. */
  order?: ListOrder;
  /** The `nextPageCursor` of the previous page, as it was returned: opaque. */
  pageCursor?: string | undefined;
}

/** One page of accounts. `nextPageCursor` is absent on the last page. */
export type AccountPage = Page<Account>;

const FIELDS = keys('limit', 'identityId', 'createdAt', 'updatedAt', 'order', 'pageCursor');
const SHARED = ['limit', 'createdAt', 'updatedAt', 'order', 'pageCursor'] as const;

/**
 * Checks an account listing filter. Paging, ranges and order follow the identity listing's rules.
 *
 * @throws {IdentityValidationError} naming every bad field; nothing is sent.
 */
export function parseListAccountsFilter(value: unknown = {}): ListAccountsFilter {
  const v = new ViolationList();
  const f = readObject(v, '', value, FIELDS, true);
  if (f === undefined) throw new IdentityValidationError(v.items, { subject: 'list filter' });
  const shared: Record<string, unknown> = {};
  for (const key of SHARED) if (f.get(key) !== undefined) shared[key] = f.get(key);
  let out: ListAccountsFilter = {};
  let violations: readonly Violation[] = [];
  try {
    out = parseListIdentitiesFilter(shared);
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    violations = error.violations;
  }
  const identityId = readString(v, 'identityId', f.get('identityId'), {
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    patternMessage: 'must be an identity id (letters, digits, ".", "_" and "-")',
  });
  const all = [...violations, ...v.items];
  if (all.length > 0) throw new IdentityValidationError(all, { subject: 'list filter' });
  return { ...out, ...(identityId !== undefined && { identityId }) };
}
