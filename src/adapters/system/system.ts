import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '../../ports/index.js';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Random UUID v4 ids from `node:crypto`. */
export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
