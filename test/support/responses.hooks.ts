/**
 * Mocha root hooks: every 200 body any emulator answers during the run must validate against the response schema
 * of its operation in Paxos's vendored spec (identity-api.md §4; src/testing/emulator/response-judge.ts). The
 * emulator is the library's stand-in for Paxos: an answer Paxos's schema does not allow would teach the library's
 * tests something Paxos never says.
 */
import assert from 'node:assert/strict';
import { observeResponseJudgements } from '../../src/testing/emulator/response-judge.js';

let judged = 0;
const refused = new Set<string>();
let stop: (() => void) | undefined;

export const mochaHooks = {
  beforeAll(): void {
    stop ??= observeResponseJudgements((judgement) => {
      judged += 1;
      // Operation, paths and codes only: issues never carry values, and this list is printed.
      for (const issue of judgement.issues) refused.add(`${judgement.operationId}: ${issue.path} (${issue.code})`);
    });
  },
  afterAll(): void {
    stop?.();
    stop = undefined;
    assert.deepEqual([...refused], [], "the emulator answered bodies that Paxos's response schemas do not allow");
  },
};

/** How many emulator answers were judged so far in this run (for the suite that checks the hook works). */
export function responsesJudgedSoFar(): number {
  return judged;
}
