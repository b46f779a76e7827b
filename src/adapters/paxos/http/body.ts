import { decodeJsonText, ProblemDto } from '../dto/index.js';
import type { ProblemFields } from '../errors.js';

/** What a capped read of a body gives: the text, or the fact that it was longer than allowed (and was cut off). */
export type CappedBody =
  { readonly text: string; readonly oversized: false } | { readonly text: ''; readonly oversized: true };

/** Thrown by {@link readCappedBody} when its `timeoutMs` passes before the body has ended. */
export class BodyTimeoutError extends Error {
  constructor() {
    super('the response body did not end in time');
    this.name = 'BodyTimeoutError';
  }
}

/**
 * Reads a response body counting bytes as they arrive, and cancels the stream as soon as it passes `maxBytes`: a
 * hostile or broken server cannot make the client buffer an unbounded body. A `content-length` above the cap is
 * refused before a byte is read. The read ends with the signal's reason when `signal` aborts, and with a
 * {@link BodyTimeoutError} when `timeoutMs` passes first; either way the stream is cancelled.
 */
export async function readCappedBody(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<CappedBody> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const body = response.body;
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body?.cancel().catch(() => undefined);
    return { text: '', oversized: true };
  }
  if (body === null) return { text: '', oversized: false };
  signal?.throwIfAborted();
  if (timeoutMs !== undefined && timeoutMs <= 0) {
    await body.cancel().catch(() => undefined);
    throw new BodyTimeoutError();
  }
  const reader = body.getReader();
  // A read pending on a stalled body is not always woken by the fetch's own abort: the reader is cancelled as well,
  // so that the deadline ends the read whatever state the connection is in.
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // Set by the timer: an object, since the read loop must see a write made from another turn.
  const cut = { timedOut: false };
  // A plain timer rather than a signal: most bodies have arrived with their headers, and a timer is the cheapest
  // guard there is for the few that stall.
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          cut.timedOut = true;
          reader.cancel().catch(() => undefined);
        }, timeoutMs);
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      let chunk: { readonly done: boolean; readonly value?: unknown };
      try {
        chunk = await reader.read();
      } catch (error) {
        if (cut.timedOut) throw new BodyTimeoutError();
        throw error;
      }
      signal?.throwIfAborted();
      // A cancelled reader ends as if the body had: the text so far is not the body.
      if (cut.timedOut) throw new BodyTimeoutError();
      if (chunk.done) break;
      const value = chunk.value;
      if (!(value instanceof Uint8Array))
        throw new TypeError('response body stream yielded something other than bytes');
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { text: '', oversized: true };
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return { text: text + decoder.decode(), oversized: false };
}

const JSON_CONTENT = /\bjson\b/i;

/** Whether the content type says JSON: Paxos's identity routes send application/json, others application/problem+json. */
export function isJsonContent(headers: Headers): boolean {
  return JSON_CONTENT.test(headers.get('content-type') ?? '');
}

/** The media type of an answer, safe to name in an error (`text/html`), or `none`. */
export function mediaTypeOf(headers: Headers): string {
  return /^[\w.+-]{1,64}\/[\w.+-]{1,64}/.exec((headers.get('content-type') ?? '').trim())?.[0] ?? 'none';
}

/** The Problem fields of an error answer, when its body is a JSON Problem; anything else reads as none. */
export function problemOf(headers: Headers, text: string): ProblemFields | undefined {
  if (text === '' || !isJsonContent(headers)) return undefined;
  return decodeJsonText(ProblemDto, text);
}
