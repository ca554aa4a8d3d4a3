/**
 * The speech grammar `hearth run` ships (speechGrammar: the built-in home sentences over HA's test home,
 * examples/barista.yaml, the follow-up replies) on spoken input, for what the text matcher accepts and the
 * spoken grammar used to miss or over-accept:
 * - fillers: the dev sentences of HA's tests that say "please", "could you", "can you", "for me" or
 *   "deactivate" (../shared/data/intents/ha-en-dev.jsonl), and coffee orders wrapped in fillers, decode into
 *   their intent (Moonshine, shipped grammar) and, for the orders, their exact slots (PocketSphinx too, under
 *   the barista grammar: it no longer decodes the whole built-in grammar, see the README);
 * - a slot said twice ("a sixteen ounce twelve ounce mocha") never comes out as a transcript naming it twice;
 * - replies only while a question is pending: a real recorded "yes" and "no" (../shared/data/speech-misc) and
 *   a spoken "twenty six percent" are no command with no question open, and are heard once one is.
 * The commands are synthetic (Flite's `slt` voice), spoken before any recognizer loads: this process crashed
 * (SIGSEGV) when Flite's WASI instance started next to loaded recognizers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { loadCustomIntents, type CustomIntents } from "../../../agent/intent/custom-intents.ts";
import { REPLY_INTENT, withReplySentences } from "../../../agent/intent/follow-up.ts";
import { commandIntents, speechGrammar, type SpeechGrammar } from "../../../agent/service/voice-extension.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { PocketSphinxRecognizer } from "../../../models/asr/pocketsphinx.ts";
import { isRejected, type RecognitionResult } from "../../../models/asr/recognizer.ts";
import { synthesizeFlite } from "../../../models/tts/flite.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const missing = sharedDataMissing();

/** Coffee orders in the text matcher's fillers, with the slots they must give. */
const ORDERS: [string, Record<string, string>][] = [
  ["could you make me a large latte please", { size: "large", coffeeDrink: "latte" }],
  ["can you please brew a small mocha", { size: "small", coffeeDrink: "mocha" }],
  ["please get me an espresso for me", { coffeeDrink: "espresso" }],
  ["hey can i get a double shot americano now", { numberOfShots: "double shot", coffeeDrink: "americano" }],
];
const TWICE = "can i get a sixteen ounce twelve ounce mocha";
const PERCENT = "twenty six percent";
const SIZES = ["eight ounce", "twelve ounce", "sixteen ounce", "twenty ounce", "small", "medium", "large"];

interface DevRow {
  text: string;
  intent: string;
}

let devRows: DevRow[] = [];
const spoken = new Map<string, Int16Array>();
let coffee: CustomIntents;
let shipped: SpeechGrammar;
let moonshine: MoonshineGrammarRecognizer | undefined;
let sphinx: PocketSphinxRecognizer | undefined;

