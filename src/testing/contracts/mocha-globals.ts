/** A mocha-compatible `describe`. */
export type SuiteFunction = (title: string, body: () => void) => unknown;
/** A mocha-compatible `it`. */
export type CaseFunction = (title: string, body: () => Promise<void>) => unknown;

/** The test runner's global `describe` or `it`; the library build has no test-runner types, so it is looked up. */
export function runnerGlobal(suite: string, name: 'describe'): SuiteFunction;
export function runnerGlobal(suite: string, name: 'it'): CaseFunction;
export function runnerGlobal(suite: string, name: 'describe' | 'it'): SuiteFunction | CaseFunction {
  const value = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== 'function')
    throw new TypeError(`${suite}: no global ${name}; run it under mocha or pass { describe, it }`);
  return value as SuiteFunction | CaseFunction;
}
