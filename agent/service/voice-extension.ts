/**
 * Voice as an agent extension: the speech recognizer built from the same
 * sentences as the text recognizer (rebuilt when entity, area or floor names
 * change: REBUILD_DEBOUNCE_MS after the last such change, in the background,
 * never inside a recognition, which uses the previous grammar until the new
 * one is whole; state and availability never rebuild it), transcripts handed
 * to the controller as voice commands from the microphone's area, the per-microphone presence gate (a wake word counts only
 * when a camera sees a person in that room), and spoken responses.
 */
import type { CustomIntents } from "../intent/custom-intents.ts";
import { REPLY_INTENT, withReplySentences } from "../intent/follow-up.ts";
import { buildSentenceSet, loadBuiltinSentences } from "../intent/sentence-set.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import { FollowUps } from "../voice/follow-ups.ts";
import { logger } from "../log.ts";
import type { SessionEvent } from "../controller/types.ts";
import { createSpeechRecognizer } from "../../models/asr/create.ts";
import { MoonshineGrammarRecognizer } from "../../models/asr/moonshine-recognizer.ts";
import { PocketSphinxRecognizer } from "../../models/asr/pocketsphinx.ts";
import { isRejected, type SpeechRecognizer } from "../../models/asr/recognizer.ts";
import { acceptWake } from "../vision/fusion.ts";
import { Speaker } from "../voice/speaker.ts";
import type { Recognize, VoiceEvent } from "../voice/pipeline.ts";
import type { Agent } from "./agent.ts";

const log = logger("service/voice");

/** Quiet time after the last name change before the speech grammar is rebuilt (a discovery burst costs one rebuild). */
export const REBUILD_DEBOUNCE_MS = 250;

/** What `hearth listen` prints besides the pipeline's own events. */
export type CommandRecord =
  | { type: "intent"; source: string; t_ms: number; intent: string | null; slots: Record<string, unknown> }
  | {
      type: "command"; source: string; t_ms: number; intent: string | null; targets: string[]; decision: SessionEvent["decision"]; confidence: number;
      recognized_by?: SessionEvent["recognizedBy"]; messages: SessionEvent["messages"]; response: string; awaiting?: string; error?: string;
    };

/** The speech grammar of a configuration: its sentences and the intent families the decoder searches apart. */
export interface SpeechGrammar {
  /** Every command sentence (built-in, with the registry's names, and the user's intents) and the follow-up replies. */
  sentences: CustomIntents;
  /** Intent names per family: the built-in home intents, each user intents file, the replies. */
  families: string[][];
}

/**
 * The grammar `hearth run` and `hearth listen` decode speech with (benchmarks use it too, so their figures
 * are the product's).
 * @throws Error naming the custom file when it clashes with a built-in list or rule.
 */
export function speechGrammar(registry: EntityRegistry, customIntents: CustomIntents[], cameraZones: readonly string[] = []): SpeechGrammar {
  const sentences = withReplySentences(buildSentenceSet(registry, customIntents, cameraZones));
  const builtin = new Set(Object.keys(loadBuiltinSentences().intents));
  const families = [[...builtin]];
  for (const file of customIntents) {
    const own = file.intents.map((i) => i.name).filter((n) => !builtin.has(n) && n !== REPLY_INTENT);
    if (own.length) families.push(own);
  }
  families.push([REPLY_INTENT]);
  return { sentences, families };
}

/** Every intent of `grammar` but the follow-up replies: what may be heard while no question is pending. */
export function commandIntents(grammar: SpeechGrammar): Set<string> {
  return new Set(grammar.sentences.intents.map((i) => i.name).filter((n) => n !== REPLY_INTENT));
}

