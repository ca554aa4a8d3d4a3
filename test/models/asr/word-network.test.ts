/**
 * The word network the grammar-constrained decoders walk: optional words,
 * alternatives, list values (spoken `in` words, range lists as number words),
 * expansion rules, wildcard sentences left out, deterministic (memoised)
 * states, final flags, and the barista example's real orders.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileCustomIntents, customIntentsSchema, loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { NO_FILLERS } from "../../../models/asr/fillers.ts";
import { WordMatcher } from "../../../models/asr/match-words.ts";
import { WordNetwork, type NetworkState } from "../../../models/asr/word-network.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

const intents = (doc: unknown) => compileCustomIntents(customIntentsSchema.parse(doc), "x.yaml");
/** The sentences exactly as written (fillers have tests of their own). */
const network = (doc: unknown) => new WordNetwork(intents(doc), { fillers: NO_FILLERS });
const says = (net: WordNetwork, sentence: string) => net.accepts(sentence.split(" ").filter(Boolean));

/** The state after `sentence` from the start, or null when some word cannot follow. */
function walk(net: WordNetwork, sentence: string): NetworkState | null {
  let state: NetworkState | null = net.start();
  for (const word of sentence.split(" ").filter(Boolean)) {
    state = net.next(state, word);
    if (!state) return null;
  }
  return state;
}

test("optional words may be said or left out", () => {
  const net = network({ intents: { Stop: { data: [{ sentences: ["[please] stop [the] music [now]"] }] } } });
  for (const s of ["stop music", "please stop music", "stop the music", "please stop the music now", "stop music now"]) assert.ok(says(net, s), s);
  for (const s of ["please", "stop", "stop the", "music", "please please stop music", "stop music now now", "stop now music"]) assert.ok(!says(net, s), s);
  assert.equal(net.accepts([]), false, "the empty sentence is not a command");
});

test("alternatives, optional alternatives and several sentences and intents", () => {
  const net = network({
    intents: {
      Lights: { data: [{ sentences: ["(turn|switch) (on|off) [the|all] lights", "lights (on|off)"] }] },
      Hello: { data: [{ sentences: ["(hi|hello) hearth"] }] },
    },
  });
  for (const s of ["turn on lights", "switch off the lights", "turn off all lights", "lights on", "lights off", "hi hearth", "hello hearth"]) assert.ok(says(net, s), s);
  for (const s of ["turn lights", "turn on the all lights", "turn switch on lights", "lights", "hearth", "hi hello hearth", "lights on hearth"]) assert.ok(!says(net, s), s);
  // Words that may start a sentence, spoken form, sorted and without duplicates.
  assert.deepEqual(net.start().words, ["hello", "hi", "lights", "switch", "turn"]);
  assert.deepEqual(walk(net, "turn on")!.words, ["all", "lights", "the"]);
});

test("list values are their spoken `in` words; range lists are number words", () => {
  const net = network({
    intents: {
      SetBrightness: { data: [{ sentences: ["set [the] {name} to {level} percent", "(dim|lower) {name:target}"] }] },
      Pick: { data: [{ sentences: ["pick {n}"] }] },
    },
    lists: {
      name: { values: ["kitchen light", { in: "lamp", out: "light.living_lamp" }, { in: "TV 2", out: "media_player.tv" }] },
      level: { range: { from: 0, to: 100, step: 25 } },
      n: { range: { from: -2, to: 2 } },
    },
  });
  for (const s of ["set the kitchen light to fifty percent", "set lamp to zero percent", "set the lamp to seventy five percent", "set lamp to one hundred percent", "dim lamp", "lower kitchen light"]) {
    assert.ok(says(net, s), s);
  }
  // Only the spoken form of a value is a word: never its `out` value, nor digits.
  assert.ok(!says(net, "dim light.living_lamp"));
  assert.ok(!says(net, "dim media_player.tv"));
  assert.ok(says(net, "dim tv two"), "digits in a value are said as number words");
  assert.ok(!says(net, "dim tv 2"));
  assert.ok(!says(net, "set lamp to 50 percent"));
  // Only the steps of the range.
  assert.ok(!says(net, "set lamp to thirty percent"));
  assert.ok(!says(net, "set lamp to one hundred twenty five percent"));
  assert.ok(!says(net, "set lamp to seventy percent"), "seventy alone is not seventy five");
  for (const s of ["pick minus two", "pick minus one", "pick zero", "pick one", "pick two"]) assert.ok(says(net, s), s);
  assert.ok(!says(net, "pick three"));
  assert.ok(!says(net, "pick minus"));
  assert.deepEqual(walk(net, "set the")!.words, ["kitchen", "lamp", "tv"]);
});