before(async () => {
  if (missing) return;
  coffee = loadCustomIntents(join(root, "examples/barista.yaml"));
  shipped = speechGrammar(loadFixtures(sharedData("intents", "ha-en-fixtures.yaml")), [coffee]);
  const rows = readFileSync(sharedData("intents", "ha-en-dev.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as DevRow);
  // Every dev sentence with a filler or "deactivate", one in three (the file's cost on two shared cores).
  devRows = rows.filter((r) => /\b(please|could you|can you|for me|deactivate)\b/i.test(r.text)).filter((_, i) => i % 3 === 0);
  for (const text of [...devRows.map((r) => r.text), ...ORDERS.map(([t]) => t), TWICE, PERCENT]) {
    const audio = await synthesizeFlite(text, "slt");
    assert.equal(audio.sampleRate, 16_000);
    spoken.set(text, audio.samples);
  }
  moonshine = await MoonshineGrammarRecognizer.create(shipped.sentences, { families: shipped.families });
});
after(() => {
  moonshine?.close();
  sphinx?.close();
});

function describe(result: RecognitionResult): string {
  return isRejected(result) ? `rejected (${result.reason})` : `"${result.text}" ${result.intent} ${JSON.stringify(result.slots)}`;
}

test("spoken dev sentences with please, could you, can you, for me or deactivate decode into their intent (shipped grammar)", { skip: missing }, async () => {
  assert.ok(devRows.length >= 10, `only ${devRows.length} dev rows with fillers`);
  const commands = commandIntents(shipped);
  const wrong: string[] = [];
  for (const row of devRows) {
    const result = await moonshine!.recognize(spoken.get(row.text)!, { intents: commands });
    if (isRejected(result) || result.intent !== row.intent) wrong.push(`"${row.text}": ${describe(result)}, want ${row.intent}`);
  }
  // Flite's voice is no person's: allow one miss in the sample, never more.
  assert.ok(wrong.length <= 1, `${wrong.length}/${devRows.length} wrong:\n${wrong.join("\n")}`);
});

test("coffee orders wrapped in fillers decode into their exact slots (shipped grammar)", { skip: missing }, async () => {
  const commands = commandIntents(shipped);
  for (const [text, slots] of ORDERS) {
    const result = await moonshine!.recognize(spoken.get(text)!, { intents: commands });
    assert.ok(!isRejected(result) && result.intent === "orderDrink", `"${text}": ${describe(result)}`);
    assert.deepEqual(result.slots, slots, `"${text}": ${describe(result)}`);
  }
});

test("a size said twice never comes out as an order naming two sizes", { skip: missing }, async () => {
  const result = await moonshine!.recognize(spoken.get(TWICE)!, { intents: commandIntents(shipped) });
  if (!isRejected(result)) {
    const sizes = SIZES.filter((s) => ` ${result.text} `.includes(` ${s} `));
    assert.ok(sizes.length <= 1, `decoded ${describe(result)}`);
  } else assert.doesNotMatch(result.reason, /matches no intent sentence/, "the grammar let the repeated slot through to the matcher");
});

test("no question pending: a real 'yes' and 'no' and a spoken 'twenty six percent' are no command; with a question open they are heard", { skip: missing }, async () => {
  const commands = commandIntents(shipped);
  const cases: [string, Int16Array][] = [
    ["speech_commands_yes.flac", await decodeFile(sharedData("speech-misc", "speech_commands_yes.flac"))],
    ["speech_commands_no.flac", await decodeFile(sharedData("speech-misc", "speech_commands_no.flac"))],
    [PERCENT, spoken.get(PERCENT)!],
  ];
  for (const [what, pcm] of cases) {
    const idle = await moonshine!.recognize(pcm, { intents: commands });
    assert.ok(isRejected(idle), `${what} with no question pending: ${describe(idle)}`);
    const asked = await moonshine!.recognize(pcm);
    assert.ok(!isRejected(asked), `${what} with a question open: ${describe(asked)}`);
  }
  const yes = await moonshine!.recognize(cases[0]![1]);
  assert.ok(!isRejected(yes) && yes.intent === REPLY_INTENT && yes.text === "yes", describe(yes));
});

test("PocketSphinx: orders in fillers decode exactly, a slot said twice is decoded once, replies only when allowed", { skip: missing }, async () => {
  moonshine?.close();
  moonshine = undefined;
  const grammar = withReplySentences(coffee);
  sphinx = await PocketSphinxRecognizer.create(grammar);
  const commands = new Set(["orderDrink"]);
  const wrong: string[] = [];
  for (const [text, slots] of ORDERS) {
    const result = await sphinx.recognize(spoken.get(text)!, { intents: commands });
    if (isRejected(result) || result.intent !== "orderDrink" || JSON.stringify(result.slots) !== JSON.stringify(slots)) wrong.push(`"${text}": ${describe(result)}`);
  }
  // PocketSphinx hears no "large latte" in Flite's voice, fillers or none (as on main before them): one miss allowed.
  assert.ok(wrong.length <= 1, `${wrong.length}/${ORDERS.length} wrong:\n${wrong.join("\n")}`);

  const twice = await sphinx.recognize(spoken.get(TWICE)!, { intents: commands });
  if (!isRejected(twice)) assert.ok(SIZES.filter((s) => ` ${twice.text} `.includes(` ${s} `)).length <= 1, describe(twice));
  else assert.doesNotMatch(twice.reason, /matches no intent sentence/, "the JSGF let the repeated slot through to the matcher");

  const yes = await decodeFile(sharedData("speech-misc", "speech_commands_yes.flac"));
  const idle = await sphinx.recognize(yes, { intents: commands });
  assert.ok(isRejected(idle) || idle.intent === "orderDrink", `no question pending: ${describe(idle)}`);
  const asked = await sphinx.recognize(yes);
  assert.ok(!isRejected(asked) && asked.intent === REPLY_INTENT, `a question open: ${describe(asked)}`);
  // Back to the command grammar after the reply turn.
  const again = await sphinx.recognize(spoken.get(ORDERS[1]![0])!, { intents: commands });
  assert.ok(!isRejected(again) && again.intent === "orderDrink", describe(again));
  await assert.rejects(sphinx.recognize(yes, { intents: new Set(["NoSuchIntent"]) }), /no intent of the speech grammar is allowed \(asked for NoSuchIntent\)/);
});
