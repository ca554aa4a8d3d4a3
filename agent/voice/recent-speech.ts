/**
 * The highest Silero speech probability over the last `windowMs` of a stream.
 * Used as openWakeWord's VAD gate (its `vad_threshold` option): a wake word
 * detection counts only when speech was heard just before it, which removes
 * false accepts on noise and music without speech.
 */
export class RecentSpeech {
  private readonly entries: Array<{ end: number; probability: number }> = [];
  private readonly window: number;

  /** @param windowMs how far back to look, ms of audio; `rate` in Hz. */
  constructor(windowMs: number, rate = 16_000) {
    this.window = Math.round((windowMs * rate) / 1000);
  }

  /** Record a VAD chunk ending at sample `end` (stream index). */
  push(end: number, probability: number): void {
    this.entries.push({ end, probability });
    while (this.entries.length && this.entries[0]!.end <= end - this.window) this.entries.shift();
  }

  /** Highest probability among chunks ending within the window before `at` (a sample index); 0 when none. */
  maxBefore(at: number): number {
    let max = 0;
    for (const e of this.entries) if (e.end > at - this.window && e.end <= at && e.probability > max) max = e.probability;
    return max;
  }
}
