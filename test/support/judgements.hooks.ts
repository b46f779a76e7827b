/**
 * Mocha root hooks: every request body the library's Paxos adapter sends to any emulator during the run (it sends a
 * `paxos-identity/…` User-Agent) must pass the emulator's judgement by Paxos's schemas and documented rules. A body
 * the library sends and Paxos would refuse is a library bug the contract suite alone would not show.
 */
import assert from 'node:assert/strict';
import { observeJudgements } from '../../src/testing/emulator/judge.js';

const LIBRARY_AGENT = /^paxos-identity\//;

let judged = 0;
const refused: string[] = [];
let stop: (() => void) | undefined;

export const mochaHooks = {
  beforeAll(): void {
    stop ??= observeJudgements((judgement) => {
      if (judgement.userAgent === undefined || !LIBRARY_AGENT.test(judgement.userAgent)) return;
      judged += 1;
      // Refusals for the state a body meets (an unknown member id) are the server's to make; tests provoke them.
      const issues = judgement.issues.filter((i) => i.stateful !== true);
      // Paths and codes only: the issues never carry values, and this list is printed.
      if (issues.length > 0)
        refused.push(`${judgement.schema}: ${issues.map((i) => `${i.path} (${i.code})`).join(', ')}`);
    });
  },
  afterAll(): void {
    stop?.();
    stop = undefined;
    assert.deepEqual(refused, [], 'the library sent bodies that Paxos would refuse');
  },
};

/** How many library bodies were judged so far in this run (for the suite that checks the hook works). */
export function judgedSoFar(): number {
  return judged;
}
