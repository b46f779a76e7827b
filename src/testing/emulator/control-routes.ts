import {
  IdentityControlNotFoundError,
  IdentityNotFoundError,
  IdentityRejectedError,
  type IdentityControl,
  type ListIdentityControlsFilter,
} from '../../domain/index.js';
import type { PaxosSimulator } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import { SCOPES, type Approvals } from './identity-routes.js';
import type { Judgement, JudgeOptions } from './judge.js';
import { identityNotFound, fail, invalidRequest, problem, wireViolations } from './problems.js';
import { pathParam, type Route, type RouteRequest, type RouteResponse } from './router.js';
import { isWireObject, validateAgainst, validateQueryParameters, type WireIssue, type WireObject } from './schemas.js';

/** The Identity Controls scopes (reference §1.1). */
const CONTROL_SCOPES = { read: 'identity:read_identity_control', write: 'identity:write_identity_control' } as const;
/** ListIdentityControls: default 100, maximum 1000. */
const MAX_CONTROL_LIMIT = 1000;

/** What the control and KYC refresh routes work on. */
export interface ControlRouteContext {
  readonly simulator: PaxosSimulator;
  readonly approvals: Approvals;
  readonly judge: JudgeOptions;
  readonly record: (judgement: Judgement, request: RouteRequest) => void;
}

function judged(schema: string, body: unknown, strict: boolean): Judgement {
  if (!isWireObject(body))
    return { schema, issues: [{ path: 'body', code: 'type', message: 'body: must be a JSON object' }] };
  return { schema, issues: validateAgainst(schema, body, strict) };
}

/** A control as Paxos writes it: snake_case, absent fields left out. */
function writeControl(control: IdentityControl): WireObject {
  return {
    id: control.id,
    type: control.type,
    set_by: control.setBy,
    is_overridable: control.isOverridable,
    ...(control.reasonCode !== undefined && { reason_code: control.reasonCode }),
    ...(control.reason !== undefined && { reason: control.reason }),
    created_at: control.createdAt,
    ...(control.deletedAt !== undefined && { deleted_at: control.deletedAt }),
  };
}

/**
 * Runs a simulator call whose success Paxos answers with `{}`, after the approvals clock ticks (as it does on every
 * request); a refusal becomes Paxos's answer for it.
 */
function emptyAnswer(ctx: ControlRouteContext, identityId: string | undefined, act: () => void): RouteResponse {
  ctx.approvals.tick();
  try {
    act();
    return { status: 200, body: {} };
  } catch (error) {
    return refusal(error, identityId);
  }
}

/** The simulator's refusals as Paxos's answers; anything else is the emulator's bug and becomes a 500. */
function refusal(error: unknown, identityId?: string): RouteResponse {
  if (error instanceof IdentityNotFoundError) return fail(identityNotFound(identityId ?? error.identityId));
  if (error instanceof IdentityControlNotFoundError) return fail(problem(404, 'identity control not found'));
  if (error instanceof IdentityRejectedError) return fail(invalidRequest(wireViolations(error.violations)));
  throw error;
}

function readListQuery(query: URLSearchParams): ListIdentityControlsFilter | WireIssue[] {
  const issues: WireIssue[] = [...validateQueryParameters('ListIdentityControls', query)];
  const identityId = query.get('identity_id');
  if (identityId === null || identityId === '')
    issues.push({ path: 'identity_id', code: 'required', message: 'identity_id: is required' });
  const limit = query.get('limit');
  let size: number | undefined;
  if (limit !== null) {
    if (!/^\d{1,10}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_CONTROL_LIMIT)
      issues.push({ path: 'limit', code: 'range', message: 'limit: must be from 1 to 1000' });
    else size = Number(limit);
  }
  if (issues.length > 0 || identityId === null) return issues;
  const cursor = query.get('page_cursor');
  return {
    identityId,
    ...(query.get('include_deleted') === 'true' && { includeDeleted: true }),
    ...(size !== undefined && { limit: size }),
    ...(cursor !== null && cursor !== '' && { pageCursor: cursor }),
  };
}

