/** Loads the entries with bullmq and ioredis made unloadable (see without-bullmq.ts) and prints what it saw. */
const redis = await import('../../../src/redis.js');
const root = await import('../../../src/index.js');
let bullmqLoadable = true;
try {
  await import('bullmq');
} catch {
  bullmqLoadable = false;
}
const batch = redis.redisBatch({ connection: {} as never, namespace: 'unused', name: 'unused' });
const error = await batch.status().then(
  () => undefined,
  (e: unknown) => e as { code?: string; field?: string },
);
process.stdout.write(
  `${JSON.stringify({
    entries: [typeof root.createIdentityService, typeof redis.redisCoordination, typeof redis.redisBatch],
    bullmqLoadable,
    error: { code: error?.code, field: error?.field },
  })}\n`,
);