test("expansion rules expand in place, nested and inside alternatives", () => {
  const net = network({
    intents: { Hello: { data: [{ sentences: ["<greet> hearth [<please>]", "<please> <greet>"] }] } },
    expansion_rules: { greet: "(hi|hello) [there]", please: "(please|<pretty> please)", pretty: "pretty" },
  });
  for (const s of ["hi hearth", "hello there hearth", "hi hearth please", "hello hearth pretty please", "please hi", "pretty please hello there"]) assert.ok(says(net, s), s);
  for (const s of ["greet hearth", "hearth", "there hearth", "pretty hi", "hi there", "please"]) assert.ok(!says(net, s), s);
});

test("a rule that refers to itself is cut at a fixed depth instead of looping", () => {
  const net = network({ intents: { Count: { data: [{ sentences: ["<r> done"] }] } }, expansion_rules: { r: "tick [<r>]" } });
  assert.ok(says(net, "tick done"));
  assert.ok(says(net, "tick tick tick done"));
  assert.ok(!says(net, "done"));
  assert.ok(!says(net, Array(50).fill("tick").join(" ") + " done"), "the recursion is bounded");
});

test("sentences with a wildcard list are left out, the others stay", () => {
  const net = network({
    intents: {
      Note: { data: [{ sentences: ["remember {anything}", "forget it"] }] },
      Search: { data: [{ sentences: ["search for {anything} please"] }] },
    },
    lists: { anything: { wildcard: true } },
  });
  assert.ok(says(net, "forget it"));
  assert.ok(!says(net, "remember"));
  assert.ok(!says(net, "search for please"));
  assert.deepEqual(net.start().words, ["forget"], "no wildcard sentence is entered at all");
  assert.equal(net.next(net.start(), "remember"), null);
  assert.equal(net.next(net.start(), "search"), null);
});

test("a sentence with a wildcard anywhere is left out whole, as in the JSGF grammar", () => {
  const net = network({ intents: { Media: { data: [{ sentences: ["(play {song} | stop) [now]", "pause"] }] } }, lists: { song: { wildcard: true } } });
  assert.ok(says(net, "pause"));
  assert.ok(!says(net, "stop now"));
  assert.deepEqual(net.start().words, ["pause"]);
  assert.deepEqual(net.skipped, ['Media: "(play {song} | stop) [now]" (wildcard slot)'], "reported, in the JSGF grammar's wording");
});

test("an alternative option that cannot be expressed leaves no dead-end word behind", () => {
  // `<loop>` never ends, so the option "tick <loop>" fails at the depth limit after adding "tick".
  const net = network({ intents: { Clock: { data: [{ sentences: ["(tick <loop> | stop) [now]"] }] } }, expansion_rules: { loop: "tick <loop>" } });
  assert.ok(says(net, "stop now"));
  // A decoder must not be offered "tick": nothing after it can ever finish a sentence.
  assert.deepEqual(net.start().words, ["stop"]);
  assert.equal(net.next(net.start(), "tick"), null);
});

