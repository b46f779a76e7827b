/**
 * Building an `IdentityService` by hand from its use cases, for suites that leave a gateway out or share one simulator
 * between gateways; and reading a paged listing to the end.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateIdentity,
  IdentityService,
  ImportIdentities,
  ListIdentities,
  UpdateIdentity,
  type IdentityUseCases,
} from '../../src/container.js';
import type { Clock, IdentityGateway, IdGenerator } from '../../src/index.js';

/** The use cases beyond the identity core: the ones a hand-built service chooses to have or to leave out. */
export type OptionalUseCases = Omit<IdentityUseCases, 'create' | 'list' | 'update' | 'importIdentities'>;

/**
 * An `IdentityService` whose create, list, update and import run over `identities`, with `rest` as its other use
 * cases: leave one out to see how the service answers without it.
 *
 * @example
 * ```ts
 * const service = identityServiceOver(identities, { lifecycle: new IdentityLifecycle(identities, {}) });
 * ```
 */
export function identityServiceOver(
  identities: IdentityGateway,
  rest: OptionalUseCases,
  { ids = { next: () => randomUUID() }, clock = { now: () => new Date() } }: { ids?: IdGenerator; clock?: Clock } = {},
): IdentityService {
  const create = new CreateIdentity(identities, ids, clock);
  return new IdentityService(identities, {
    create,
    list: new ListIdentities(identities),
    update: new UpdateIdentity(identities, clock),
    importIdentities: new ImportIdentities(create),
    ...rest,
  });
}

/** Every item of `items`, in order: a listing read through all its pages. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
