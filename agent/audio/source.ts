/**
 * The audio contract: an `AudioSource` yields 16 kHz mono int16 frames of
 * exactly 1280 samples (80 ms), the unit openWakeWord works in. Every backend
 * (file, stdin, microphone) reports failures as `AudioSourceError` naming the
 * source.
 */

/** Sample rate of every frame, Hz. */
export const SAMPLE_RATE = 16_000;
/** Samples per frame (80 ms at 16 kHz). */
export const FRAME_SAMPLES = 1280;
/** Frame duration, ms. */
export const FRAME_MS = (FRAME_SAMPLES * 1000) / SAMPLE_RATE;

/** 1280-sample int16 frames, 16 kHz mono. The last frame of a finite source is zero-padded. */
export type AudioSource = AsyncIterable<Int16Array>;

/** A named source with the area (room) it listens in. */
export interface NamedSource {
  /** Unique name: the microphone's name, or the file path. */
  name: string;
  area?: string;
  frames: AudioSource;
}

/** An audio source failed (missing device, recorder exit, corrupt file, bad format); `source` names it. */
export class AudioSourceError extends Error {
  constructor(readonly source: string, message: string, options?: { cause?: unknown }) {
    super(`audio source ${source}: ${message}`, options);
    this.name = "AudioSourceError";
  }
}

/**
 * Re-cut a stream of byte chunks (s16le) into 1280-sample frames. Bytes split
 * across chunk boundaries are carried over; the final partial frame is
 * zero-padded. Throws when the stream ends inside a sample (odd byte count),
 * which means the data is not 16-bit PCM.
 */
export async function* framesFromBytes(source: string, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Int16Array> {
  const frameBytes = FRAME_SAMPLES * 2;
  let buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk);
    let offset = 0;
    while (buffer.length - offset >= frameBytes) {
      yield toInt16(buffer.subarray(offset, offset + frameBytes));
      offset += frameBytes;
    }
    buffer = buffer.subarray(offset);
  }
  if (buffer.length % 2) throw new AudioSourceError(source, `stream ended inside a sample (${buffer.length} trailing bytes): not 16-bit PCM`);
  if (buffer.length) {
    const last = new Int16Array(FRAME_SAMPLES);
    last.set(toInt16(buffer));
    yield last;
  }
}

/** Copy little-endian int16 bytes into a fresh, aligned Int16Array. */
function toInt16(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

/** Concatenate a finite source into one buffer (for tests, benches and offline use). */
export async function collectFrames(frames: AudioSource): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for await (const frame of frames) parts.push(frame);
  const out = new Int16Array(parts.length * FRAME_SAMPLES);
  parts.forEach((p, i) => out.set(p, i * FRAME_SAMPLES));
  return out;
}

/** An in-memory recording as a source (1280-sample frames, the last zero-padded). */
export async function* framesFromSamples(pcm: Int16Array): AudioSource & AsyncGenerator<Int16Array> {
  for (let i = 0; i < pcm.length; i += FRAME_SAMPLES) {
    const frame = new Int16Array(FRAME_SAMPLES);
    frame.set(pcm.subarray(i, Math.min(i + FRAME_SAMPLES, pcm.length)));
    yield frame;
  }
}
