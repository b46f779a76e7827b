/**
 * The emulator's check of its own answers: every 200 body of a route that Paxos's spec describes, judged against that
 * operation's vendored response schema (paxos-schemas.json). The emulator stands in for Paxos only as far as its
 * answers are ones Paxos's schema allows; a test run observes these verdicts (test/support/responses.hooks.ts).
 */
import document from './paxos-schemas.json' with { type: 'json' };
import { validateAgainst, type SchemaName, type WireIssue } from './schemas.js';

/** The verdict on one answer: the operation and response schema it was judged by, and what broke the schema. */
export interface ResponseJudgement {
  readonly operationId: string;
  readonly schema: SchemaName;
  readonly issues: readonly WireIssue[];
}

/** Called with every response judgement of every emulator in this process. */
export type ResponseJudgementListener = (judgement: ResponseJudgement) => void;

interface Operation {
  readonly method?: string;
  readonly path?: string;
  readonly response?: string;
}

const OPERATIONS = document.operations as unknown as Readonly<Record<string, Operation>>;

/** `/v2/identity/identities/{id}/documents` and Paxos's `/identity/identities/{identity_id}/documents` alike. */
function shapeOf(path: string): string {
  return path.replace(/^\/v2(?=\/)/, '').replace(/\{[^}]*\}/g, '{}');
}

const BY_ROUTE = new Map<string, { operationId: string; schema: SchemaName }>();
for (const [operationId, op] of Object.entries(OPERATIONS)) {
  if (op.method === undefined || op.path === undefined || op.response === undefined) continue;
  BY_ROUTE.set(`${op.method.toUpperCase()} ${shapeOf(op.path)}`, { operationId, schema: op.response });
}

const listeners = new Set<ResponseJudgementListener>();

/** Calls `listener` with the verdict on every 200 answer of every emulator in this process, until the returned function is called. */
export function observeResponseJudgements(listener: ResponseJudgementListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The verdict on a 200 answer of the route `template` (the emulator's `/v2/…` path) by its operation's response
 * schema; undefined when Paxos's spec has no such operation. Strict: a field the schema does not list is an issue,
 * since an emulator inventing fields would teach clients to expect what Paxos never sends.
 */
export function checkResponse(method: string, template: string, body: unknown): ResponseJudgement | undefined {
  const target = BY_ROUTE.get(`${method} ${shapeOf(template)}`);
  if (target === undefined) return undefined;
  return { ...target, issues: validateAgainst(target.schema, body, true) };
}

/**
 * Judges a 200 answer (see {@link checkResponse}) and tells the observers. Nothing is judged while nobody observes,
 * so that a plain emulator pays nothing for it.
 */
export function judgeResponse(method: string, template: string | undefined, status: number, body: unknown): void {
  if (listeners.size === 0 || status !== 200 || template === undefined) return;
  const judgement = checkResponse(method, template, body);
  if (judgement === undefined) return;
  for (const listener of listeners) listener(judgement);
}
