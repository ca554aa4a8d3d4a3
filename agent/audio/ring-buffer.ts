/**
 * Keeps the last N samples of a stream (wyoming-satellite keeps such a buffer
 * to save the audio around a detection). Samples are addressed by their index
 * since the stream started.
 */
export class AudioRingBuffer {
  private readonly data: Int16Array;
  /** Index (since stream start) one past the newest sample. */
  private end = 0;

  /** @param capacity samples kept (e.g. 5 s × 16 000). */
  constructor(readonly capacity: number) {
    this.data = new Int16Array(capacity);
  }

  /** Samples written since the stream started. */
  get written(): number {
    return this.end;
  }

  write(samples: Int16Array): void {
    // Only the newest `capacity` samples of an oversized write can survive.
    const src = samples.length > this.capacity ? samples.subarray(samples.length - this.capacity) : samples;
    this.end += samples.length - src.length;
    let at = this.end % this.capacity;
    let offset = 0;
    while (offset < src.length) {
      const n = Math.min(src.length - offset, this.capacity - at);
      this.data.set(src.subarray(offset, offset + n), at);
      offset += n;
      at = (at + n) % this.capacity;
    }
    this.end += src.length;
  }

  /**
   * Copy of samples [from, to) by stream index, clipped to what is still held
   * (and to what has been written); `start` is the index of the first returned sample.
   */
  slice(from: number, to: number): { start: number; samples: Int16Array } {
    const start = Math.max(from, this.end - this.capacity, 0);
    const stop = Math.min(to, this.end);
    const out = new Int16Array(Math.max(0, stop - start));
    for (let i = 0; i < out.length; i++) out[i] = this.data[(start + i) % this.capacity]!;
    return { start, samples: out };
  }
}
