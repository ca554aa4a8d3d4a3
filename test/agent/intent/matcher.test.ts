import assert from "node:assert/strict";
import { test } from "node:test";
import { compileList, matchTemplate, NUMBER_TOKEN, requiredAnyOf, requiredWords, type CompiledList } from "../../../agent/intent/matcher.ts";
import { normalizeUtterance } from "../../../agent/intent/normalize.ts";
import { parseTemplate } from "../../../agent/intent/template.ts";

const lists = new Map<string, CompiledList>([
  ["area", compileList({ values: ["kitchen", "living room", { in: "living room annex", out: "Annex" }] })],
  ["name", compileList({ values: [{ in: "living room lamp", out: "Living Room Lamp", context: { domain: "light" } }, "lamp"] })],
  ["temperature", compileList({ range: { from: 5, to: 30, step: 1, fractions: "halves" } })],
  ["brightness", compileList({ range: { from: 0, to: 100, step: 10 } })],
  ["anything", compileList({ wildcard: true })],
]);
const rules = { the: parseTemplate("(the|my)") };

function match(template: string, text: string, wildcardLists: string[] = []) {
  return matchTemplate(parseTemplate(template), { tokens: normalizeUtterance(text), lists, rules, wildcardLists: new Set(wildcardLists) }).map((s) =>
    Object.fromEntries(Object.entries(s.slots).map(([k, v]) => [k, v.value])),
  );
}

test("multi-word list values, with backtracking over values of different lengths", () => {
  assert.deepEqual(match("turn on [<the>] {area} lights", "turn on the living room lights"), [{ area: "living room" }]);
  assert.deepEqual(match("turn on [<the>] {area} lights", "turn on the living room annex lights"), [{ area: "Annex" }]);
  // Both readings of "living room lamp" consume the whole text: the matcher returns both, the recognizer ranks them.
  const readings = match("turn on ({name}|{area} {name})", "turn on living room lamp");
  assert.equal(readings.length, 2);
  assert.ok(readings.some((r) => r.name === "Living Room Lamp" && r.area === undefined));
  assert.ok(readings.some((r) => r.name === "lamp" && r.area === "living room"));
});

test("optional parts and alternatives; the whole text must be consumed", () => {
  assert.deepEqual(match("[please] (switch|turn) off [all] [the] lights", "turn off the lights"), [{}]);
  assert.deepEqual(match("(switch|turn) off the lights", "turn off the lights upstairs"), []);
  assert.deepEqual(match("(switch|turn) off the lights", "turn off"), []);
});

test("ranges take digits and number words, with halves when allowed and on the step", () => {
  assert.deepEqual(match("set to {temperature} degrees", "set to twenty one degrees"), [{ temperature: 21 }]);
  assert.deepEqual(match("set to {temperature} degrees", "set to 21.5°"), [{ temperature: 21.5 }]);
  assert.deepEqual(match("set to {temperature} degrees", "set to 21.3 degrees"), []);
  assert.deepEqual(match("set to {temperature} degrees", "set to 31 degrees"), []);
  assert.deepEqual(match("{brightness} percent", "40%"), [{ brightness: 40 }]);
  assert.deepEqual(match("{brightness} percent", "45%"), []);
});

test("a slot filled twice must agree; wildcards keep the raw words", () => {
  assert.deepEqual(match("{area} lights in [the] {area}", "kitchen lights in the kitchen"), [{ area: "kitchen" }]);
  assert.deepEqual(match("{area} lights in [the] {area}", "kitchen lights in the living room"), []);
  assert.deepEqual(match("play {anything} loudly", "play Bohemian Rhapsody loudly"), [{ anything: "Bohemian Rhapsody" }]);
  assert.deepEqual(match("turn on {name}", "turn on the Radio", ["name"]).map((r) => r.name), ["the Radio"]);
});

test("required words: only what every reading of a template says", () => {
  const tree = parseTemplate("[please] (turn|switch) off [the] (light|lights) in <the> {area}");
  assert.deepEqual([...requiredWords(tree, rules)].sort(), ["in", "off"]);
  assert.deepEqual([...requiredWords(parseTemplate("(what is|what's) the temperature"), rules)].sort(), ["temperature", "the", "what"]);
});

test("requiredAnyOf: words, the first words of a required list, a number for a range; optional parts and wildcards say nothing", () => {
  const sets = (template: string, wildcardLists: string[] = []) =>
    requiredAnyOf(parseTemplate(template), rules, lists, new Set(wildcardLists)).map((set) => [...set].sort());
  assert.deepEqual(sets("[<the>] {area} lights"), [["kitchen", "living"], ["lights"]]);
  assert.deepEqual(sets("set {name} to {brightness} [percent]"), [["set"], ["lamp", "living"], ["to"], [NUMBER_TOKEN]]);
  assert.deepEqual(sets("set {name} to {brightness}", ["name"]), [["set"], ["to"], [NUMBER_TOKEN]]);
  assert.deepEqual(sets("(dim|brighten <the>) {anything}"), [["brighten", "dim"]]);
  assert.deepEqual(sets("[dim] (lights|{anything})"), []);
  // Every text that matches meets every set.
  for (const [template, text] of [["turn on [<the>] {area} lights", "turn on the living room lights"], ["set {name} to {brightness} [percent]", "set lamp to 40 percent"]] as const) {
    assert.equal(match(template, text).length, 1);
    const present = new Set([...normalizeUtterance(text).map((t) => t.text), NUMBER_TOKEN]);
    for (const set of requiredAnyOf(parseTemplate(template), rules, lists, new Set())) assert.ok([...set].some((w) => present.has(w)), template);
  }
});
