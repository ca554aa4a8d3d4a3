/**
 * hearth's own intents by voice: Moonshine under the grammar `hearth run`
 * ships (speechGrammar over HA's test home) decodes spoken timer, clock and
 * refusal requests into HA's intent and slot names, and PocketSphinx over the
 * full built-in sentence set still rejects unrelated real speech. The
 * commands are synthetic (Flite's `slt` voice reading them), the unrelated
 * speech real (../shared/data/speech-misc).
 *
 * PocketSphinx itself no longer decodes these commands since the built-in
 * grammar doubled (1,113 words): it rejects them as out of grammar (see the
 * README's voice section); Moonshine is the default engine.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import { commandIntents, speechGrammar } from "../../../agent/service/voice-extension.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { PocketSphinxRecognizer } from "../../../models/asr/pocketsphinx.ts";
import { isRejected } from "../../../models/asr/recognizer.ts";
import { synthesizeFlite } from "../../../models/tts/flite.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();
let recognizer: PocketSphinxRecognizer;
let moonshine: MoonshineGrammarRecognizer | undefined;
let shipped: ReturnType<typeof speechGrammar>;

const CASES: [string, string, Record<string, unknown>][] = [
  ["set a timer for five minutes", "HassStartTimer", { minutes: 5 }],
  ["set a timer for one hour and thirty minutes", "HassStartTimer", { hours: 1, minutes: 30 }],
  ["how much time is left on the timer", "HassTimerStatus", {}],
  ["cancel the timer", "HassCancelTimer", {}],
  ["pause the timer", "HassPauseTimer", {}],
  ["add two minutes to the timer", "HassIncreaseTimer", { minutes: 2 }],
  ["what time is it", "HassGetCurrentTime", {}],
  ["what is the date today", "HassGetCurrentDate", {}],
  ["what is the weather like today", "HassGetWeather", {}],
];
const spoken = new Map<string, Awaited<ReturnType<typeof synthesizeFlite>>>();

// Flite speaks every case first; one recognizer is loaded at a time (Moonshine for the first
// test, PocketSphinx for the second), which keeps the file's peak memory down.
before(async () => {
  if (missing) return;
  for (const [text] of CASES) spoken.set(text, await synthesizeFlite(text, "slt"));
  shipped = speechGrammar(loadFixtures(sharedData("intents", "ha-en-fixtures.yaml")), []);
  moonshine = await MoonshineGrammarRecognizer.create(shipped.sentences, { families: shipped.families });
});
after(() => {
  recognizer?.close();
  moonshine?.close();
});

test("spoken timer, clock and refusal requests decode into HA's intents and slots (synthetic voice)", { skip: missing }, async () => {
  const wrong: string[] = [];
  const intents = commandIntents(shipped);
  for (const [text, intent, slots] of CASES) {
    const audio = spoken.get(text)!;
    assert.equal(audio.sampleRate, 16000);
    const result = await moonshine!.recognize(audio.samples, { intents });
    const got = isRejected(result) ? `rejected (${result.reason})` : `${result.intent} ${JSON.stringify(result.slots)}`;
    if (got !== `${intent} ${JSON.stringify(slots)}`) wrong.push(`"${text}": ${got}`);
  }
  assert.deepEqual(wrong, []);
});

test("unrelated real speech is still rejected under the whole built-in grammar", { skip: missing }, async () => {
  moonshine?.close();
  moonshine = undefined;
  recognizer = await PocketSphinxRecognizer.create(buildSentenceSet(loadFixtures(sharedData("intents", "ha-en-fixtures.yaml")), []));
  const accepted: string[] = [];
  for (const f of ["rhino_out_of_context.flac", "cards_001.flac", "cards_002.flac", "cards_003.flac", "cards_004.flac", "cards_005.flac", "vosk_digits.flac"]) {
    const path = sharedData("speech-misc", f);
    if (!existsSync(path)) continue;
    const result = await recognizer.recognize(await decodeFile(path));
    if (!isRejected(result)) accepted.push(`${f}: "${result.text}"`);
  }
  assert.deepEqual(accepted, []);
});