export class VoiceExtension {
  private recognizer?: SpeechRecognizer;
  /** The registry's namesVersion the grammar in use was built from. */
  private namesVersion = -1;
  /** The namesVersion a rebuild is under way for (-1: none). */
  private buildingVersion = -1;
  private debounce: NodeJS.Timeout | undefined;
  /** The rebuild under way or last finished (settled() waits on it). */
  private rebuilding: Promise<void> = Promise.resolve();
  private builds = 0;
  /** The namesVersion whose rebuild failed: not retried until the names change again. */
  private failedVersion = -1;
  private readonly speaker: Speaker;
  /** Sources whose last wake word the presence gate refused: their next utterance is dropped. */
  private readonly gated = new Set<string>();
  /** Follow-up turns to hand to the listen pipeline (`ListenOptions.followUps`). */
  readonly followUps = new FollowUps();
  /** The response being spoken, so a follow-up turn opens only once the question has been asked. */
  private speaking: Promise<void> = Promise.resolve();
  /** Sources whose last command ended in a question: only their next utterance may be a bare reply ("yes", "the first"). */
  private readonly questionPending = new Set<string>();
  private commands: Set<string> = new Set();
  private readonly debounceMs: number;
  /** Registry changes: a name change (namesVersion moved) schedules a rebuild; state and availability do nothing. */
  private readonly onRegistryChange = () => {
    if (!this.recognizer) return;
    const version = this.agent.registry.namesVersion;
    if (version === this.buildingVersion || version === this.failedVersion) return;
    if (version === this.namesVersion && this.buildingVersion === -1) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rebuild(), this.debounceMs);
    this.debounce.unref();
  };

  /**
   * `speak`: say voice responses through the configured sink (the service does; `hearth listen` over files does not).
   * `rebuildDebounceMs`: quiet time before a grammar rebuild (default REBUILD_DEBOUNCE_MS).
   */
  constructor(private readonly agent: Agent, options: { speak?: boolean; rebuildDebounceMs?: number } = {}) {
    this.speaker = new Speaker(agent.config.tts);
    this.debounceMs = options.rebuildDebounceMs ?? REBUILD_DEBOUNCE_MS;
    if (options.speak) agent.on("event", (event) => void this.speak(event));
    agent.registry.on("change", this.onRegistryChange);
  }

  /**
   * Build the recognizer over the current sentences (call after discovery settled, or with fixtures).
   * @throws Error naming the config field at fault (model directory, pronunciations).
   */
  async prepare(): Promise<void> {
    this.namesVersion = this.agent.registry.namesVersion;
    const grammar = this.grammar();
    this.commands = commandIntents(grammar);
    this.recognizer = await createSpeechRecognizer(this.agent.config.asr, grammar.sentences, { families: grammar.families });
    // Names that changed while the model loaded.
    this.onRegistryChange();
  }

  /** Grammar rebuilds done since prepare() (a state update never adds one). */
  get grammarBuilds(): number {
    return this.builds;
  }

  /** The registry namesVersion the grammar in use was built from. */
  get grammarVersion(): number {
    return this.namesVersion;
  }

  /** Resolves once no rebuild is scheduled or under way (for tests and benches: recognitions never wait for one). */
  async settled(): Promise<void> {
    while (this.debounce !== undefined || this.buildingVersion !== -1) {
      await this.rebuilding;
      if (this.debounce !== undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Rebuild the grammar for the registry's current names, in the background: the Moonshine network in
   * slices that give the event loop back (MoonshineGrammarRecognizer.prepareIntents), swapped in whole.
   * A failure is logged and leaves the previous grammar in use.
   */
  private rebuild(): Promise<void> {
    this.debounce = undefined;
    const recognizer = this.recognizer;
    const version = this.agent.registry.namesVersion;
    if (!recognizer || version === this.namesVersion || version === this.buildingVersion) return this.rebuilding;
    if (!(recognizer instanceof PocketSphinxRecognizer || recognizer instanceof MoonshineGrammarRecognizer)) {
      this.namesVersion = version; // a transcript backend hands text to the text recognizer, which follows the registry itself
      return this.rebuilding;
    }
    this.buildingVersion = version;
    const started = performance.now();
    const run = async () => {
      try {
        const grammar = this.grammar();
        const current =
          recognizer instanceof MoonshineGrammarRecognizer ? await recognizer.prepareIntents(grammar.sentences, grammar.families) : (recognizer.setIntents(grammar.sentences), true);
        if (!current) return;
        this.commands = commandIntents(grammar);
        this.namesVersion = version;
        this.builds++;
        log.info({ ms: Math.round(performance.now() - started), entities: this.agent.registry.all().length }, "speech grammar rebuilt after the registry's names changed");
      } catch (err) {
        this.failedVersion = version;
        log.error({ err: (err as Error).message }, "speech grammar cannot be rebuilt: the previous one stays in use");
      } finally {
        if (this.buildingVersion === version) this.buildingVersion = -1;
        // Names that changed during the build.
        this.onRegistryChange();
      }
    };
    this.rebuilding = this.rebuilding.then(run);
    return this.rebuilding;
  }

  /** The pipeline's recognition callback: decodes with the grammar in use now, never waiting for a rebuild. */
  readonly recognize: Recognize = async (pcm, context) => {
    if (!this.recognizer) await this.prepare();
    // A bare "yes" means nothing while no question is open: the replies are heard only after one.
    const result =
      this.recognizer instanceof MoonshineGrammarRecognizer && !this.questionPending.has(context.source)
        ? await this.recognizer.recognize(pcm, { intents: this.commands })
        : await this.recognizer!.recognize(pcm);
    return isRejected(result) ? result : { text: result.text, confidence: result.confidence, ...(result.continues ? { continues: true } : {}) };
  };

  /**
   * Act on one pipeline event: a transcript becomes a voice command. Returns
   * the records to print for it (intent, command), empty for other events.
   */
  async handle(event: VoiceEvent): Promise<CommandRecord[]> {
    if (event.type === "wake") {
      const mic = this.agent.config.audio.microphones.find((m) => m.name === event.source);
      if (mic?.presence_gate && this.agent.occupancySource) {
        const verdict = acceptWake(mic.area, this.agent.occupancySource(), true, { areaKey: (a) => this.agent.registry.findArea(a)?.id ?? a.toLowerCase() });
        if (!verdict.accept) {
          this.gated.add(event.source);
          log.info({ source: event.source, reason: verdict.reason }, "wake word ignored: nobody seen in the room");
        } else this.gated.delete(event.source);
      }
      return [];
    }
    if (event.type === "no_speech") this.questionPending.delete(event.source);
    // Speech the grammar rejected: its free transcript is a command only if the fallback reads one under the voice thresholds.
    const freeTranscript = event.type === "rejected" && event.transcript !== undefined && !this.questionPending.has(event.source) ? event.transcript : undefined;
    if (event.type !== "transcript" && freeTranscript === undefined) return [];
    this.questionPending.delete(event.source);
    if (this.gated.delete(event.source)) return [];
    const text = event.type === "transcript" ? event.text : freeTranscript!;
    if (freeTranscript !== undefined && !this.agent.fallbackHears(freeTranscript, event.area)) {
      log.debug({ source: event.source, transcript: freeTranscript }, "rejected speech: the fallback reads no command in its free transcript");
      return [];
    }
    const origin = { kind: "voice" as const, source: event.source, area: event.area };
    const session = await this.agent.submitRequest({ text, origin, ...(freeTranscript !== undefined ? { freeTranscript: true } : {}) });
    const base = { source: event.source, t_ms: event.t_ms };
    if (session.type !== "command") {
      this.questionPending.add(event.source);
      void this.speaking.then(() => this.followUps.request(event.source));
    }
    return [
      { type: "intent", ...base, intent: session.intent, slots: session.slots },
      {
        type: "command", ...base, intent: session.intent, targets: session.targets, decision: session.decision, confidence: session.confidence,
        ...(session.recognizedBy ? { recognized_by: session.recognizedBy } : {}), messages: session.messages, response: session.response,
        ...(session.type !== "command" ? { awaiting: session.type } : {}),
        ...(session.error ? { error: session.error } : {}),
      },
    ];
  }

  /** What the grammar recognizers may hear: every command sentence, and the replies to hearth's questions. */
  private grammar(): SpeechGrammar {
    return speechGrammar(this.agent.registry, this.agent.customIntents, this.agent.config.cameras.flatMap((c) => c.zones.map((z) => z.name)));
  }

  private async speak(event: SessionEvent): Promise<void> {
    if (event.origin.kind !== "voice" || !event.response || !this.speaker.enabled) return;
    // Answered on the speaker next to the microphone that heard it.
    const device = this.agent.config.audio.microphones.find((m) => m.name === event.origin.source)?.speaker;
    this.speaking = this.speaker.say(event.response, device === undefined ? {} : { device }).then(
      () => undefined,
      (err: Error) => log.error({ err: err.message }, "cannot speak the response"),
    );
    await this.speaking;
  }

  close(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.agent.registry.off("change", this.onRegistryChange);
    this.recognizer?.close();
  }
}
