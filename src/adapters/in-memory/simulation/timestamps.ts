/**
 * Formats instants the way Paxos does (`2022-02-15T05:46:50.957068Z`, microseconds) and keeps them strictly
 * increasing, so that ordering by `createdAt` is stable even when many identities are made in one millisecond.
 */
export class MicrosecondTimestamps {
  private lastMicros = 0;
  // Many identities are made in the same millisecond: its ISO text is formatted once.
  private cachedMs = Number.NaN;
  private cachedIso = '';

  next(now: Date): string {
    let micros = now.getTime() * 1000;
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    const ms = Math.floor(micros / 1000);
    if (ms !== this.cachedMs) {
      this.cachedMs = ms;
      this.cachedIso = new Date(ms).toISOString().slice(0, 23);
    }
    return `${this.cachedIso}${String(micros % 1000).padStart(3, '0')}Z`;
  }
}
