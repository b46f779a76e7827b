import {
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityValidationError,
  MAX_LIST_LIMIT,
  parseListIdentitiesFilter,
  type Violation,
} from '../../domain/index.js';
import { judgeUpdate, withoutEchoedId } from './judge.js';
import { alreadyExists, identityNotFound, fail, invalidRequest } from './problems.js';
import { validateQueryParameters, type WireIssue } from './schemas.js';
import { SCOPES, type IdentityRouteContext } from './identity-routes.js';
import { readTimeRanges } from './time-ranges.js';
import type { Route, RouteRequest, RouteResponse } from './router.js';
import { changesFromWire, mergeUpdate, writeIdentity, type WireObject } from './wire.js';

/** Query parameters of `GET /identity/identities` and the filter field each one fills. */
const LIST_PARAMS: Readonly<Record<string, string>> = {
  limit: 'limit',
  summary_status: 'summaryStatus',
  identity_type: 'identityType',
  order: 'order',
  page_cursor: 'pageCursor',
};

function wireViolation(path: string, code: Violation['code'], message: string): Violation {
  return { path, code, message: `${path}: ${message}` };
}

/**
 * Reads the list query into a filter the domain checks. Parameters Paxos does not know are ignored, as a
 * grpc-gateway does; `order_by` may only be `CREATED_AT`; a parameter given twice is refused.
 */
function readListQuery(
  query: URLSearchParams,
): { ok: true; filter: Record<string, unknown> } | { ok: false; violations: (Violation | WireIssue)[] } {
  // Paxos's own parameter schemas first (SPEC26 control_types / control_reason_codes included); the filter the
  // simulator pages by is built only from a query they accept.
  const violations: (Violation | WireIssue)[] = validateQueryParameters('ListIdentities', query);
  const filter: Record<string, unknown> = {};
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) violations.push(wireViolation(name, 'conflict', 'must be given at most once'));
    return values[0];
  };
  for (const [name, field] of Object.entries(LIST_PARAMS)) {
    const value = single(name);
    if (value === undefined) continue;
    if (name === 'limit') {
      const n = /^-?\d{1,10}$/.test(value) ? Number(value) : undefined;
      // No maximum is documented for identities (§3.3, §12 #15): a larger limit is capped, not refused; the page
      // stops at the emulator's maximum anyway.
      filter[field] = n === undefined ? value : Math.min(n, MAX_LIST_LIMIT);
    } else {
      filter[field] = value;
    }
  }
  const orderBy = single('order_by');
  if (orderBy !== undefined && orderBy !== 'CREATED_AT')
    violations.push(wireViolation('order_by', 'enum', 'must be CREATED_AT'));
  Object.assign(filter, readTimeRanges(single));
  // Repeated keys (§2); their values were judged by Paxos's parameter schemas above.
  const controlTypes = query.getAll('control_types');
  if (controlTypes.length > 0) filter['controlTypes'] = controlTypes;
  const reasonCodes = query.getAll('control_reason_codes');
  if (reasonCodes.length > 0) filter['controlReasonCodes'] = reasonCodes;
  return violations.length === 0 ? { ok: true, filter } : { ok: false, violations };
}

const LIST_WIRE_PATHS: Readonly<Record<string, string>> = {
  limit: 'limit',
  summaryStatus: 'summary_status',
  identityType: 'identity_type',
  order: 'order',
  pageCursor: 'page_cursor',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  controlTypes: 'control_types',
  controlReasonCodes: 'control_reason_codes',
};

function listViolationsToWire(violations: readonly Violation[]): Violation[] {
  return violations.map((v) => {
    const [head, ...rest] = v.path.split('.');
    const path = [LIST_WIRE_PATHS[head ?? ''] ?? head, ...rest].join('.');
    const text = v.message.startsWith(`${v.path}: `) ? v.message.slice(v.path.length + 2) : v.message;
    return wireViolation(path, v.code, text);
  });
}

/**
 * `GET /identity/identities` (list, paged by an opaque cursor over (created_at, id); a page never exceeds the
 * simulator's maximum, 100 by default) and `PUT /identity/identities/{id}` (update with delta semantics).
 */
export function listUpdateRoutes(ctx: IdentityRouteContext): Route[] {
  const listIdentities = (request: RouteRequest): RouteResponse => {
    const read = readListQuery(request.query);
    if (!read.ok) return fail(invalidRequest(read.violations));
    ctx.approvals.tick();
    try {
      const page = ctx.simulator.listPage(request.clientId, parseListIdentitiesFilter(read.filter));
      return {
        status: 200,
        body: {
          items: page.items.map(writeIdentity),
          ...(page.nextPageCursor !== undefined && { next_page_cursor: page.nextPageCursor }),
        },
      };
    } catch (error) {
      if (error instanceof IdentityValidationError || error instanceof IdentityRejectedError)
        return fail(invalidRequest(listViolationsToWire(error.violations)));
      throw error;
    }
  };

  const updateIdentity = (request: RouteRequest): RouteResponse => {
    ctx.approvals.tick();
    const id = request.params['id'] ?? '';
    try {
      const current = ctx.simulator.get(request.clientId, id, { includeDetails: true });
      const body = withoutEchoedId(request.body);
      const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
      const merged = isObject ? mergeUpdate(writeIdentity(current), body as WireObject) : {};
      const judgement = judgeUpdate(body, merged, current.type, ctx.judge);
      ctx.record(judgement, request);
      if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
      const sent = (body as WireObject)['last_kyc_refresh_date'];
      const identity = ctx.simulator.replace(
        request.clientId,
        id,
        changesFromWire(merged, current),
        typeof sent === 'string' ? sent : undefined,
      );
      return { status: 200, body: writeIdentity(identity) };
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(identityNotFound(id));
      if (error instanceof IdentityAlreadyExistsError) return fail(alreadyExists(error.conflict, error.existingId));
      throw error;
    }
  };

  return [
    {
      method: 'GET',
      path: '/v2/identity/identities',
      scopes: [SCOPES.readIdentity],
      rateLimit: 'identity',
      body: 'none',
      handle: listIdentities,
    },
    {
      method: 'PUT',
      path: '/v2/identity/identities/{id}',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'json',
      handle: updateIdentity,
    },
  ];
}
