import type { Page } from '../shared/page.js';
import { IdentityValidationError } from '../shared/errors.js';
import { keys, readBoolean, readEnum, readObject, readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import {
  IDENTITY_CONTROL_REASON_CODES,
  type IdentityControlReasonCode,
  type IdentityControlType,
  type Open,
} from '../identity/enums.js';

/** Who set a control (SPEC26 spelling; the event object and the docs say `PAXOS` / `CLIENT`, §12 #5). */
export const IDENTITY_CONTROL_SET_BY = ['SET_BY_PAXOS', 'SET_BY_CLIENT'] as const;
/** Who set a control. */
export type IdentityControlSetBy = (typeof IDENTITY_CONTROL_SET_BY)[number];

/** The control types an API user may create (§4.12); `FROZEN` is Paxos's alone. */
export const CLIENT_CONTROL_TYPES = ['SELL_ONLY', 'CLOSED', 'DORMANT'] as const;
/** A control type an API user may create. */
export type ClientControlType = (typeof CLIENT_CONTROL_TYPES)[number];

/**
 * A restriction on an identity (`IdentityControl`, §4.12). While active (no `deletedAt`), `SELL_ONLY`, `CLOSED` and
 * `DORMANT` make an approved identity DISABLED and `FROZEN` makes it ERROR (§8.2). Values are open: Paxos adds some.
 */
export interface IdentityControl {
  readonly id: string;
  readonly type: Open<IdentityControlType>;
  readonly setBy: Open<IdentityControlSetBy>;
  /** Only overridable controls (those an API user created) can be deleted. */
  readonly isOverridable: boolean;
  readonly reasonCode?: Open<IdentityControlReasonCode> | undefined;
  /** Free text given on create. */
  readonly reason?: string | undefined;
  /** RFC 3339. */
  readonly createdAt: string;
  /** RFC 3339; set once the control was deleted (listed only with `includeDeleted`). */
  readonly deletedAt?: string | undefined;
}

/** A control to set on an identity, as `POST /identity/controls` takes it. */
export interface NewIdentityControl {
  readonly identityId: string;
  readonly type: ClientControlType;
  readonly reasonCode: IdentityControlReasonCode;
  readonly reason?: string;
}

/** What {@link parseNewIdentityControl} reads: the same fields, unchecked. */
export interface CreateIdentityControlCommand {
  identityId: string;
  type: ClientControlType;
  reasonCode: IdentityControlReasonCode;
  /** Free text, at most {@link MAX_CONTROL_REASON_LENGTH} characters. */
  reason?: string;
}

/** Which controls to list: those of one identity, active ones unless `includeDeleted`. */
export interface ListIdentityControlsFilter {
  identityId: string;
  includeDeleted?: boolean;
  /** 1–1000; Paxos's default is 100. */
  limit?: number;
  /** The `nextPageCursor` of the previous page. */
  pageCursor?: string | undefined;
}

/** One page of controls; `nextPageCursor` is absent on the last page. */
export type IdentityControlPage = Page<IdentityControl>;

/** Paxos documents no bound for `reason`; the client keeps it to what a log line can hold. */
export const MAX_CONTROL_REASON_LENGTH = 1000;
/** The largest page of controls Paxos serves (`ListIdentityControls`). */
export const MAX_CONTROL_LIST_LIMIT = 1000;

const CREATE_FIELDS = keys('identityId', 'type', 'reasonCode', 'reason');
const LIST_FIELDS = keys('identityId', 'includeDeleted', 'limit', 'pageCursor');

/**
 * Checks a control to create: an identity id, a type an API user may set and one of Paxos's reason codes.
 *
 * @throws {IdentityValidationError} naming every bad field; nothing is sent.
 */
export function parseNewIdentityControl(value: unknown): NewIdentityControl {
  const v = new ViolationList();
  const f = readObject(v, '', value, CREATE_FIELDS, true);
  let identityId: string | undefined;
  let type: ClientControlType | undefined;
  let reasonCode: IdentityControlReasonCode | undefined;
  let reason: string | undefined;
  if (f !== undefined) {
    identityId = readIdentityId(v, f.get('identityId'));
    type = readEnum(v, 'type', f.get('type'), CLIENT_CONTROL_TYPES, true);
    reasonCode = readEnum(v, 'reasonCode', f.get('reasonCode'), IDENTITY_CONTROL_REASON_CODES, true);
    reason = readString(v, 'reason', f.get('reason'), { max: MAX_CONTROL_REASON_LENGTH });
  }
  if (!v.isEmpty || identityId === undefined || type === undefined || reasonCode === undefined)
    throw new IdentityValidationError(v.items, { subject: 'identity control' });
  return Object.freeze({ identityId, type, reasonCode, ...(reason !== undefined && reason !== '' && { reason }) });
}

/**
 * Checks a listing of controls.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseListIdentityControlsFilter(value: unknown): ListIdentityControlsFilter {
  const v = new ViolationList();
  const f = readObject(v, '', value, LIST_FIELDS, true);
  let identityId: string | undefined;
  const out: Omit<ListIdentityControlsFilter, 'identityId'> = {};
  if (f !== undefined) {
    identityId = readIdentityId(v, f.get('identityId'));
    const includeDeleted = readBoolean(v, 'includeDeleted', f.get('includeDeleted'));
    if (includeDeleted !== undefined) out.includeDeleted = includeDeleted;
    const limit = f.get('limit');
    if (limit !== undefined) {
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_CONTROL_LIST_LIMIT)
        v.add('limit', 'range', `must be an integer from 1 to ${String(MAX_CONTROL_LIST_LIMIT)}`);
      else out.limit = limit;
    }
    const pageCursor = readString(v, 'pageCursor', f.get('pageCursor'), { max: 2048 });
    if (pageCursor !== undefined && pageCursor !== '') out.pageCursor = pageCursor;
  }
  if (!v.isEmpty || identityId === undefined) throw new IdentityValidationError(v.items, { subject: 'list filter' });
  return { identityId, ...out };
}

/**
 * Checks a control id and the optional reason of a delete.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseDeleteIdentityControl(
  controlId: unknown,
  reason?: unknown,
): { controlId: string; reason?: string } {
  const v = new ViolationList();
  const id = readString(v, 'controlId', controlId, {
    required: true,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    patternMessage: 'must be a control id (letters, digits, ".", "_" and "-")',
  });
  const text = readString(v, 'reason', reason, { max: MAX_CONTROL_REASON_LENGTH });
  if (!v.isEmpty || id === undefined) throw new IdentityValidationError(v.items, { subject: 'identity control id' });
  return { controlId: id, ...(text !== undefined && text !== '' && { reason: text }) };
}

function readIdentityId(v: ViolationList, value: unknown): string | undefined {
  return readString(v, 'identityId', value, {
    required: true,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    patternMessage: 'must be an identity id (letters, digits, ".", "_" and "-")',
  });
}
