/**
 * Reads back everything Redis holds under a prefix, the way someone with access to the database (or a copy of it)
 * would: every key found by `SCAN MATCH prefix*`, its `DUMP`, and its content read per type.
 */
import type { Redis } from 'ioredis';

/** Each key under `prefix` with its DUMP (as latin1) and its content, as one text per key. */
export async function contentsUnder(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const parts: string[] = [key];
      // ioredis types DUMP as always a Buffer; a key that expired since the SCAN answers null.
      const dump = (await redis.dumpBuffer(key)) as Buffer | null;
      if (dump !== null) parts.push(dump.toString('latin1'));
      const type = await redis.type(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') parts.push(...(await redis.zrange(key, '0', '-1', 'WITHSCORES')));
      else if (type === 'set') parts.push(...(await redis.smembers(key)));
      else if (type === 'stream') {
        for (const [id, fields] of await redis.xrange(key, '-', '+')) parts.push(id, ...fields);
      } else if (type !== 'none') parts.push(`<unread type ${type}>`);
      out.set(key, parts.join('\n'));
    }
  } while (cursor !== '0');
  return out;
}

/**
 * Whether `text` holds `secret`. A secret of digits only (an SSN or a date of birth without separators) counts where it
 * stands as a number of its own: inside a longer run of digits it is another number. A millisecond timestamp such as
 * 1796195902130 holds the digits of a birth on 1959-02-13, and the queue writes one into several keys per job.
 */
function holds(text: string, secret: string): boolean {
  if (!/^\d+$/.test(secret)) return text.includes(secret);
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at + secret.length);
    if (!(before >= 48 && before <= 57) && !(after >= 48 && after <= 57)) return true;
  }
  return false;
}

/** The keys whose content holds one of `secrets`, each with the first secret found (for the failure message). */
export function keysHolding(contents: Map<string, string>, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [key, text] of contents) {
    const secret = secrets.find((s) => holds(text, s));
    if (secret !== undefined) found.push(`${key} holds ${secret}`);
  }
  return found;
}

/** A distinct date of birth per index, from 1950 on, every one a real past date. */
export function dateOfBirth(index: number): string {
  return new Date(Date.UTC(1950, 0, 1) + index * 37 * 86_400_000).toISOString().slice(0, 10);
}

/** What must never be readable of a person: the SSN with and without dashes, the date of birth in both forms. */
export function secretsOf(person: { readonly cipId: string; readonly dateOfBirth: string }): string[] {
  return [person.cipId, person.cipId.replace(/-/g, ''), person.dateOfBirth, person.dateOfBirth.replace(/-/g, '')];
}