test("states are deterministic: the same words always reach the same state", () => {
  const net = network({
    intents: {
      Stop: { data: [{ sentences: ["[please] stop", "(stop|halt) [now]"] }] },
      Order: { data: [{ sentences: ["{drink} with {milk}"] }] },
    },
    lists: { drink: { values: ["latte", "flat white"] }, milk: { values: ["a lot of milk", "a lot of cream", "milk"] } },
  });
  // Walking the same words twice (memoised or not) gives the very same state.
  const a = walk(net, "latte with a lot of")!;
  const b = walk(net, "latte with a lot of")!;
  assert.equal(a.id, b.id);
  assert.equal(a, b);
  assert.deepEqual(a.words, ["cream", "milk"], "values sharing a prefix are one state after it");
  assert.equal(net.start().id, net.start().id);
  // Different word paths that end in the same set of places share one state: the beam search merges them.
  assert.equal(walk(net, "latte with")!.id, walk(net, "flat white with")!.id);
  assert.equal(walk(net, "latte with milk")!.final, true);
  // "stop" from two sentences is one state (one of them may go on with "now").
  const stop = walk(net, "stop")!;
  assert.equal(walk(net, "please stop")!.final, true);
  assert.deepEqual(stop.words, ["now"]);
  assert.notEqual(stop.id, walk(net, "please stop")!.id, "after 'please' only the first sentence is left");
  assert.equal(walk(net, "stop now")!.id, walk(net, "halt now")!.id);
  // Distinct places in the network are distinct states.
  const distinct = ["", "stop", "please", "please stop", "latte", "latte with", "latte with a"];
  assert.equal(new Set(distinct.map((s) => walk(net, s)!.id)).size, distinct.length);
});

test("final flags: only whole sentences are final, and a final state may still go on", () => {
  const net = network({ intents: { Coffee: { data: [{ sentences: ["[a] {drink} [please]"] }] } }, lists: { drink: { values: ["latte", "iced coffee"] } } });
  assert.equal(net.start().final, false);
  assert.equal(walk(net, "a")!.final, false);
  assert.equal(walk(net, "iced")!.final, false);
  const latte = walk(net, "a latte")!;
  assert.equal(latte.final, true);
  assert.deepEqual(latte.words, ["please"]);
  const please = walk(net, "iced coffee please")!;
  assert.equal(please.final, true);
  assert.deepEqual(please.words, []);
  // A sentence made only of optional parts makes the start state final.
  const all = network({ intents: { Any: { data: [{ sentences: ["[hey] [there]"] }] } } });
  assert.equal(all.start().final, true);
  assert.equal(all.accepts([]), true);
});

test("next() is null for a word that cannot follow, and accepts() stops there", () => {
  const net = network({ intents: { Coffee: { data: [{ sentences: ["make {drink}"] }] } }, lists: { drink: { values: ["latte", "mocha"] } } });
  const start = net.start();
  assert.equal(net.next(start, "latte"), null);
  assert.equal(net.next(start, "Make"), null, "words are spoken form, lower case");
  assert.equal(net.next(start, ""), null);
  const make = net.next(start, "make")!;
  assert.ok(make);
  assert.equal(net.next(make, "make"), null);
  assert.equal(net.next(make, "tea"), null);
  // Asking again (cached) gives the same answers.
  assert.equal(net.next(make, "tea"), null);
  assert.equal(net.next(start, "make"), make);
  assert.equal(net.next(walk(net, "make latte")!, "mocha"), null);
  assert.ok(!net.accepts(["make", "tea", "latte"]));
});

test("no expressible sentence is an error naming the intents file", () => {
  const wildcardOnly = { intents: { Note: { data: [{ sentences: ["remember {anything}", "{anything}"] }] } }, lists: { anything: { wildcard: true } } };
  assert.throws(() => network(wildcardOnly), /^Error: x\.yaml: no sentence can be turned into a word network$/);
  assert.throws(
    () => new WordNetwork(compileCustomIntents(customIntentsSchema.parse(wildcardOnly), "/etc/hearth/notes.yaml")),
    (err: Error) => err.message.startsWith("/etc/hearth/notes.yaml:"),
  );
  assert.throws(() => network({ intents: {} }), /x\.yaml: no sentence/);
});

