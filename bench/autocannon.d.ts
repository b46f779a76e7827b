// autocannon ships no types: the part of its API the bench uses.
declare module 'autocannon' {
  interface Options {
    readonly url: string;
    readonly connections: number;
    readonly duration: number;
    readonly requests: readonly {
      readonly method: string;
      readonly headers: Record<string, string>;
      readonly setupRequest: (request: Record<string, unknown>) => Record<string, unknown>;
    }[];
  }
  interface Result {
    readonly requests: { readonly total: number };
    readonly non2xx: number;
    readonly errors: number;
    readonly timeouts: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
