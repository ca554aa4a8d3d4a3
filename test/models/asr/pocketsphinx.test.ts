/**
 * The grammar recognizer on real recordings: barista orders from
 * ../shared/data/spoken-commands/barista decoded into the right intent and
 * slots; unrelated speech (../shared/data/speech-misc) and noise rejected
 * under the coffee grammar and a small home grammar.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { compileCustomIntents, customIntentsSchema, loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { PocketSphinxRecognizer } from "../../../models/asr/pocketsphinx.ts";
import { isRejected } from "../../../models/asr/recognizer.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const data = join(root, "../shared/data");
const barista = join(data, "spoken-commands/barista");
const haveData = existsSync(barista);

let coffee: PocketSphinxRecognizer;
let home: PocketSphinxRecognizer;

before(async () => {
  if (!haveData) return;
  coffee = await PocketSphinxRecognizer.create(loadCustomIntents(join(root, "examples/barista.yaml")));
  home = await PocketSphinxRecognizer.create(loadCustomIntents(join(root, "test/fixtures/home-intents.yaml")));
});
after(() => {
  coffee?.close();
  home?.close();
});

test("barista orders decode into intent and exact slots (20 real clips)", async (t) => {
  if (!haveData) return t.skip(`../shared absent: ${barista} not found`);
  const labels = JSON.parse(readFileSync(join(barista, "labels.json"), "utf8")) as Record<string, { intent: string; slots: Record<string, string> }>;
  // Every tenth clip: 20 speakers spread over the set.
  const files = Object.keys(labels).sort().filter((_, i) => i % 10 === 3);
  let understood = 0;
  const misses: string[] = [];
  for (const f of files) {
    const result = await coffee.recognize(await decodeFile(join(barista, "clips", f)));
    const want = labels[f]!;
    const ok = !isRejected(result) && result.intent === want.intent && JSON.stringify(Object.entries(result.slots ?? {}).sort()) === JSON.stringify(Object.entries(want.slots).sort());
    if (ok) understood++;
    else misses.push(`${f}: ${isRejected(result) ? result.reason : result.text}`);
    if (!isRejected(result)) assert.ok(result.confidence > 0 && result.confidence <= 1);
  }
  assert.equal(files.length, 20);
  assert.ok(understood >= 17, `only ${understood}/20 understood:\n${misses.join("\n")}`);
});

test("unrelated real speech is rejected under the coffee and the home grammar", async (t) => {
  if (!haveData) return t.skip(`../shared absent: ${data} not found`);
  for (const f of ["rhino_out_of_context.flac", "cards_001.flac", "cards_002.flac", "cards_003.flac", "cards_004.flac", "cards_005.flac", "vosk_digits.flac"]) {
    const pcm = await decodeFile(join(data, "speech-misc", f));
    for (const [name, rec] of [["coffee", coffee], ["home", home]] as const) {
      const result = await rec.recognize(pcm);
      assert.ok(isRejected(result), `${f} under the ${name} grammar became "${isRejected(result) ? "" : result.text}"`);
    }
  }
});

test("an in-domain home command is accepted by the home grammar only", async (t) => {
  if (!haveData) return t.skip(`../shared absent: ${data} not found`);
  const pcm = await decodeFile(join(data, "speech-misc/turn_on_the_living_room_lamp.flac"));
  const result = await home.recognize(pcm);
  assert.ok(!isRejected(result), isRejected(result) ? result.reason : "");
  assert.equal(result.intent, "HassTurnOn");
  assert.deepEqual(result.slots, { name: "living room lamp" });
  assert.ok(isRejected(await coffee.recognize(pcm)));
});

test("kitchen noise and silence are rejected", async (t) => {
  if (!haveData) return t.skip(`../shared absent: ${data} not found`);
  const dishes = await decodeFile(join(data, "noise/doing_the_dishes.flac"));
  for (let start = 0; start < 6 * 64_000; start += 64_000) {
    const result = await coffee.recognize(dishes.subarray(start, start + 64_000));
    assert.ok(isRejected(result), `dishes at ${start / 16_000} s became "${isRejected(result) ? "" : result.text}"`);
  }
  const silence = await coffee.recognize(new Int16Array(32_000));
  assert.ok(isRejected(silence));
  assert.ok(isRejected(await coffee.recognize(new Int16Array(800))), "50 ms is too short to be a command");
});

test("words missing from the dictionary get a letter-to-sound pronunciation and a warning; configured ones win", async () => {
  const intents = compileCustomIntents(
    customIntentsSchema.parse({ intents: { Play: { data: [{ sentences: ["play {station}"] }] } }, lists: { station: { values: ["zorblax radio", "frobnitz fm"] } } }),
    "radio.yaml",
  );
  const rec = await PocketSphinxRecognizer.create(intents, { pronunciations: { frobnitz: "F R AA B N IH T S" } });
  try {
    const report = rec.vocabularyReport;
    assert.deepEqual(Object.keys(report.guessed), ["zorblax"]);
    assert.match(report.guessed.zorblax!, /^Z AO R B L AE K S$/);
    assert.deepEqual(report.configured, ["frobnitz"]);
    // Regenerating the grammar (the registry changed) reports the same words again.
    assert.deepEqual(rec.setIntents(intents), report);
    assert.match(rec.jsgf, /<list_station> = \(zorblax radio \| frobnitz fm\);/);
  } finally {
    rec.close();
  }
  await assert.rejects(PocketSphinxRecognizer.create(intents, { pronunciations: { frobnitz: "F R QQ" } }), /asr\.pronunciations\.frobnitz: unknown phone\(s\) QQ/);
});
