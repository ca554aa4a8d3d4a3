/**
 * Wires configuration to pipelines: loads the voice models once, then runs
 * one pipeline per recording (sequentially, as fast as possible) or per
 * configured microphone (concurrently, sharing one wake arbiter).
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { loadWakeWord, type WakeWordEngineFactory } from "../../models/wakeword/engine.ts";
import { SileroVad } from "../../models/vad/silero.ts";
import { fileSource } from "../audio/file-source.ts";
import { microphoneSource } from "../audio/microphone-source.ts";
import { resilientSource, type SourceState } from "../audio/resilient-source.ts";
import { rawPcmSource } from "../audio/stdin-source.ts";
import type { NamedSource } from "../audio/source.ts";
import type { Config } from "../config/schema.ts";
import { wakeWordModelSchema } from "../config/wakeword.ts";
import { logger } from "../log.ts";
import type { FollowUps } from "./follow-ups.ts";
import { voiceEvents, type Recognize, type SaveDetectionsOptions, type VoiceEvent } from "./pipeline.ts";
import { WakeArbiter } from "./wake-arbiter.ts";

const log = logger("agent/voice");

/** File name extensions taken from a directory given as input. */
const AUDIO_EXTENSIONS = new Set([".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac", ".webm", ".raw"]);

export interface ListenOptions {
  /** Treat every source as push-to-talk: no wake word, every utterance counts. */
  noWake?: boolean;
  /** Wake word models (built-in names or .onnx paths) replacing `wakeword.models`, with default thresholds. */
  wakeWords?: string[];
  /** Directory for a WAV around every detection (overrides `wakeword.save_detections_dir`). */
  saveDetections?: string;
  recognize?: Recognize;
  /** Pace recordings in real time instead of as fast as possible. */
  realtime?: boolean;
  /** Follow-up turns requested by the voice extension after a question. */
  followUps?: FollowUps;
}

/** The voice models every pipeline needs, loaded once. */
export interface VoiceModels {
  wake: WakeWordEngineFactory | null;
}

/** Load the wake word backend (unless `noWake`), applying `--wake-word` overrides. */
export async function loadVoiceModels(config: Config, options: ListenOptions): Promise<VoiceModels> {
  if (options.noWake) return { wake: null };
  const wakeword = options.wakeWords?.length
    ? { ...config.wakeword, backend: "openwakeword" as const, models: options.wakeWords.map((model) => wakeWordModelSchema.parse({ model })) }
    : config.wakeword;
  const wake = await loadWakeWord(wakeword);
  log.info({ backend: wake.backend, models: wake.models }, "wake word ready");
  return { wake };
}

/**
 * Files named by `inputs`: files as given, directories expanded to their audio files (sorted, not recursive),
 * `-` for raw PCM on stdin.
 * @throws Error naming an input that does not exist, or a directory without audio files.
 */
export function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    if (input === "-") return [input];
    let stat;
    try {
      stat = statSync(input);
    } catch {
      throw new Error(`input ${input}: no such file or directory`);
    }
    if (!stat.isDirectory()) return [input];
    const files = readdirSync(input)
      .filter((f) => AUDIO_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(input, f));
    if (!files.length) throw new Error(`input ${input}: no audio files (${[...AUDIO_EXTENSIONS].join(" ")}) in this directory`);
    return files;
  });
}

function saveOptions(config: Config, options: ListenOptions): SaveDetectionsOptions | undefined {
  const dir = options.saveDetections ?? config.wakeword.save_detections_dir;
  return dir ? { dir, before_ms: config.wakeword.save_before_ms, after_ms: config.wakeword.save_after_ms } : undefined;
}

function vadGate(config: Config): { threshold: number; window_ms: number } {
  return { threshold: config.wakeword.vad_threshold, window_ms: config.wakeword.vad_window_ms };
}

