/**
 * Speech follows text: when the grammar-constrained decode rejects an
 * utterance, Moonshine's free transcript goes to the fallback recognizer under
 * the voice thresholds (intents.fallback.voice). Real recordings from
 * ../shared/data/speech-misc are decoded under the coffee grammar (which
 * holds no home command), so the rejection and the transcript are Moonshine's
 * own; the voice extension then acts on, or asks about, the home command, and
 * stays silent on unrelated speech and on what Moonshine writes for kitchen
 * noise (../shared/data/noise). The whole speech benches are too slow for
 * this shared machine; bench/speech-intent.ts measures them.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { FALLBACK_TEXT_DEFAULTS, FALLBACK_VOICE_DEFAULTS } from "../../../agent/config/fallback.ts";
import { parseConfig } from "../../../agent/config/load.ts";
import { loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { VoiceExtension } from "../../../agent/service/voice-extension.ts";
import type { VoiceEvent } from "../../../agent/voice/pipeline.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { isRejected } from "../../../models/asr/recognizer.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const misc = sharedData("speech-misc");
const skip = sharedDataMissing() ?? (existsSync(misc) ? undefined : `../shared absent: ${misc} not found`);

let transcripts: Record<string, string>;
/** Free transcripts Moonshine wrote for windows of kitchen noise it rejected (most noise carries none: nothing was said). */
let noiseTranscripts: string[];

before(async () => {
  if (skip) return;
  const coffee = await MoonshineGrammarRecognizer.create(loadCustomIntents(join(root, "examples/barista.yaml")));
  try {
    transcripts = {};
    for (const clip of ["turn_on_the_living_room_lamp", "rhino_out_of_context"]) {
      const result = await coffee.recognize(await decodeFile(join(misc, `${clip}.flac`)));
      assert.ok(isRejected(result) && result.transcript, `${clip}: ${JSON.stringify(result)}`);
      transcripts[clip] = result.transcript;
    }
    noiseTranscripts = [];
    const dishes = await decodeFile(sharedData("noise/doing_the_dishes.flac"));
    // Every fourth 4 s window: the whole recording is the speech bench's job.
    for (let start = 0; start + 64_000 <= dishes.length; start += 4 * 64_000) {
      const result = await coffee.recognize(dishes.subarray(start, start + 64_000));
      assert.ok(isRejected(result), `dishes at ${start / 16_000} s accepted`);
      if (result.transcript) noiseTranscripts.push(result.transcript);
    }
  } finally {
    coffee.close();
  }
});

const rejected = (transcript: string): VoiceEvent => ({ type: "rejected", source: "living room mic", area: "Living Room", t_ms: 0, reason: "out of grammar", utterance_start_ms: 0, transcript });

test("speech is held to stricter thresholds than typed text", () => {
  assert.ok(FALLBACK_VOICE_DEFAULTS.act > FALLBACK_TEXT_DEFAULTS.act);
  assert.ok(FALLBACK_VOICE_DEFAULTS.confirm > FALLBACK_TEXT_DEFAULTS.confirm);
});

test("a rejected home command's free transcript is read by the fallback and acted on or asked about", { skip }, async () => {
  const agent = new Agent(parseConfig({ agent: { id: "voice-fallback" } }), { offline: true, fixtures: sharedData("intents", "ha-en-fixtures.yaml"), failFast: true, observer: true });
  await agent.start();
  const voice = new VoiceExtension(agent);
  try {
    const records = await voice.handle(rejected(transcripts.turn_on_the_living_room_lamp!));
    const command = records.find((r) => r.type === "command");
    assert.ok(command?.type === "command", JSON.stringify(records));
    assert.equal(command.recognized_by, "fallback");
    assert.ok(command.decision === "act" || command.decision === "confirm", JSON.stringify(command));
    assert.ok(command.confidence >= FALLBACK_VOICE_DEFAULTS.confirm);
    assert.deepEqual(command.targets, ["light.living_room_lamp"]);
    assert.equal(command.intent, "HassTurnOn");
  } finally {
    voice.close();
    await agent.stop();
  }
});

test("unrelated speech and kitchen noise stay rejected: no command, no question, nothing said", { skip }, async () => {
  const agent = new Agent(parseConfig({ agent: { id: "voice-fallback-ood" } }), { offline: true, fixtures: sharedData("intents", "ha-en-fixtures.yaml"), failFast: true, observer: true });
  await agent.start();
  const voice = new VoiceExtension(agent);
  const events: unknown[] = [];
  agent.on("event", (e) => events.push(e));
  try {
    assert.deepEqual(await voice.handle(rejected(transcripts.rhino_out_of_context!)), []);
    for (const text of noiseTranscripts) assert.deepEqual(await voice.handle(rejected(text)), [], `noise transcribed as "${text}"`);
    for (const text of ["what's the weather like tomorrow", "play some jazz", "set an alarm for seven"]) assert.deepEqual(await voice.handle(rejected(text)), [], text);
    assert.deepEqual(events, []);
  } finally {
    voice.close();
    await agent.stop();
  }
});
