import assert from "node:assert/strict";
import { test } from "node:test";
import { runDemo } from "../../../agent/demo/scenario.ts";

test("the built-in demo drives every simulated device through real discovery and commands", async () => {
  const lines: string[] = [];
  const events = await runDemo((line) => lines.push(line));
  const byText = new Map(events.map((e, i) => [`${i}:${e.text}`, e]));
  const at = (i: number) => [...byText.values()][i]!;
  assert.equal(events.length, 15);
  assert.deepEqual(at(0).messages, [{ topic: "tasmota_4C11AE/cmnd/POWER", payload: "ON", qos: 0, retain: false }]);
  assert.equal(at(1).messages[0]!.payload, '{"state":"ON","brightness":102}');
  assert.equal(at(3).messages[0]!.payload, "CLOSE");
  assert.equal(at(4).messages[0]!.payload, "21.5");
  assert.match(at(5).response, /20\.5 degrees/);
  assert.equal(at(7).response, "Yes");
  assert.equal(at(9).type, "confirmation_requested");
  assert.equal(at(9).messages.length, 0);
  assert.equal(at(10).messages[0]!.payload, "OPEN");
  assert.equal(at(11).type, "confirmation_requested");
  assert.deepEqual(at(12).messages, [], "no unlock after no");
  assert.equal(at(13).intent, null);
  assert.equal(at(13).response, "Sorry, I didn't understand");
  assert.ok(lines.some((l) => l.includes("← light.kitchen_ceiling: on")), lines.join("\n"));
  assert.ok(lines.some((l) => l.includes("← cover.garage_node_garage_door: open")), lines.join("\n"));
});
