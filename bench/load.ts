/**
 * A real load generator against a server: autocannon, 16 connections, a POST of a fresh create body (unique SSN and
 * ref_id) on every request, in rounds of fixed length.
 */
import autocannon from 'autocannon';
import { wireBody } from './lib.js';

/** What one round served. */
export interface LoadRound {
  readonly rate: number;
  readonly non2xx: number;
}

/** `rounds` rounds of `seconds` each against `url`, after a one-second warm-up. */
export async function loadRounds(url: string, token: string, rounds: number, seconds: number): Promise<LoadRound[]> {
  const run = (duration: number) =>
    autocannon({
      url,
      connections: 16,
      duration,
      requests: [
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(wireBody()) }),
        },
      ],
    });
  await run(1);
  const out: LoadRound[] = [];
  for (let i = 0; i < rounds; i++) {
    const result = await run(seconds);
    out.push({ rate: result.requests.total / seconds, non2xx: result.non2xx + result.errors + result.timeouts });
  }
  return out;
}
