/**
 * The listen pipeline for one audio source: frames → wake word → (after the
 * wake word, or at once for push-to-talk) Silero VAD endpointing → utterance
 * → optional speech recognition. Produces a stream of events stamped with
 * media time (ms of audio since the source started), so a recording gives the
 * same events however fast it is processed.
 *
 * Silero VAD runs on every frame (it is cheap) so the endpointer always holds
 * the pre-roll and knows whether speech is going on when the wake word fires
 * (a command said in the same breath as the wake word). The wake word engine
 * also runs on every frame, keeping its features continuous, but detections
 * are ignored while an utterance is being collected.
 *
 * Early recognition: at the first pause of `early_recognition_ms` the audio so
 * far goes to the recognizer, while the endpointer waits out the rest of
 * `trailing_silence_ms`; when the utterance does end there, that result is
 * used, so the command is ready about when the utterance ends instead of a
 * recognition later. A pause the speaker talks on after costs one wasted decode.
 *
 * A wake word inside the word: when the detector fires early and the rest of
 * the word runs past `wake_tail_max_ms` without a gap, the endpointer takes it
 * for a command said in the same breath. If that utterance is short (at most
 * `wake_tail_only_ms` of speech from the wake point) and the recognizer
 * rejects it, it is only the wake word's tail: no event is reported for it,
 * and the microphone keeps listening for the command for the follow-up
 * window, which then counts as said after the wake word (not joined with the
 * tail).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { SileroVad } from "../../models/vad/silero.ts";
import type { WakeWordDetection, WakeWordEngine } from "../../models/wakeword/detection.ts";
import { Endpointer, type EndpointEvent, type EndpointerTimings, type Utterance } from "../audio/endpointer.ts";
import { AudioRingBuffer } from "../audio/ring-buffer.ts";
import { SAMPLE_RATE, type NamedSource } from "../audio/source.ts";
import { encodeWav } from "../audio/wav.ts";
import { logger } from "../log.ts";
import type { FollowUps } from "./follow-ups.ts";
import { RecentSpeech } from "./recent-speech.ts";
import type { WakeArbiter } from "./wake-arbiter.ts";

const log = logger("agent/voice");

/** What a speech recognizer returns for an utterance. */
export type RecognitionResult = { text: string; confidence: number; continues?: boolean } | { rejected: true; reason: string; transcript?: string };

/**
 * Pluggable speech recognition: 16 kHz mono int16 audio of one utterance → text or a rejection. `continues`:
 * a longer command of the grammar goes on from the text (the pipeline waits for more speech before acting).
 */
export type Recognize = (pcm: Int16Array, context: { source: string; area?: string }) => Promise<RecognitionResult>;

interface EventBase {
  /** Source name (file path or microphone name). */
  source: string;
  area?: string;
  /** Media time, ms since the source started. */
  t_ms: number;
}

/** Everything the pipeline reports. `speech_end` carries the utterance audio for the next stage. */
export type VoiceEvent =
  | (EventBase & { type: "wake"; model: string; score: number })
  | (EventBase & { type: "speech_start" })
  | (EventBase & { type: "speech_end"; utterance: Utterance })
  | (EventBase & { type: "no_speech" })
  | (EventBase & { type: "transcript"; text: string; confidence: number; utterance_start_ms: number })
  /** `transcript`: the open-vocabulary text of speech outside the grammar (not noise), for the text fallback recognizer. */
  | (EventBase & { type: "rejected"; reason: string; utterance_start_ms: number; transcript?: string })
  | (EventBase & { type: "error"; message: string });

export interface SaveDetectionsOptions {
  dir: string;
  before_ms: number;
  after_ms: number;
}

export interface VoicePipelineOptions {
  source: NamedSource;
  /** Wake word engine for this source; null means push-to-talk: every utterance counts, no wake word needed. */
  wake: WakeWordEngine | null;
  /** This source's VAD (stateful: one per source). */
  vad: SileroVad;
  timings: EndpointerTimings;
  recognize?: Recognize;
  /** VAD gate for wake word detections: minimum recent speech probability (0: off) and how far back, ms. */
  wakeVadGate?: { threshold: number; window_ms: number };
  /** Only these wake word models open a session on this source (a microphone's gate); default all. */
  wakeModels?: readonly string[];
  /** Follow-up turns: when one is requested for this source, its next utterance needs no wake word. */
  followUps?: FollowUps;
  /** Shared between sources so that only the microphone that heard a wake word best answers. */
  arbiter?: WakeArbiter;
  /** Write a WAV around every detection. */
  saveDetections?: SaveDetectionsOptions;
  /** Seconds of audio kept for `saveDetections` (default: enough for before + after). */
  ringBufferSeconds?: number;
}

