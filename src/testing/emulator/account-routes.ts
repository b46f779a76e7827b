import {
  AccountAlreadyExistsError,
  AccountMemberNotFoundError,
  AccountNotFoundError,
  IdentityNotFoundError,
  IdentityRejectedError,
  type Account,
  type AccountMember,
  type ListAccountsFilter,
  type Metadata,
} from '../../domain/index.js';
import type { PaxosSimulator } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import type { AccountDraft } from '../../adapters/in-memory/simulation/simulated-accounts.js';
import { addAccountMembersRules, createAccountRules, updateAccountRules } from './account-rules.js';
import type { Approvals } from './identity-routes.js';
import type { Judgement, JudgeOptions } from './judge.js';
import { identityNotFound, fail, invalidRequest, problem, wireViolations, type Problem } from './problems.js';
import { pathParam, type Route, type RouteRequest, type RouteResponse } from './router.js';
import { isWireObject, validateAgainst, validateQueryParameters, type WireIssue, type WireObject } from './schemas.js';
import { readTimeRanges } from './time-ranges.js';
import { fromWire, writeAs } from './wire.js';
import { schemaOf } from './schemas.js';

/** The account scopes (reference §1.1). */
const ACCOUNT_SCOPES = { read: 'identity:read_account', write: 'identity:write_account' } as const;
const ALREADY_EXISTS = 'https://developer.paxos.com/docs/v2/problems/already-exists';
/** Paxos documents no maximum for accounts; the emulator pages as it does identities (§12 #15). */
const MAX_LIMIT = 1000;

/** What the account routes work on. */
export interface AccountRouteContext {
  readonly simulator: PaxosSimulator;
  readonly approvals: Approvals;
  readonly judge: JudgeOptions;
  /** Every judgement, with the request it was made on. */
  readonly record: (judgement: Judgement, request: RouteRequest) => void;
}

const NOT_AN_OBJECT: WireIssue = { path: 'body', code: 'type', message: 'body: must be a JSON object' };

function merge(...lists: (readonly WireIssue[])[]): WireIssue[] {
  const seen = new Set<string>();
  return lists.flat().filter((issue) => !seen.has(issue.path) && Boolean(seen.add(issue.path)));
}

function judged(schema: string, body: unknown, strict: boolean, rules: (body: WireObject) => WireIssue[]): Judgement {
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  return { schema, issues: merge(validateAgainst(schema, body, strict), rules(body)) };
}

function accountNotFound(id: string): Problem {
  return /^[A-Za-z0-9._-]{1,64}$/.test(id)
    ? problem(404, `Account with id ${id} doesn't exist`)
    : problem(404, 'account not found');
}

function duplicateRefId(existingId: string): Problem {
  return {
    type: ALREADY_EXISTS,
    title: 'Already Exists',
    status: 409,
    detail: 'duplicate ref_id provided',
    meta: { existing: { id: existingId } },
  };
}

/** The simulator's refusals as Paxos's answers; anything else is the emulator's bug and becomes a 500. */
function refusal(error: unknown, identityId?: string): RouteResponse {
  if (error instanceof AccountNotFoundError) return fail(accountNotFound(error.accountId));
  if (error instanceof AccountMemberNotFoundError) return fail(problem(404, 'account member not found'));
  if (error instanceof AccountAlreadyExistsError) return fail(duplicateRefId(error.existingId));
  if (error instanceof IdentityNotFoundError) return fail(identityNotFound(identityId ?? error.identityId));
  if (error instanceof IdentityRejectedError) return fail(invalidRequest(wireViolations(error.violations)));
  throw error;
}

function membersFromWire(value: unknown): AccountMember[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isWireObject).map((m) => {
    const roles = Array.isArray(m['roles'])
      ? (m['roles'] as string[])
      : typeof m['type'] === 'string'
        ? [m['type']]
        : [];
    return { identityId: m['identity_id'] as string, roles };
  });
}

/** The account of an accepted body, in the simulator's camelCase. */
function accountFromWire(account: WireObject): WireObject {
  return fromWire(account, schemaOf('Account'), { wrap: false }) as WireObject;
}

function writeAccount(account: Account): WireObject {
  return writeAs('Account', account);
}

function readListQuery(query: URLSearchParams): ListAccountsFilter | WireIssue[] {
  const issues: WireIssue[] = [...validateQueryParameters('ListAccounts', query)];
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1)
      issues.push({ path: name, code: 'conflict', message: `${name}: must be given at most once` });
    return values[0];
  };
  const filter: ListAccountsFilter = {};
  const limit = single('limit');
  if (limit !== undefined) {
    if (!/^\d{1,10}$/.test(limit) || Number(limit) < 1)
      issues.push({ path: 'limit', code: 'range', message: 'limit: must be a positive integer' });
    else filter.limit = Math.min(Number(limit), MAX_LIMIT);
  }
  const order = single('order');
  if (order === 'ASC' || order === 'DESC') filter.order = order;
  const orderBy = single('order_by');
  if (orderBy !== undefined && orderBy !== 'CREATED_AT')
    issues.push({ path: 'order_by', code: 'enum', message: 'order_by: must be CREATED_AT' });
  const identityId = single('identity_id');
  if (identityId !== undefined && identityId !== '') filter.identityId = identityId;
  const cursor = single('page_cursor');
  if (cursor !== undefined && cursor !== '') filter.pageCursor = cursor;
  Object.assign(filter, readTimeRanges(single));
  return issues.length > 0 ? merge(issues) : filter;
}

/**
 * The Accounts and Account Members endpoints (§3 #16–21) on the shared simulator, each body judged by Paxos's schema
 * and account-rules.ts before the simulator sees it.
 */
