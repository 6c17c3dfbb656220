/** Message timestamps and object IDs, increasing for the fake's whole life (resets included). */
export class SlackIds {
  private lastTsMicros = 0;
  private sequence = 0;

  /** Strictly increasing `seconds.micros` timestamps, as unique as Slack's. */
  nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    const micros = this.lastTsMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  /** A fresh number, zero-padded to `width`, for a file, view or response URL ID. */
  nextId(width: number): string {
    this.sequence += 1;
    return String(this.sequence).padStart(width, '0');
  }
}
