import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileCustomIntents, customIntentsSchema, loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { buildGrammar, prefixTree } from "../../../models/asr/grammar.ts";
import { letterToSound } from "../../../models/asr/letter-to-sound.ts";
import { WordMatcher } from "../../../models/asr/match-words.ts";
import { numberToWords, spokenWords } from "../../../models/asr/spoken-words.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

const intents = (doc: unknown) => compileCustomIntents(customIntentsSchema.parse(doc), "test.yaml");

const lights = intents({
  intents: {
    SetBrightness: { data: [{ sentences: ["[please] set [the] {name} to {level} percent", "(dim|lower) {name:target}"], slots: { domain: "light" } }] },
    Hello: { data: [{ sentences: ["<greet> hearth"] }] },
  },
  lists: {
    name: { values: ["kitchen light", { in: "lamp", out: "light.living_lamp" }] },
    level: { range: { from: 0, to: 100, step: 25 } },
  },
  expansion_rules: { greet: "(hi|hello) [there]" },
});

test("numbers and symbols become spoken words", () => {
  assert.deepEqual(numberToWords(0), ["zero"]);
  assert.deepEqual(numberToWords(75), ["seventy", "five"]);
  assert.deepEqual(numberToWords(120), ["one", "hundred", "twenty"]);
  assert.deepEqual(numberToWords(2005), ["two", "thousand", "five"]);
  assert.deepEqual(spokenWords("50%"), ["fifty", "percent"]);
  assert.deepEqual(spokenWords("21.5°"), ["twenty", "one", "point", "five", "degrees"]);
  assert.deepEqual(spokenWords("i'd"), ["i'd"]);
  // A hyphen inside a token joins a name to its number; only a leading one is a minus sign.
  assert.deepEqual(spokenWords("tv-2"), ["tv", "two"]);
  assert.deepEqual(spokenWords("-2"), ["minus", "two"]);
  // A Zigbee2MQTT name with a 12-digit serial crashed the speech grammar of a 5,000-entity home.
  assert.deepEqual(spokenWords("100050060900"), ["one", "zero", "zero", "zero", "five", "zero", "zero", "six", "zero", "nine", "zero", "zero"]);
  assert.deepEqual(spokenWords("1234567890.5"), ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero", "point", "five"]);
  assert.throws(() => numberToWords(1.5), RangeError);
});

test("grammar has one rule per intent, list and expansion rule, with alternatives and optionals", () => {
  const { jsgf, words, skipped } = buildGrammar(lights);
  assert.match(jsgf, /^#JSGF V1\.0;\ngrammar hearth;\npublic <command> = <intent_SetBrightness> \| <intent_Hello>;/);
  assert.ok(jsgf.includes("<intent_SetBrightness> = ([please] set [the] <list_name> to <list_level> percent) | ((dim | lower) <list_name>);"), jsgf);
  assert.ok(jsgf.includes("<list_name> = (kitchen light | lamp);"), jsgf);
  assert.ok(jsgf.includes("<list_level> = (zero | twenty five | fifty | seventy five | one hundred);"), jsgf);
  assert.ok(jsgf.includes("<rule_greet> = (hi | hello) [there];"), jsgf);
  assert.deepEqual(skipped, []);
  for (const w of ["please", "kitchen", "lamp", "seventy", "hundred", "hello", "there", "hearth"]) assert.ok(words.includes(w), w);
});

test("sentences with wildcard slots are left out of the grammar and reported", () => {
  const g = buildGrammar(
    intents({
      intents: { Note: { data: [{ sentences: ["remember {anything}", "forget it"] }] } },
      lists: { anything: { wildcard: true } },
    }),
  );
  assert.deepEqual(g.skipped, ['Note: "remember {anything}" (wildcard slot)']);
  assert.ok(g.jsgf.includes("<intent_Note> = (forget it);"), g.jsgf);
  assert.throws(
    () => buildGrammar(intents({ intents: { Note: { data: [{ sentences: ["{anything}"] }] } }, lists: { anything: { wildcard: true } } })),
    /test\.yaml: no sentence can be turned into a speech grammar/,
  );
});

test("decoded words map back to intent, list slots (with out values), range numbers and fixed slots", () => {
  const m = new WordMatcher(lights);
  assert.deepEqual(m.match("please set the kitchen light to seventy five percent".split(" ")), {
    intent: "SetBrightness",
    slots: { domain: "light", name: "kitchen light", level: 75 },
  });
  assert.deepEqual(m.match("dim lamp".split(" ")), { intent: "SetBrightness", slots: { domain: "light", target: "light.living_lamp" } });
  assert.deepEqual(m.match("hello there hearth".split(" ")), { intent: "Hello", slots: {} });
  assert.equal(m.match("set the kitchen light to".split(" ")), null);
  assert.equal(m.match("dim the lamp".split(" ")), null);
});

test("the barista file parses, builds a grammar, and its quantity phrases land in the amount slots", () => {
  const barista = loadCustomIntents(join(root, "examples/barista.yaml"));
  const { words } = buildGrammar(barista);
  assert.ok(words.includes("cappuccino") && words.includes("sweetener"));
  const m = new WordMatcher(barista);
  assert.deepEqual(m.match("can i get a large dark roast double shot latte with a little bit of soy milk and lots of brown sugar".split(" ")), {
    intent: "orderDrink",
    slots: { size: "large", roast: "dark roast", numberOfShots: "double shot", coffeeDrink: "latte", milkAmount: "a little bit of soy milk", sugarAmount: "lots of brown sugar" },
  });
  assert.deepEqual(m.match("medium roast mocha with sugar".split(" ")), { intent: "orderDrink", slots: { roast: "medium roast", coffeeDrink: "mocha", sugarAmount: "sugar" } });
  assert.deepEqual(barista.intents[0]!.action, { mqtt: { topic: "kitchen/coffee_maker/order", payload: "{{ slots | dump }}", qos: 1, retain: false } });
});

test("letter-to-sound gives ARPAbet for unknown words", () => {
  assert.equal(letterToSound("zorb"), "Z AO R B");
  assert.equal(letterToSound("shade"), "SH EY D");
  assert.equal(letterToSound("nice"), "N AY S");
  assert.equal(letterToSound("tv"), "T V");
  assert.match(letterToSound("hearthstone"), /^[A-Z]+( [A-Z]+)*$/);
  assert.equal(letterToSound("---"), "");
});

test("list values share their common prefixes in the grammar", () => {
  const split = (v: string[]) => v.map((s) => s.split(" "));
  assert.equal(prefixTree(split(["a lot of milk", "a lot of cream", "a bit of milk", "milk"])), "(a (lot of (milk | cream) | bit of milk) | milk)");
  assert.equal(prefixTree(split(["milk", "milk please"])), "milk [please]");
});

test("the JSGF fills a slot at most once per sentence: repeated optional slot choices become selections of distinct slots", () => {
  const jsgf = buildGrammar(loadCustomIntents(join(root, "examples/barista.yaml"))).jsgf;
  const rule = jsgf.split("\n").find((l) => l.startsWith("<intent_orderDrink>"))!;
  assert.ok(!rule.includes("<rule_modifier>"), "no free repetition of the modifier rule");
  const selections = rule.slice(rule.indexOf("[<list_size>"), rule.indexOf("] <list_coffeeDrink>") + 1);
  const options = selections.slice(1, -1).split(" | ");
  assert.equal(options.length, 15, "3 + 6 + 6 ordered selections of size, roast and shots");
  for (const o of options) {
    const slots = o.split(" ");
    assert.equal(new Set(slots).size, slots.length, `a slot twice in "${o}"`);
  }
});
