import { expect } from 'chai';
import type { NewIdentity, ViolationCode } from '../../../src/index.js';
import { accept, NOW } from '../../support/domain.js';

/** `path code` pairs of an outcome's warnings. */
export function warningPairs(outcome: { readonly warnings: NewIdentity['warnings'] }): string[] {
  return outcome.warnings.map((w) => `${w.path} ${w.code}`);
}

/**
 * Asserts that the command is accepted and that its outcome warns at `path` with `code`, with a message that names
 * the field. Returns the accepted identity.
 */
export function expectWarning(command: unknown, path: string, code: ViolationCode, now: Date = NOW): NewIdentity {
  const identity = accept(command, now);
  expect(warningPairs(identity)).to.include(`${path} ${code}`);
  const warning = identity.warnings.find((w) => w.path === path && w.code === code);
  expect(warning?.message.startsWith(`${path || 'command'}: `), 'the message names the field').to.equal(true);
  return identity;
}
