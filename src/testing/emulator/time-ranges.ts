import type { TimeRange } from '../../domain/index.js';

const RANGE_BOUNDS = ['lt', 'lte', 'eq', 'gte', 'gt'] as const;

/**
 * The `created_at.<bound>` and `updated_at.<bound>` query parameters of a list route, as the filter's `createdAt` and
 * `updatedAt`; a range none of whose bounds is given is left out.
 */
export function readTimeRanges(single: (name: string) => string | undefined): {
  createdAt?: TimeRange;
  updatedAt?: TimeRange;
} {
  const ranges: { createdAt?: TimeRange; updatedAt?: TimeRange } = {};
  for (const [name, field] of [
    ['created_at', 'createdAt'],
    ['updated_at', 'updatedAt'],
  ] as const) {
    const range: TimeRange = {};
    for (const bound of RANGE_BOUNDS) {
      const value = single(`${name}.${bound}`);
      if (value !== undefined) range[bound] = value;
    }
    if (Object.keys(range).length > 0) ranges[field] = range;
  }
  return ranges;
}
