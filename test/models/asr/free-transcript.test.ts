/**
 * Moonshine's free transcript on real recordings (../shared/data/speech-misc):
 * speech the grammar rejects comes back rejected and, when it is speech
 * rather than noise, with what the decoder writes unconstrained, for the text
 * fallback recognizer. A home command decoded under the coffee grammar is
 * rejected and transcribed; noise carries no transcript.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { isRejected } from "../../../models/asr/recognizer.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const misc = sharedData("speech-misc");
const skip = sharedDataMissing() ?? (existsSync(misc) ? undefined : `../shared absent: ${misc} not found`);

let coffee: MoonshineGrammarRecognizer;

before(async () => {
  if (skip) return;
  coffee = await MoonshineGrammarRecognizer.create(loadCustomIntents(join(root, "examples/barista.yaml")));
});
after(() => coffee?.close());

async function pcmOf(file: string): Promise<Int16Array> {
  return decodeFile(file);
}

test("a home command outside the coffee grammar is rejected with Moonshine's free transcript", { skip }, async () => {
  const result = await coffee.recognize(await pcmOf(join(misc, "turn_on_the_living_room_lamp.flac")));
  assert.ok(isRejected(result), JSON.stringify(result));
  assert.match(result.transcript ?? "", /turn on the living room lamp/i);
  assert.ok(result.transcriptLogProb! <= 0);
});

test("unrelated speech is rejected with a transcript; the fallback decides what it is worth", { skip }, async () => {
  const result = await coffee.recognize(await pcmOf(join(misc, "rhino_out_of_context.flac")));
  assert.ok(isRejected(result));
  assert.ok((result.transcript ?? "").split(" ").length >= 3, JSON.stringify(result));
});

test("without freeTranscript a rejection carries no transcript", { skip }, async () => {
  const plain = await MoonshineGrammarRecognizer.create(loadCustomIntents(join(root, "examples/barista.yaml")), { freeTranscript: false });
  try {
    const result = await plain.recognize(await pcmOf(join(misc, "turn_on_the_living_room_lamp.flac")));
    assert.ok(isRejected(result));
    assert.equal(result.transcript, undefined);
  } finally {
    plain.close();
  }
});
