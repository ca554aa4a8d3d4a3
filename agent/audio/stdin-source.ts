/**
 * Raw PCM backend: 16 kHz mono signed 16-bit little-endian samples on a
 * readable stream (stdin by default), e.g. `arecord -f S16_LE -r 16000 -c 1 -t raw | hearth listen --input -`.
 */
import type { Readable } from "node:stream";
import { AudioSourceError, framesFromBytes, type AudioSource } from "./source.ts";

/**
 * Frames of raw s16le PCM.
 * @throws AudioSourceError naming the source when the data is a WAV/FLAC/Ogg/MP3 container rather than raw PCM
 *   (wrong sample format: decode it as a file instead), or when it ends inside a sample.
 */
export async function* rawPcmSource(stream: Readable = process.stdin, name = "stdin"): AudioSource & AsyncGenerator<Int16Array> {
  let checked = false;
  async function* checkedChunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      if (!checked) {
        checked = true;
        const magic = Buffer.from(chunk.subarray(0, 4)).toString("latin1");
        const container = { RIFF: "WAV", fLaC: "FLAC", OggS: "Ogg", "ID3\u0003": "MP3", "ID3\u0004": "MP3" }[magic];
        if (container) throw new AudioSourceError(name, `carries a ${container} file, not raw 16 kHz s16le PCM; pass it as a file (--input FILE) so it is decoded`);
      }
      yield chunk;
    }
  }
  yield* framesFromBytes(name, checkedChunks());
}
