/**
 * Memory per stored identity in the in-memory fake, measured alone in a process run with --expose-gc:
 * `memory ours` stores 100,000 identities through the service; `memory naive` keeps each command's deep copy with an
 * id in a Map (the bench's naive fake, which validates nothing); `memory json` keeps the same number of parsed Paxos
 * identity responses in a Map.
 */
const N = Number(process.argv[3] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const { command, wireBody } = await import('./lib.js');
const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
};
const mode = process.argv[2];
let keep: unknown;
if (mode === 'ours') {
  const { createIdentityService } = await import('../dist/index.js');
  const service = createIdentityService({ adapter: 'in-memory' });
  // Warm the code paths first, so that compiled code is not counted as data.
  const warm = createIdentityService({ adapter: 'in-memory' });
  for (let i = 0; i < 2000; i++) await warm.createIdentity(command() as never);
  const before = await settle();
  // Each command is made inside the loop: only what the fake keeps of it survives the collection.
  for (let i = 0; i < N; i++) await service.createIdentity(command() as never);
  const after = await settle();
  keep = service;
  console.log(JSON.stringify({ bytesPerIdentity: (after - before) / N }));
} else if (mode === 'naive') {
  const before = await settle();
  const map = new Map<string, unknown>();
  for (let i = 0; i < N; i++) {
    const copy = { ...structuredClone(command()), id: crypto.randomUUID() };
    map.set(copy.id, copy);
  }
  const after = await settle();
  keep = map;
  console.log(JSON.stringify({ bytesPerIdentity: (after - before) / N }));
} else {
  // Only the sample's text comes from the package, through the emulator's writer, which no public entry exports: it
  // and the service that makes the sample are tsc's unbundled output, one module graph (see bench/run.ts).
  const { createIdentityService } = await import('../.tmp/build/index.js');
  const { writeIdentity } = await import('../.tmp/build/testing/emulator/index.js');
  const sample = await createIdentityService({ adapter: 'in-memory' }).createIdentity(command() as never);
  const text = JSON.stringify(writeIdentity(sample));
  const before = await settle();
  const map = new Map<string, unknown>();
  for (let i = 0; i < N; i++) {
    const wire = wireBody();
    map.set(`${i}`, { ...JSON.parse(text), id: `${i}`, ref_id: wire.ref_id });
  }
  const after = await settle();
  keep = map;
  console.log(JSON.stringify({ bytesPerIdentity: (after - before) / N }));
}
// eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator -- a read of keep, so that what it holds stays referenced to the end of the run
void keep;