test("the barista example accepts real orders and nothing else", () => {
  const net = new WordNetwork(loadCustomIntents(join(root, "examples/barista.yaml")), { fillers: NO_FILLERS });
  for (const s of [
    "can i get a large double shot latte with a little bit of soy milk",
    "i'd like a medium dark roast cappuccino please",
    "espresso",
    "give me an eight ounce single shot iced coffee with a lot of sweetener and almond milk",
    "brew a twelve ounce light roast triple shot americano with brown sugar and some cream please",
    "latte with lots of whole milk",
  ]) {
    assert.ok(says(net, s), s);
  }
  for (const s of [
    "latte latte",
    "can i get",
    "can i get a",
    "large",
    "latte with",
    "latte with soy",
    "latte with sugar and sugar and milk",
    "a large small medium dark roast latte",
    "please latte",
    "latte please please",
    "can i get a large double shot latte with a little bit of soy",
  ]) {
    assert.ok(!says(net, s), s);
  }
  // Up to three modifiers in any order; a fourth has no place.
  assert.ok(says(net, "large dark roast double shot mocha"));
  assert.ok(!says(net, "large dark roast double shot small mocha"));
});

test("a slot is filled at most once per sentence, in the network and in the matcher", () => {
  const barista = loadCustomIntents(join(root, "examples/barista.yaml"));
  const net = new WordNetwork(barista);
  for (const s of ["large dark roast double shot mocha", "twelve ounce coffee", "double shot large latte"]) assert.ok(says(net, s), s);
  for (const s of ["twelve ounce twelve ounce twelve ounce coffee", "sixteen ounce twelve ounce mocha", "single shot double shot latte", "light roast dark roast latte", "large small latte"]) {
    assert.ok(!says(net, s), s);
  }
  assert.deepEqual(walk(net, "large")!.words.filter((w) => ["small", "twelve", "large", "medium"].includes(w)), ["medium"], "after a size no second size: only \"medium\" of medium roast");
  const matcher = new WordMatcher(barista);
  assert.equal(matcher.match("sixteen ounce twelve ounce mocha".split(" ")), null, "a transcript with a repeated slot is rejected");
  assert.deepEqual(matcher.match("large double shot mocha".split(" "))?.slots, { size: "large", numberOfShots: "double shot", coffeeDrink: "mocha" });
  // The slot mask is per sentence: two sentences filling the same slot do not block each other.
  const two = network({ intents: { A: { data: [{ sentences: ["{n} and {n}", "{n}"] }] } }, lists: { n: { values: ["one", "two"] } } });
  assert.ok(!says(two, "one and two"), "the same slot twice within one sentence");
  assert.ok(says(two, "two"));
});

test("fillers in speech as in text: please anywhere once, could you / can you / hey at the start", () => {
  const barista = loadCustomIntents(join(root, "examples/barista.yaml"));
  const net = new WordNetwork(barista);
  const matcher = new WordMatcher(barista);
  for (const s of ["could you make me a large latte please", "can you please brew a mocha", "please a latte", "hey could you get me an espresso", "a large please latte with milk"]) {
    assert.ok(says(net, s), s);
    assert.equal(matcher.match(s.split(" "))?.intent, "orderDrink", s);
  }
  assert.equal(matcher.match("can you please brew a mocha".split(" "))?.slots.coffeeDrink, "mocha");
  for (const s of ["please please please latte", "latte could you", "could you", "please"]) assert.ok(!says(net, s), s);
  assert.equal(walk(net, "large latte")!.continues, true, "a longer order goes on from here");
  assert.equal(walk(net, "large latte with milk and sugar please")!.continues, false, "nothing but fillers may follow");
  assert.equal(walk(net, "large latte with milk and sugar please")!.final, true);
});

