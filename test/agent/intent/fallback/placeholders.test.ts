/**
 * The fallback's delexicalisation keeps the words the templates say: a value
 * of a closed list said in template words ("off" of a water heater's modes)
 * stays words in training and in the text alike, and a number fills a slot
 * only where its sentences would say it (before the unit they always say).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileCustomIntents, customIntentsSchema } from "../../../../agent/intent/custom-intents.ts";
import { literalWords, valuePlaceholder } from "../../../../agent/intent/fallback/expand.ts";
import { FallbackRecognizer } from "../../../../agent/intent/fallback/recognizer.ts";

const modes = ["eco", "electric", "performance", "high demand", "heat pump", "gas", "off", "away", "boost"];
const set = compileCustomIntents(customIntentsSchema.parse({
  intents: {
    HassTurnOff: { data: [{ sentences: ["(turn|switch) off [the] {name}", "(turn|switch) [the] {name} off"] }] },
    HassTurnOn: { data: [{ sentences: ["(turn|switch) on [the] {name}", "(turn|switch) [the] {name} on"] }] },
    HassWaterHeaterMode: { data: [{ sentences: ["set [the] water heater to {water_heater_mode:mode} [mode]"] }] },
    HassSirenOn: { data: [{ sentences: ["sound [the] siren for {minutes} (minute|minutes)"] }] },
  },
  lists: {
    name: { values: ["Garage Light", "Hall Lamp"] },
    water_heater_mode: { values: modes },
    minutes: { range: { from: 1, to: 30 } },
  },
}));

test("a closed list's value said in template words is no placeholder; other values and names are", () => {
  const literal = literalWords(set);
  assert.ok(literal.has("off") && literal.has("water") && !literal.has("eco"));
  const list = set.lists.water_heater_mode;
  assert.equal(valuePlaceholder("water_heater_mode", list, ["off"], literal), undefined);
  assert.equal(valuePlaceholder("water_heater_mode", list, ["eco"], literal), "{water_heater_mode}");
  assert.equal(valuePlaceholder("name", set.lists.name, ["off"], literal), "{name}");
});

test("'off' stays the verb's word, and a number without the unit its sentences always say fills no slot", () => {
  const fallback = new FallbackRecognizer(set);
  const off = fallback.recognize("please turn off the garage lihgt")[0];
  assert.equal(off?.intent, "HassTurnOff");
  assert.deepEqual(off?.slots, { name: "Garage Light" });
  const mode = fallback.recognize("put the water heater to off mode please")[0];
  assert.equal(mode?.intent, "HassWaterHeaterMode");
  assert.deepEqual(mode?.slots, { mode: "off" });
  assert.deepEqual(fallback.recognize("sound the siren for 5 minutes now")[0]?.slots, { minutes: 5 });
  assert.ok(!fallback.recognize("sound the siren for 5").some((r) => r.slots.minutes !== undefined));
});
