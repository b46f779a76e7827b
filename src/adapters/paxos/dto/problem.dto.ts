import { WireNumber, WireObject, WireString } from './wire.js';

/** RFC 7807 `Problem`, Paxos's error body (`application/json` or `application/problem+json`). */
export class ProblemDto {
  @WireString() type?: string;
  @WireString() title?: string;
  @WireNumber() status?: number;
  @WireString() detail?: string;
  @WireObject() meta?: Record<string, unknown>;
}