export function accountRoutes(ctx: AccountRouteContext): Route[] {
  const accounts = (clientId: string) => ctx.simulator.accounts(clientId);

  const createAccount = (request: RouteRequest): RouteResponse => {
    const judgement = judged('CreateAccountRequest', request.body, ctx.judge.strict, (body) =>
      createAccountRules(body, ctx.judge.strict),
    );
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const body = request.body as WireObject;
    const account = accountFromWire(body['account'] as WireObject);
    const members = membersFromWire((body['account'] as WireObject)['members']);
    const draft: AccountDraft = {
      identityId: account['identityId'] as string,
      ...(typeof account['description'] === 'string' && { description: account['description'] }),
      ...(typeof account['refId'] === 'string' && account['refId'] !== '' && { refId: account['refId'] }),
      ...(isWireObject(account['metadata']) && { metadata: { ...(account['metadata'] as Metadata) } }),
      ...(members !== undefined && { members }),
      ...(typeof account['type'] === 'string' && { type: account['type'] }),
      createProfile: body['create_profile'] === true,
    };
    ctx.approvals.tick();
    try {
      return { status: 200, body: writeAccount(accounts(request.clientId).create(draft)) };
    } catch (error) {
      return refusal(error, draft.identityId);
    }
  };

  const getAccount = (request: RouteRequest): RouteResponse => {
    ctx.approvals.tick();
    try {
      return { status: 200, body: writeAccount(accounts(request.clientId).get(pathParam(request, 'id'))) };
    } catch (error) {
      return refusal(error);
    }
  };

  const listAccounts = (request: RouteRequest): RouteResponse => {
    const filter = readListQuery(request.query);
    if (Array.isArray(filter)) return fail(invalidRequest(filter));
    ctx.approvals.tick();
    try {
      const page = accounts(request.clientId).listPage(filter);
      // Paxos sends an empty cursor on the last page.
      return {
        status: 200,
        body: { items: page.items.map(writeAccount), next_page_cursor: page.nextPageCursor ?? '' },
      };
    } catch (error) {
      return refusal(error);
    }
  };

  const updateAccount = (request: RouteRequest): RouteResponse => {
    const body = request.body;
    const account = isWireObject(body) && isWireObject(body['account']) ? body['account'] : undefined;
    const id = typeof account?.['id'] === 'string' ? account['id'] : undefined;
    let current: Account | undefined;
    if (id !== undefined) {
      ctx.approvals.tick();
      try {
        current = accounts(request.clientId).get(id);
      } catch (error) {
        if (!(error instanceof AccountNotFoundError)) throw error;
      }
    }
    const judgement = judged('UpdateAccountRequest', body, ctx.judge.strict, (b) =>
      updateAccountRules(b, current === undefined ? undefined : writeAccount(current), ctx.judge.strict),
    );
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    if (id === undefined || current === undefined || account === undefined) return fail(accountNotFound(id ?? ''));
    const read = accountFromWire(account);
    const members = membersFromWire(account['members']);
    const setUserDisabled = (body as WireObject)['set_user_disabled'];
    try {
      const updated = accounts(request.clientId).update(id, {
        ...(typeof read['description'] === 'string' && { description: read['description'] }),
        ...(typeof read['refId'] === 'string' && { refId: read['refId'] }),
        ...(isWireObject(read['metadata']) && { metadata: { ...(read['metadata'] as Metadata) } }),
        ...(members !== undefined && { members }),
        ...(typeof setUserDisabled === 'boolean' && { setUserDisabled }),
      });
      return { status: 200, body: writeAccount(updated) };
    } catch (error) {
      return refusal(error);
    }
  };

  const addMembers = (request: RouteRequest): RouteResponse => {
    const judgement = judged('AddAccountMembersRequest', request.body, ctx.judge.strict, addAccountMembersRules);
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const body = request.body as WireObject;
    const accountId = body['account_id'] as string;
    ctx.approvals.tick();
    try {
      const added = accounts(request.clientId).addMembers(accountId, membersFromWire(body['members']) ?? []);
      return { status: 200, body: writeAs('AddAccountMembersResponse', added) };
    } catch (error) {
      return refusal(error);
    }
  };

  const removeMember = (request: RouteRequest): RouteResponse => {
    ctx.approvals.tick();
    try {
      accounts(request.clientId).removeMember(pathParam(request, 'id'));
      return { status: 200, body: {} };
    } catch (error) {
      return refusal(error);
    }
  };

  const read = [ACCOUNT_SCOPES.read];
  const write = [ACCOUNT_SCOPES.write];
  return [
    {
      method: 'POST',
      path: '/v2/identity/accounts',
      scopes: write,
      rateLimit: 'identity',
      body: 'json',
      handle: createAccount,
    },
    {
      method: 'PUT',
      path: '/v2/identity/accounts',
      scopes: write,
      rateLimit: 'identity',
      body: 'json',
      handle: updateAccount,
    },
    {
      method: 'GET',
      path: '/v2/identity/accounts',
      scopes: read,
      rateLimit: 'identity',
      body: 'none',
      handle: listAccounts,
    },
    {
      method: 'GET',
      path: '/v2/identity/accounts/{id}',
      scopes: read,
      rateLimit: 'identity',
      body: 'none',
      handle: getAccount,
    },
    {
      method: 'POST',
      path: '/v2/identity/account-members',
      scopes: write,
      rateLimit: 'identity',
      body: 'json',
      handle: addMembers,
    },
    {
      method: 'DELETE',
      path: '/v2/identity/account-members/{id}',
      scopes: write,
      rateLimit: 'identity',
      body: 'none',
      handle: removeMember,
    },
  ];
}