/** One utterance's recognition, reported in order. */
interface Recognition {
  utterance: Utterance;
  done: boolean;
  promise: Promise<void>;
  result?: RecognitionResult | Error;
  event?: VoiceEvent;
  /** Speech started within `continuation_ms` after this one's speech ended. */
  continuing: boolean;
  /** The next utterance, when it followed within `continuation_ms`. */
  continuation?: Recognition;
  /** Decoded together with the next utterance: that one reports the command. */
  superseded?: boolean;
  /** Reported as a transcript (a command acted on: nothing joins it any more). */
  yieldedCommand?: boolean;
  /** Heard with a wake word or push-to-talk (not only because the microphone listened on after a command). */
  standalone: boolean;
  /** Only the wake word's own tail (began at the wake point, short, rejected): dropped, and the next utterance is the command. */
  tailOnly?: boolean;
}

const toMs = (samples: number): number => (samples * 1000) / SAMPLE_RATE;
const toSamples = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000);

/**
 * Run the pipeline until the source ends. A source failure becomes an `error`
 * event naming the source (it ends the stream; live sources retry inside
 * their own backend and only fail for good when retries are exhausted).
 */
export async function* voiceEvents(options: VoicePipelineOptions): AsyncGenerator<VoiceEvent> {
  const { source, wake, vad, timings } = options;
  const base = (t_ms: number): EventBase => ({ source: source.name, ...(source.area ? { area: source.area } : {}), t_ms });
  const endpointer = new Endpointer(timings);
  const save = options.saveDetections;
  const continuationMs = timings.continuation_ms ?? 0;
  // Audio of the recent past: around detections (save) and for joining an utterance with the one after it.
  const ringMs = Math.max(save ? save.before_ms + save.after_ms + 1000 : 0, (options.ringBufferSeconds ?? 0) * 1000, 2 * timings.max_utterance_ms + continuationMs + timings.pre_roll_ms);
  const ring = new AudioRingBuffer(toSamples(ringMs));
  const pendingSaves: WakeWordDetection[] = [];
  /** Recognitions run while audio keeps flowing; results are reported in order as they finish (a command that may go on, once it cannot). */
  const recognitions: Recognition[] = [];
  let samples = 0;
  let ended = false;
  const gate = options.wakeVadGate && options.wakeVadGate.threshold > 0 ? options.wakeVadGate : null;
  const recentSpeech = gate ? new RecentSpeech(gate.window_ms) : null;
  /** After a wake word: the endpointer is armed only to hear whether the speaker goes on (its `no_speech` is no event). */
  let listeningOn = false;

  vad.reset();
  await wake?.reset();
  if (!wake) endpointer.arm(0, { timeout: false });

  /** Recognition started early on the audio up to a pause (`early_recognition_ms`), kept while that pause may be the end. */
  let early: { speechEndMs: number; result: Promise<RecognitionResult | Error> } | null = null;
  const startRecognition = (pcm: Int16Array): Promise<RecognitionResult | Error> =>
    options.recognize!(pcm, { source: source.name, area: source.area }).catch((err: Error) => err);
  const eventOf = (result: RecognitionResult | Error, at: EventBase, utteranceStartMs: number): VoiceEvent => {
    if (result instanceof Error) return { ...at, type: "error", message: `speech recognition failed: ${result.message}` };
    return "rejected" in result
      ? { ...at, type: "rejected", reason: result.reason, utterance_start_ms: utteranceStartMs, ...(result.transcript ? { transcript: result.transcript } : {}) }
      : { ...at, type: "transcript", text: result.text, confidence: result.confidence, utterance_start_ms: utteranceStartMs };
  };
  /** How long after `utterance` the microphone listens on, and a later utterance may join it. */
  const listenOnMs = (utterance: Utterance): number => (wake && utterance.started_at_arm ? Math.max(timings.no_speech_timeout_ms, continuationMs) : continuationMs);
  const accepted = (r: RecognitionResult | Error | undefined): r is { text: string; confidence: number; continues?: boolean } => !!r && !(r instanceof Error) && !("rejected" in r);
  /** Speech that began at the wake point and is short enough to be nothing but the rest of the wake word. */
  const mayBeTail = (u: Utterance): boolean => !!wake && u.started_at_arm && u.speech_end_ms - u.speech_start_ms <= (timings.wake_tail_only_ms ?? 0);
  const recognize = (utterance: Utterance): void => {
    // The speaker did not go on after the pause: the early recognition heard the same speech.
    const reused = early && early.speechEndMs === utterance.speech_end_ms && utterance.reason === "silence" ? early.result : null;
    early = null;
    const previous = recognitions.length ? recognitions[recognitions.length - 1] : lastRecognition;
    const follows = previous && !previous.yieldedCommand && utterance.speech_start_ms - previous.utterance.speech_end_ms <= listenOnMs(previous.utterance) ? previous : null;
    const entry: Recognition = { utterance, done: false, promise: Promise.resolve(), continuing: false, standalone: !wake || !listeningOnFor };
    if (follows) follows.continuation = entry;
    const at = base(utterance.end_ms);
    if (!options.recognize) return;
    if (utterance.reason === "max_length") {
      // Cut in mid-speech: whatever it holds is not all that was said.
      entry.event = { ...at, type: "rejected", reason: `utterance cut at max_utterance_ms (${timings.max_utterance_ms} ms): not acted on`, utterance_start_ms: utterance.start_ms };
      entry.done = true;
      recognitions.push(entry);
      return;
    }
    entry.promise = (async () => {
      let standalone = entry.standalone;
      if (follows) {
        await follows.promise;
        const before = follows.result;
        // After the wake word's own tail: this is the command, heard on its own (the tail would only add noise to a joined decode).
        if (follows.tailOnly) standalone = true;
        // The speech before began inside the wake word and was rejected (the word's tail): this is the command.
        if (follows.utterance.started_at_arm && !accepted(before)) standalone = true;
        // Half a command (or speech the grammar rejected) with more speech after it: decode both together.
        if (!follows.tailOnly && ((accepted(before) && before.continues) || (before && !accepted(before) && !(before instanceof Error)))) {
          const joined = ring.slice(toSamples(follows.utterance.start_ms), toSamples(utterance.end_ms)).samples;
          const together = await startRecognition(joined);
          if (accepted(together)) {
            follows.superseded = true;
            entry.result = together;
            entry.event = eventOf(together, at, follows.utterance.start_ms);
            return;
          }
        }
      }
      const own = await (reused ?? startRecognition(utterance.pcm));
      entry.result = own;
      if (mayBeTail(utterance) && !accepted(own) && !(own instanceof Error)) {
        entry.tailOnly = true;
        log.info({ source: source.name, speech_ms: utterance.speech_end_ms - utterance.speech_start_ms, reason: own.reason }, "only the wake word's own tail: dropped, listening on for the command");
        return;
      }
      // After a wake word, speech heard only because the microphone listened on counts when it joins a command.
      if (standalone) entry.event = eventOf(own, at, utterance.start_ms);
      else if (!accepted(own)) {
        // Heard only because the microphone listened on: its free transcript is no command either.
        const { transcript: _dropped, ...rejected } = eventOf(own, at, utterance.start_ms) as Extract<VoiceEvent, { type: "rejected" }>;
        entry.event = own instanceof Error ? eventOf(own, at, utterance.start_ms) : rejected;
      } else entry.event = { ...at, type: "rejected", reason: `"${own.text}" was said after a command without a wake word`, utterance_start_ms: utterance.start_ms };
    })().then(() => {
      entry.done = true;
    });
    recognitions.push(entry);
  };
  /** The last recognition reported (a later utterance may still join it if it was rejected). */
  let lastRecognition: Recognition | undefined;
  /** Set while the endpointer listens on after a wake-word command. */
  let listeningOnFor = false;
  function* finishedRecognitions(): Generator<VoiceEvent> {
    for (;;) {
      const head = recognitions[0];
      if (!head?.done) return;
      // A command a longer sentence goes on from: wait for more speech, or for its deadline.
      if (!ended && accepted(head.result) && head.result.continues && !head.superseded) {
        if (head.continuation ? !head.continuation.done : head.continuing || samples < toSamples(head.utterance.speech_end_ms + continuationMs)) return;
      }
      recognitions.shift();
      lastRecognition = head;
      if (head.superseded || head.tailOnly) continue;
      if (head.event?.type === "transcript") head.yieldedCommand = true;
      yield head.event!;
    }
  }
  const endpointEvents = (events: EndpointEvent[], at: number): VoiceEvent[] => {
    const out: VoiceEvent[] = [];
    for (const e of events) {
      if (e.type === "speech_pause") {
        if (options.recognize) early = { speechEndMs: e.utterance.speech_end_ms, result: startRecognition(e.utterance.pcm) };
      } else if (e.type === "speech_end") {
        out.push({ ...base(e.t_ms), type: "speech_end", utterance: e.utterance });
        recognize(e.utterance);
        listeningOn = false;
        if (!wake) endpointer.arm(at, { timeout: false });
        else if (continuationMs > 0 || e.utterance.started_at_arm) {
          // Listen on: the rest of a command said with a pause, or — after speech that began inside the wake
          // word (its tail, or a same-breath command) — the command said after it, for the usual follow-up window.
          endpointer.arm(at, { timeout: true, timeoutMs: listenOnMs(e.utterance) });
          listeningOn = true;
          listeningOnFor = true;
        }
      } else if (e.type === "no_speech") {
        if (!listeningOn) out.push({ ...base(e.t_ms), type: "no_speech" });
        listeningOn = false;
        listeningOnFor = false;
      } else {
        if (e.type === "speech_start") {
          const last = recognitions[recognitions.length - 1];
          if (last && e.t_ms - last.utterance.speech_end_ms <= listenOnMs(last.utterance)) last.continuing = true;
        }
        out.push({ ...base(e.t_ms), type: e.type });
      }
    }
    return out;
  };
  const writeDetection = (d: WakeWordDetection): void => {
    if (!save) return;
    const at = toSamples(d.t_ms);
    const { start, samples: pcm } = ring.slice(at - toSamples(save.before_ms), at + toSamples(save.after_ms));
    const name = `${basename(source.name, extname(source.name)).replace(/[^A-Za-z0-9._-]+/g, "_")}-${d.model}-${Math.round(d.t_ms)}ms-${d.score.toFixed(3)}.wav`;
    try {
      mkdirSync(save.dir, { recursive: true });
      writeFileSync(join(save.dir, name), encodeWav(pcm));
      log.info({ file: join(save.dir, name), from_ms: toMs(start), to_ms: toMs(start + pcm.length) }, "detection audio saved");
    } catch (err) {
      log.error({ dir: save.dir, err: (err as Error).message }, "cannot save detection audio");
    }
  };

  /**
   * The source's frames, with finished recognitions reported as soon as they finish rather than
   * with the next frame (up to 80 ms later on a live microphone).
   */
  async function* framesReportingRecognitions(): AsyncGenerator<Int16Array | VoiceEvent[]> {
    const frames = source.frames[Symbol.asyncIterator]();
    const read = () => {
      const promise = frames.next();
      // Read ahead while the frame before is processed; a failure is awaited (and reported) below.
      promise.catch(() => {});
      return promise;
    };
    let next = read();
    try {
      for (;;) {
        const pending = recognitions.find((r) => !r.done);
        const first = await (pending ? Promise.race([next, pending.promise.then(() => null)]) : next);
        if (first === null) {
          yield [...finishedRecognitions()];
          continue;
        }
        if (first.done) return;
        next = read();
        yield first.value;
      }
    } finally {
      frames.return?.()?.catch(() => {});
    }
  }

  try {
    for await (const frame of framesReportingRecognitions()) {
      if (Array.isArray(frame)) {
        yield* frame;
        continue;
      }
      ring.write(frame);
      const events: VoiceEvent[] = [];
      // hearth asked a question: listen for the answer as if the wake word had been said (push-to-talk always listens).
      if (wake && (!endpointer.armed || (listeningOn && endpointer.waiting)) && options.followUps?.take(source.name)) {
        endpointer.arm(samples, { timeout: true });
        listeningOn = false;
        listeningOnFor = false;
      }
      for (const chunk of await vad.process(frame)) {
        recentSpeech?.push(chunk.start + chunk.samples.length, chunk.probability);
        events.push(...endpointEvents(endpointer.push(chunk), chunk.start + chunk.samples.length));
      }
      samples += frame.length;
      if (wake) {
        const result = await wake.process(frame);
        for (const detection of result.detections) {
          if (options.wakeModels && !options.wakeModels.includes(detection.model)) continue;
          const speech = recentSpeech?.maxBefore(samples);
          if (gate && speech! < gate.threshold) {
            log.debug({ source: source.name, model: detection.model, score: detection.score, speech }, "wake word without speech: vetoed by the VAD gate");
            continue;
          }
          if (save) pendingSaves.push(detection);
          if (endpointer.armed && !(listeningOn && endpointer.waiting)) continue;
          const won = options.arbiter ? await options.arbiter.submit({ source: source.name, model: detection.model, score: detection.score }) : true;
          if (!won) {
            log.info({ source: source.name, model: detection.model, score: detection.score }, "wake word heard better by another microphone");
            continue;
          }
          events.push({ ...base(detection.t_ms), type: "wake", model: detection.model, score: detection.score });
          endpointer.arm(samples, { timeout: true });
          listeningOn = false;
          listeningOnFor = false;
        }
      }
      while (save && pendingSaves[0] && toSamples(pendingSaves[0].t_ms + save.after_ms) <= samples) writeDetection(pendingSaves.shift()!);
      yield* events;
      yield* finishedRecognitions();
    }
  } catch (err) {
    yield { ...base(toMs(samples)), type: "error", message: (err as Error).message };
    // An utterance cut off by a failing source is not what the speaker said: drop it rather than act on half a command.
    endpointer.disarm();
  }
  yield* endpointEvents(endpointer.flush(), samples);
  for (const d of pendingSaves) writeDetection(d);
  ended = true;
  while (recognitions.length) {
    await Promise.all(recognitions.map((r) => r.promise));
    yield* finishedRecognitions();
  }
}
