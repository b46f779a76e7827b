/** Makes new unique ids (UUID v4 by default). */
export interface IdGenerator {
  next(): string;
}
