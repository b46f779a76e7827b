import { IdentityAlreadyExistsError, IdentityNotFoundError } from '../../domain/index.js';
import type { Clock } from '../../ports/index.js';
import type { PaxosSimulator } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import { alreadyExists, identityNotFound, fail, invalidRequest, problem, type Problem } from './problems.js';
import { pathParam, type Route, type RouteRequest, type RouteResponse } from './router.js';
import { judgeCreate, judgeSandboxStatus, withoutEchoedId, type Judgement, type JudgeOptions } from './judge.js';
import { draftFromWire, liftPersonMetadata, sandboxChangeFromWire, writeIdentity, type WireObject } from './wire.js';

/** Scopes of Paxos's identity endpoints. */
export const SCOPES = {
  readIdentity: 'identity:read_identity',
  writeIdentity: 'identity:write_identity',
} as const;

/**
 * How identities move on without a sandbox-status call: `'auto'` approves low-risk passthrough persons at once (as
 * Paxos's sandbox, §9), `{ autoApproveAfterMs }` after a delay, `'manual'` holds every identity PENDING.
 */
export type ApprovalBehaviour = 'manual' | 'auto' | { readonly autoApproveAfterMs: number };

/** What the identity routes work on. */
export interface IdentityRouteContext {
  readonly simulator: PaxosSimulator;
  readonly clock: Clock;
  readonly judge: JudgeOptions;
  readonly approvals: Approvals;
  /** Every judgement, with the request it was made on (the request log of validations). */
  readonly record: (judgement: Judgement, request: RouteRequest) => void;
}

/** The type of an identity of this API user, for the member rules. */
export function typeLookup(ctx: { readonly simulator: PaxosSimulator }, clientId: string) {
  return (identityId: string): string | undefined => {
    try {
      return ctx.simulator.get(clientId, identityId, { includeDetails: false }).type;
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return undefined;
      throw error;
    }
  };
}

function json(status: number, body: unknown): RouteResponse {
  return { status, body };
}

function readFlag(query: URLSearchParams, name: string): boolean | Problem {
  const value = query.get(name);
  if (value === null || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return problem(400, `${name}: invalid value, must be true or false`);
}

/**
 * Paxos's sandbox auto-approves a low-risk person created with valid passthrough details (§9). With `approval:
 * 'auto'` (the default) the emulator does the same, lazily: the sanctions screening of a person whose passthrough
 * verification is APPROVED turns APPROVED on the first request after the delay, on the emulator's clock. Others wait
 * for sandbox-status: a person verified by Paxos or whose verification is not APPROVED, and institutions (§9). A
 * person with EDD documents pending stays PENDING until they are uploaded (§8.6), whatever its screening says.
 */
export class Approvals {
  private readonly due: { clientId: string; id: string; at: number }[] = [];

  constructor(
    private readonly behaviour: ApprovalBehaviour,
    private readonly simulator: PaxosSimulator,
    private readonly clock: Clock,
  ) {}

  /** Notes a new identity; `passthroughApproved` is true for a person whose passthrough verification is APPROVED. */
  created(clientId: string, id: string, type: string, passthroughApproved: boolean): void {
    if (this.behaviour === 'manual' || type !== 'PERSON' || !passthroughApproved) return;
    const delay = this.behaviour === 'auto' ? 0 : this.behaviour.autoApproveAfterMs;
    this.due.push({ clientId, id, at: this.clock.now().getTime() + delay });
  }

  /** Applies every approval whose time has come. */
  tick(): void {
    const now = this.clock.now().getTime();
    for (let i = this.due.length - 1; i >= 0; i--) {
      const entry = this.due[i];
      if (entry === undefined || entry.at > now) continue;
      this.due.splice(i, 1);
      const current = this.simulator.get(entry.clientId, entry.id).person;
      // A sandbox-status call that came first decides.
      if (current?.sanctionsVerificationStatus !== 'PENDING' || current.idVerificationStatus !== 'APPROVED') continue;
      this.simulator.setSandboxStatus(entry.clientId, entry.id, { sanctionsVerification: 'APPROVED' });
    }
  }
}

/** The identity endpoints of Paxos's v2 API that the emulator serves. */
export function identityRoutes(ctx: IdentityRouteContext): Route[] {
  const createIdentity = (request: RouteRequest): RouteResponse => {
    const body =
      request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body)
        ? liftPersonMetadata(request.body as WireObject)
        : request.body;
    const judgement = judgeCreate(body, ctx.judge, { typeOf: typeLookup(ctx, request.clientId) });
    ctx.record(judgement, request);
    // A body refused for what it says is a 400 at once; one refused only for the state it meets (a member that is
    // not a person of this client) first meets the uniqueness checks, as on the shared fake: a replay is a 409.
    if (judgement.issues.some((issue) => issue.stateful !== true)) return fail(invalidRequest(judgement.issues));
    try {
      if (judgement.issues.length > 0) ctx.simulator.checkUnique(request.clientId, draftFromWire(body as WireObject));
      if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
      const identity = ctx.simulator.create(request.clientId, draftFromWire(body as WireObject));
      ctx.approvals.created(
        request.clientId,
        identity.id,
        identity.type,
        identity.person?.verifierType === 'PASSTHROUGH' && identity.person.idVerificationStatus === 'APPROVED',
      );
      return json(200, writeIdentity(identity));
    } catch (error) {
      if (error instanceof IdentityAlreadyExistsError) return fail(alreadyExists(error.conflict, error.existingId));
      throw error;
    }
  };

  const getIdentity = (request: RouteRequest): RouteResponse => {
    const includeDetails = readFlag(request.query, 'include_details');
    if (typeof includeDetails !== 'boolean') return fail(includeDetails);
    const includeMembers = readFlag(request.query, 'include_institution_members');
    if (typeof includeMembers !== 'boolean') return fail(includeMembers);
    ctx.approvals.tick();
    const id = pathParam(request, 'id');
    try {
      const identity = ctx.simulator.get(request.clientId, id, {
        includeDetails,
        includeInstitutionMembers: includeMembers,
      });
      return json(200, writeIdentity(identity));
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(identityNotFound(id));
      throw error;
    }
  };

  const setSandboxStatus = (request: RouteRequest): RouteResponse => {
    const body = withoutEchoedId(request.body);
    const judgement = judgeSandboxStatus(body, ctx.judge);
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    ctx.approvals.tick();
    const id = pathParam(request, 'id');
    try {
      ctx.simulator.setSandboxStatus(request.clientId, id, sandboxChangeFromWire(body as WireObject));
      return json(200, {});
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(identityNotFound(id));
      throw error;
    }
  };

  return [
    {
      method: 'POST',
      path: '/v2/identity/identities',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'json',
      handle: createIdentity,
    },
    {
      method: 'GET',
      path: '/v2/identity/identities/{id}',
      scopes: [SCOPES.readIdentity],
      rateLimit: 'identity',
      body: 'none',
      handle: getIdentity,
    },
    {
      method: 'PUT',
      path: '/v2/identity/identities/{id}/sandbox-status',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'json',
      handle: setSandboxStatus,
    },
  ];
}
