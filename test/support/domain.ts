import { expect } from 'chai';
import {
  IdentityValidationError,
  NewIdentity,
  type CreateIdentityCommand,
  type InstitutionMemberInput,
  type Violation,
  type ViolationCode,
} from '../../src/index.js';
import { anInstitution } from './builders.js';

/** The fixed "now" of domain tests, so that "not in the future" rules never depend on the day the suite runs. */
export const NOW = new Date('2026-03-15T12:00:00Z');

/** Creates the domain identity at {@link NOW}; a rejection fails the test with the violations listed. */
export function accept(command: unknown, now: Date = NOW): NewIdentity {
  try {
    return NewIdentity.create(command, { now });
  } catch (error) {
    if (error instanceof IdentityValidationError) {
      expect.fail(`expected the command to be accepted, got ${JSON.stringify(error.violations, null, 1)}`);
    }
    throw error;
  }
}

/** The violations {@link NewIdentity.create} reports; fails the test when it accepts or throws anything else. */
export function violationsOf(command: unknown, now: Date = NOW): readonly Violation[] {
  let error: unknown;
  try {
    NewIdentity.create(command, { now });
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) expect.fail('expected the command to be rejected');
  expect(error).to.be.instanceOf(IdentityValidationError);
  return (error as IdentityValidationError).violations;
}

/** `path code` pairs, the shape assertions compare. */
export function pairs(violations: readonly Violation[]): string[] {
  return violations.map((x) => `${x.path} ${x.code}`);
}

/** Asserts the command is rejected with exactly these violations (order ignored). */
export function expectViolations(
  command: unknown,
  expected: ReadonlyArray<readonly [string, ViolationCode]>,
  now: Date = NOW,
): readonly Violation[] {
  const violations = violationsOf(command, now);
  expect(pairs(violations)).to.have.members(expected.map(([path, code]) => `${path} ${code}`));
  return violations;
}

/** Asserts the command is rejected with exactly one violation, at `path` with `code`. */
export function expectViolation(command: unknown, path: string, code: ViolationCode, now: Date = NOW): Violation {
  const [violation] = expectViolations(command, [[path, code]], now);
  expect(violation!.message).to.match(new RegExp(`^${escape(path || 'command')}: `), 'the message names the field');
  return violation!;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An institution command whose single member holds `roles` (for the role grid and trust tests). */
export function anInstitutionWithRoles(
  roles: InstitutionMemberInput['roles'],
  changes: Parameters<typeof anInstitution>[1] = {},
): CreateIdentityCommand {
  return { ...anInstitution(['member-1'], changes), institutionMembers: [{ identityId: 'member-1', roles }] };
}

/** A valid TRUST command (sub-type INVESTMENT, a TRUSTEE member). */
export function aTrust(changes: Parameters<typeof anInstitution>[1] = {}): CreateIdentityCommand {
  return anInstitutionWithRoles(['TRUSTEE'], {
    institutionType: 'TRUST',
    institutionSubType: 'INVESTMENT',
    ...changes,
  });
}

/** A copy of `value` with the key at `path` (dotted, `[i]` for indexes) set to `replacement`, or removed for `REMOVE`. */
export const REMOVE = Symbol('remove');
export function setAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const container: Record<string | number, unknown> | unknown[] = Array.isArray(value)
    ? [...(value as unknown[])]
    : value !== null && typeof value === 'object'
      ? { ...(value as Record<string, unknown>) }
      : {};
  const record = container as Record<string | number, unknown>;
  const next = setAt(record[head], rest, replacement);
  if (next === REMOVE) Reflect.deleteProperty(record, head);
  else record[head] = next;
  return container;
}
