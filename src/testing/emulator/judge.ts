/**
 * The emulator's verdict on a request body: Paxos's schema (schemas.ts) and the rules Paxos documents beyond it
 * (rules.ts), every refused field listed once by its wire path. Imports nothing of the library's domain.
 */
import { addMembersRules, createRules, updateRules, type RuleContext } from './rules.js';
import { isWireObject, validateAgainst, type SchemaName, type WireIssue, type WireObject } from './schemas.js';

/** One judged request: the body's schema name, whether it passed, and the issues found. */
export interface Judgement {
  readonly schema: SchemaName;
  readonly issues: readonly WireIssue[];
}

/** A judgement with the `User-Agent` of the request it was made on. */
export interface RecordedJudgement extends Judgement {
  readonly userAgent: string | undefined;
}

/** Called with every judgement, for tests that check what a client sent (see `PaxosEmulatorOptions.onJudgement`). */
export type JudgementListener = (judgement: RecordedJudgement) => void;

const listeners = new Set<JudgementListener>();

/**
 * Calls `listener` with every judgement of every emulator in this process, until the returned function is called.
 * For a test run that checks every body the library sent (test/support/judgements.hooks.ts).
 */
export function observeJudgements(listener: JudgementListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the process-wide observers about a judgement. */
export function announce(judgement: Judgement, userAgent: string | undefined): void {
  for (const listener of listeners) listener({ ...judgement, userAgent });
}

/** The options every judgement takes. */
export interface JudgeOptions {
  /** True (the default): a field Paxos's schema does not list is refused. */
  readonly strict: boolean;
}

function merge(...lists: (readonly WireIssue[])[]): WireIssue[] {
  // A valid body (nearly every one) has no issue in any list: nothing to de-duplicate.
  if (lists.every(isEmpty)) return [];
  const seen = new Set<string>();
  const out: WireIssue[] = [];
  for (const issue of lists.flat()) {
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    out.push(issue);
  }
  return out;
}

function isEmpty(list: readonly WireIssue[]): boolean {
  return list.length === 0;
}

const NOT_AN_OBJECT: WireIssue = { path: 'body', code: 'type', message: 'body: must be a JSON object' };

/** A body without the identity id Paxos's own update and sandbox-status examples repeat in it (the path decides). */
export function withoutEchoedId(body: unknown): unknown {
  if (!isWireObject(body) || body['id'] === undefined) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'id'));
}

/** Judges a `CreateIdentityRequest` (metadata inside person_details already lifted to the top). */
export function judgeCreate(body: unknown, options: JudgeOptions, ctx: RuleContext): Judgement {
  const schema = 'CreateIdentityRequest';
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  return { schema, issues: merge(validateAgainst(schema, body, options.strict), createRules(body, ctx)) };
}

/**
 * An update body with every `address2: ""` left out, for the schema check only: the schema's pattern refuses an empty
 * string, but its own description of `address2` (and §3.4) says an update clears the line by sending "". The
 * description is the documented behaviour the pattern cannot express, so it wins.
 */
function withoutClearedAddress2(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClearedAddress2);
  if (!isWireObject(value)) return value;
  const out: WireObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'address2' && item === '') continue;
    out[key] = withoutClearedAddress2(item);
  }
  return out;
}

/** Judges an `IdentityPublicUpdateIdentityBody` against the identity of `type` as it will be (`merged`). */
export function judgeUpdate(body: unknown, merged: WireObject, type: string, options: JudgeOptions): Judgement {
  const schema = 'IdentityPublicUpdateIdentityBody';
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  const checked = validateAgainst(schema, withoutClearedAddress2(body), options.strict);
  return { schema, issues: merge(checked, updateRules(body, merged, type)) };
}

/** Judges an `IdentitySandboxSandboxSetIdentityStatusBody`. */
export function judgeSandboxStatus(body: unknown, options: JudgeOptions): Judgement {
  const schema = 'IdentitySandboxSandboxSetIdentityStatusBody';
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  return { schema, issues: validateAgainst(schema, body, options.strict) };
}

/** Judges an `AddInstitutionMembersRequest` for an institution of `institutionType`. */
export function judgeAddMembers(
  body: unknown,
  institutionType: string | undefined,
  options: JudgeOptions,
  ctx: RuleContext,
): Judgement {
  const schema = 'AddInstitutionMembersRequest';
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  return {
    schema,
    issues: merge(validateAgainst(schema, body, options.strict), addMembersRules(body, institutionType, ctx)),
  };
}

/** Judges an `IdentityPublicDocumentUploadBody`. */
export function judgeDocumentUpload(body: unknown, options: JudgeOptions): Judgement {
  const schema = 'IdentityPublicDocumentUploadBody';
  if (!isWireObject(body)) return { schema, issues: [NOT_AN_OBJECT] };
  return { schema, issues: validateAgainst(schema, body, options.strict) };
}
