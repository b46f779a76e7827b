import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../src/ports/index.js';

/**
 * An id source for the emulator that keeps every id it hands out, in order: how a case counts the identities the
 * emulator made, the ones no call returned (orphans) and the ones made twice included.
 */
export function recordingIds(): { readonly ids: IdGenerator; readonly issued: string[] } {
  const issued: string[] = [];
  return {
    ids: {
      next: () => {
        const id = randomUUID();
        issued.push(id);
        return id;
      },
    },
    issued,
  };
}
