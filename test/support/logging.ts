/** A logger that keeps what it is told, for tests that check what the library says and what it never says. */
import type { LogFields, Logger } from '../../src/index.js';

/** One call of a {@link recordingLogger}. */
export interface LogLine {
  /** `performance.now()` when it was logged, to place the line in a timeline of the test. */
  readonly at: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A {@link Logger} that records every line, at every level, in `lines`, in order. */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ at: performance.now(), level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
