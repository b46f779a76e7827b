import type { Binding, Dependency } from './bindings.js';

/** A token of TOKENS, which carries the type of what it is bound to. */
type Token<T> = symbol & { readonly __type?: T };

/**
 * The part of a container createIdentityService needs (load, rebind to a constant, get), over the binding table of
 * bindings.ts, without inversify: every binding a singleton, later bindings of a token replacing earlier ones.
 */
export class Wiring {
  readonly #bindings = new Map<symbol, Binding>();
  readonly #made = new Map<symbol, unknown>();

  /** Adds bindings; a token bound again is replaced, as a later module's binding would be rebound. */
  load(...lists: readonly (readonly Binding[])[]): void {
    for (const list of lists) for (const binding of list) this.#bindings.set(binding.token, binding);
  }

  /** Binds `token` to a constant, in place of what it was bound to. */
  rebind<T>(token: Token<T>): { toConstantValue(value: T): void } {
    return {
      toConstantValue: (value: T) => {
        this.#bindings.set(token, { token, value });
      },
    };
  }

  /** The value bound to `token`, made (with its dependencies) on first request. */
  get<T>(token: Token<T>): T {
    return this.#resolve(token, new Set()) as T;
  }

  #resolve(token: symbol, resolving: Set<symbol>): unknown {
    if (this.#made.has(token)) return this.#made.get(token);
    const binding = this.#bindings.get(token);
    if (binding === undefined) throw new Error(`No binding for ${token.description ?? 'a token'}`);
    if ('value' in binding) return binding.value;
    if (resolving.has(token)) throw new Error(`Circular dependency on ${token.description ?? 'a token'}`);
    resolving.add(token);
    const values = binding.dependencies.map((dependency: Dependency) =>
      typeof dependency === 'symbol'
        ? this.#resolve(dependency, resolving)
        : this.#bindings.has(dependency.serviceIdentifier)
          ? this.#resolve(dependency.serviceIdentifier, resolving)
          : undefined,
    );
    resolving.delete(token);
    const made = (binding.create as (...values: unknown[]) => unknown)(...values);
    this.#made.set(token, made);
    return made;
  }
}
