import type { CallOptions, ResponseMetadata } from '../ports/index.js';

/** A call's result together with what the server answered to it. */
export interface WithResponse<T> {
  readonly data: T;
  /** The metadata of the call's last successful answer; `undefined` only when the call sent nothing. */
  readonly response: ResponseMetadata | undefined;
}

/**
 * Runs one service call with an `onResponse` sink and hands back its result with the response metadata (status,
 * request id, headers, attempts), as openai-node's `withResponse()` does. The metadata crosses the ports through the
 * per-call options, so it works against the Paxos adapter and the in-memory fake alike; a call that sends two
 * requests (an update reads, then writes) reports the last. A caller's own `onResponse` in `options` still hears
 * every answer.
 *
 * @example
 * ```ts
 * const { data: identity, response } = await withResponse((opts) => service.createIdentity(command, opts));
 * console.log(identity.id, response?.requestId);
 * ```
 */
export async function withResponse<T, O extends CallOptions = CallOptions>(
  call: (options: O) => Promise<T>,
  options?: O,
): Promise<WithResponse<T>> {
  let response: ResponseMetadata | undefined;
  const own = options?.onResponse;
  const data = await call({
    ...options,
    onResponse: (answer: ResponseMetadata) => {
      response = answer;
      own?.(answer);
    },
  } as O);
  return { data, response };
}
