/**
 * RIFF/WAVE reading for 16-bit PCM (mono or interleaved), the format every
 * synthesizer here produces (the writer is agent/audio/wav.ts).
 */

export interface PcmAudio {
  /** Samples per second, in Hz. */
  sampleRate: number;
  channels: number;
  /** Interleaved signed 16-bit samples. */
  samples: Int16Array;
}

/**
 * Parse a 16-bit PCM WAV file.
 * @throws Error naming `source` when the data is not RIFF/WAVE, not PCM, not 16-bit, or truncated.
 */
export function parseWav(data: Uint8Array, source = "<wav>"): PcmAudio {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (at: number) => String.fromCharCode(...data.subarray(at, at + 4));
  if (data.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error(`${source}: not a RIFF/WAVE file`);
  let format: { channels: number; sampleRate: number; bits: number; code: number } | null = null;
  for (let at = 12; at + 8 <= data.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      format = { code: view.getUint16(body, true), channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === "data") {
      if (!format) throw new Error(`${source}: data chunk before fmt chunk`);
      if (format.code !== 1 || format.bits !== 16) throw new Error(`${source}: only 16-bit PCM is supported (format ${format.code}, ${format.bits} bits)`);
      // Writers that stream (flite among them) may leave the size too large; take what is there.
      const end = Math.min(data.length, body + size);
      const samples = new Int16Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${source}: no data chunk`);
}