/** Events of every recording in `inputs`, one after another; a bad file gives an `error` event and the next one runs. */
export async function* listenToFiles(inputs: string[], config: Config, options: ListenOptions = {}, models?: VoiceModels): AsyncGenerator<VoiceEvent> {
  const loaded = models ?? (await loadVoiceModels(config, options));
  const vad = await SileroVad.load();
  const wake = loaded.wake ? await loaded.wake.create() : null;
  for (const input of inputs) {
    const source: NamedSource = input === "-" ? { name: "stdin", frames: rawPcmSource() } : { name: input, frames: fileSource(input, { realtime: options.realtime }) };
    yield* voiceEvents({
      source,
      wake,
      vad,
      timings: config.vad,
      recognize: options.recognize,
      followUps: options.followUps,
      saveDetections: saveOptions(config, options),
      ringBufferSeconds: config.wakeword.ring_buffer_s,
      wakeVadGate: vadGate(config),
    });
  }
}

/** A live or recorded source plus its wake word gate. */
export interface GatedSource extends NamedSource {
  /** False: no wake word on this source (every utterance counts). Default true. */
  wakeWord?: boolean;
  /** Subset of the wake word models this source answers to; default all. */
  wakeModels?: string[];
}

/**
 * Events of several sources at once, interleaved as they come. Each source has its own VAD and wake word state;
 * a wake word heard by several sources within `wakeword.arbitration_window_ms` answers only where it scored best.
 */
export async function* listenToSources(sources: GatedSource[], config: Config, options: ListenOptions = {}, models?: VoiceModels): AsyncGenerator<VoiceEvent> {
  const loaded = models ?? (await loadVoiceModels(config, options));
  const arbiter = new WakeArbiter(config.wakeword.arbitration_window_ms);
  const streams = await Promise.all(
    sources.map(async (source) => {
      const gated = source.wakeWord !== false && loaded.wake;
      return voiceEvents({
        source,
        wake: gated ? await loaded.wake!.create() : null,
        wakeModels: source.wakeModels,
        vad: await SileroVad.load(),
        timings: config.vad,
        recognize: options.recognize,
        followUps: options.followUps,
        arbiter,
        wakeVadGate: vadGate(config),
        saveDetections: saveOptions(config, options),
        ringBufferSeconds: config.wakeword.ring_buffer_s,
      });
    }),
  );
  yield* mergeStreams(streams);
}

/**
 * Events of every configured microphone until `signal` aborts. Each microphone restarts on failure with
 * backoff (`onState` sees `restarting`) while the others keep running.
 * @throws Error when no microphone is configured.
 */
export async function* listenToMicrophones(
  config: Config,
  options: ListenOptions & {
    signal?: AbortSignal;
    onState?: (mic: string, state: SourceState, error?: Error) => void;
    /** Called for every frame a microphone delivers, as the pipeline takes it (health and metrics). */
    onFrame?: (mic: string) => void;
  } = {},
): AsyncGenerator<VoiceEvent> {
  const mics = config.audio.microphones;
  if (!mics.length) throw new Error("no microphones configured (audio.microphones is empty)");
  const sources: GatedSource[] = mics.map((mic) => ({
    name: mic.name,
    area: mic.area,
    wakeWord: mic.wake_word.enabled,
    wakeModels: mic.wake_word.models,
    frames: tapFrames(
      resilientSource(mic.name, () => microphoneSource(mic), {
        minDelayMs: config.audio.retry_min_ms,
        maxDelayMs: config.audio.retry_max_ms,
        signal: options.signal,
        onState: (state, error) => options.onState?.(mic.name, state, error),
      }),
      () => options.onFrame?.(mic.name),
    ),
  }));
  yield* listenToSources(sources, config, options);
}

/** Pass frames through, calling `onFrame` as each is pulled: a stalled consumer (stuck inference) stops the calls. */
async function* tapFrames(frames: AsyncIterable<Int16Array>, onFrame: () => void): AsyncGenerator<Int16Array> {
  for await (const frame of frames) {
    onFrame();
    yield frame;
  }
}

/** Interleave several async generators, yielding values as they come. */
async function* mergeStreams<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = (i: number) => streams[i]!.next().then((result) => ({ i, result }));
  const pending = new Map(streams.map((_, i) => [i, next(i)]));
  while (pending.size) {
    const { i, result } = await Promise.race(pending.values());
    if (result.done) pending.delete(i);
    else {
      pending.set(i, next(i));
      yield result.value;
    }
  }
}
