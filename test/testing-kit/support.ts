/** A tiny PDF for document uploads: its header and one comment line. */
export const PDF = new TextEncoder().encode('%PDF-1.4\n%test\n');

/** Awaits `work` and hands back what it rejected with; fails if it resolved. */
export async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