test("start() restricted to some intents decodes only their sentences", () => {
  const net = network({ intents: { Coffee: { data: [{ sentences: ["latte"] }] }, Reply: { data: [{ sentences: ["yes", "the first"] }] } } });
  assert.ok(net.accepts(["yes"]));
  assert.ok(!net.accepts(["yes"], new Set(["Coffee"])));
  assert.ok(net.accepts(["latte"], new Set(["Coffee"])));
  assert.deepEqual(net.start(new Set(["Reply"])).words, ["the", "yes"]);
  assert.equal(net.start(new Set(["Coffee"])), net.start(new Set(["Coffee"])), "memoised");
  assert.throws(() => net.start(new Set(["Nope"])), /no sentence of the intents Nope/);
  assert.deepEqual(net.intents, ["Coffee", "Reply"]);
});

test("a slot list is one shared sub-network: its names cost their size once, however many sentences say {name}", () => {
  const doc = (sentences: number, names: number) => ({
    intents: { TurnOn: { data: [{ sentences: Array.from({ length: sentences }, (_, i) => `turn on [the] {name} ${["now", "please", "quickly", "today"][i % 4]} ${"x".repeat(i + 1)}`) }] } },
    lists: { name: { values: Array.from({ length: names }, (_, i) => `lamp number ${i}`) } },
  });
  // 2,000 more names add the same nodes under 1 sentence as under 40 (a copy per occurrence would add 40 times as many).
  const growth = (sentences: number) => network(doc(sentences, 3000)).size - network(doc(sentences, 1000)).size;
  assert.equal(growth(40), growth(1));
  assert.ok(growth(1) < 2000 * 6, `${growth(1)} nodes for 2,000 names`);
  const net = network(doc(40, 3000));
  assert.ok(says(net, "turn on the lamp number two thousand nine hundred ninety nine quickly xxx"));
  assert.ok(!says(net, "turn on the lamp number three thousand quickly xxx"), "only the list's values");
  // Each call returns to its own sentence: the value does not carry "now" into a "quickly" sentence.
  assert.ok(!says(net, "turn on lamp number five now xxx"));
  assert.ok(says(net, "turn on lamp number five now xxxxx"));
});

test("two slots of one list in a sentence, and states that share next words share a vocabulary", () => {
  const net = network({
    intents: {
      Move: { data: [{ sentences: ["move {name:from} to {name:to}"] }] },
      Dim: { data: [{ sentences: ["dim {name} slowly", "brighten {name} quickly"] }] },
    },
    lists: { name: { values: ["desk lamp", "desk fan", "hall light"] } },
  });
  assert.ok(says(net, "move desk lamp to hall light"));
  assert.ok(says(net, "move desk fan to desk fan"), "two slots, each filled once");
  assert.ok(!says(net, "move desk lamp to"), "the second slot is still open");
  assert.ok(says(net, "dim desk fan slowly") && says(net, "brighten hall light quickly"));
  assert.ok(!says(net, "dim desk fan quickly"), "a value returns to the sentence that called the list");
  const afterDim = walk(net, "dim")!;
  const afterBrighten = walk(net, "brighten")!;
  assert.notEqual(afterDim.id, afterBrighten.id);
  assert.equal(afterDim.vocabulary, afterBrighten.vocabulary);
  assert.deepEqual(afterDim.words, ["desk", "hall"]);
  assert.deepEqual(net.vocabulary(), ["brighten", "desk", "dim", "fan", "hall", "lamp", "light", "move", "quickly", "slowly", "to"]);
});

test("WordNetwork.create builds the same network in slices that give the event loop back", async () => {
  const doc = {
    intents: { TurnOn: { data: [{ sentences: Array.from({ length: 300 }, (_, i) => `turn on {name} number ${i}`) }] } },
    lists: { name: { values: ["desk lamp", "hall light"] } },
  };
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const sliced = await WordNetwork.create(intents(doc), { fillers: NO_FILLERS, sliceMs: 0 });
  clearInterval(timer);
  assert.ok(ticks > 0, "timers ran during the build");
  const whole = network(doc);
  assert.equal(sliced.size, whole.size);
  for (const s of ["turn on desk lamp number two hundred ninety nine", "turn on hall light number zero"]) assert.ok(says(sliced, s) && says(whole, s), s);
  assert.ok(!says(sliced, "turn on desk lamp number three hundred"));
});