/**
 * The Identity Controls endpoints (§3 #13–15) and the sandbox KYC refresh endpoints (§3 #10–12) on the shared
 * simulator, each body judged by Paxos's vendored schema before the simulator sees it.
 */
export function controlRoutes(ctx: ControlRouteContext): Route[] {
  const listControls = (request: RouteRequest): RouteResponse => {
    const filter = readListQuery(request.query);
    if (Array.isArray(filter)) return fail(invalidRequest(filter));
    ctx.approvals.tick();
    try {
      const page = ctx.simulator.listControls(request.clientId, filter);
      // "Empty if there are no more pages" (ListIdentityControlsResponse).
      return {
        status: 200,
        body: { items: page.items.map(writeControl), next_page_cursor: page.nextPageCursor ?? '' },
      };
    } catch (error) {
      return refusal(error, filter.identityId);
    }
  };

  const createControl = (request: RouteRequest): RouteResponse => {
    const judgement = judged('CreateIdentityControlRequest', request.body, ctx.judge.strict);
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const body = request.body as WireObject;
    const identityId = body['identity_id'] as string;
    ctx.approvals.tick();
    try {
      const control = ctx.simulator.createControl(request.clientId, {
        identityId,
        type: body['type'] as string,
        reasonCode: body['reason_code'] as string,
        ...(typeof body['reason'] === 'string' && body['reason'] !== '' && { reason: body['reason'] }),
        setBy: 'SET_BY_CLIENT',
      });
      return { status: 200, body: writeControl(control) };
    } catch (error) {
      return refusal(error, identityId);
    }
  };

  const deleteControl = (request: RouteRequest): RouteResponse => {
    const issues: WireIssue[] = [...validateQueryParameters('DeleteIdentityControl', request.query)];
    const controlId = request.query.get('control_id');
    if (controlId === null || controlId === '')
      issues.push({ path: 'control_id', code: 'required', message: 'control_id: is required' });
    if (issues.length > 0 || controlId === null) return fail(invalidRequest(issues));
    return emptyAnswer(ctx, undefined, () => {
      ctx.simulator.deleteControl(request.clientId, controlId);
    });
  };

  const startKycRefresh = (request: RouteRequest): RouteResponse => {
    const identityId = pathParam(request, 'identity_id');
    return emptyAnswer(ctx, identityId, () => {
      ctx.simulator.startKycRefresh(request.clientId, identityId);
    });
  };

  const forceStartKycRefresh = (request: RouteRequest): RouteResponse => {
    const judgement = judged('SandboxForceStartKycRefreshRequest', request.body, ctx.judge.strict);
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const body = request.body as WireObject;
    const identityId = body['identity_id'] as string;
    return emptyAnswer(ctx, identityId, () => {
      ctx.simulator.forceStartKycRefresh(request.clientId, identityId, body['expiry_days'] as number);
    });
  };

  const resetKycRefresh = (request: RouteRequest): RouteResponse => {
    const judgement = judged('SandboxResetKycRefreshRequest', request.body, ctx.judge.strict);
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const identityId = (request.body as WireObject)['identity_id'] as string;
    return emptyAnswer(ctx, identityId, () => {
      ctx.simulator.resetKycRefresh(request.clientId, identityId);
    });
  };

  const route = (
    method: Route['method'],
    path: string,
    scope: string,
    body: Route['body'],
    handle: Route['handle'],
  ): Route => ({ method, path, scopes: [scope], rateLimit: 'identity', body, handle });
  return [
    route('GET', '/v2/identity/controls', CONTROL_SCOPES.read, 'none', listControls),
    route('POST', '/v2/identity/controls', CONTROL_SCOPES.write, 'json', createControl),
    route('DELETE', '/v2/identity/controls', CONTROL_SCOPES.write, 'none', deleteControl),
    route('POST', '/v2/identity/identities/{identity_id}/kyc-refresh', SCOPES.writeIdentity, 'none', startKycRefresh),
    route('POST', '/v2/identity/kycrefresh/force-start', SCOPES.writeIdentity, 'json', forceStartKycRefresh),
    route('POST', '/v2/identity/kycrefresh/reset', SCOPES.writeIdentity, 'json', resetKycRefresh),
  ];
}
