/** Makes new unique ids (UUID v4 by default). */
export interface IdGenerator {
  next(): string;
}

/**
 * Random UUID v4 ids from the platform's Web Crypto (`globalThis.crypto`, no import): the default
 * {@link IdGenerator}, beside its port so that each adapter can default to it without importing another adapter.
 */
export const uuidGenerator: IdGenerator = { next: () => crypto.randomUUID() };
