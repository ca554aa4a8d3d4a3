/** The SLURP scorer's rules on the real rows and home, and the floor it guards: no false action out of domain. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateSlurp, expectedTargets, loadSlurpSet, placeArea, type SlurpCase } from "../../bench/slurp-eval.ts";
import { sharedData, sharedDataMissing } from "../helpers/shared-data.ts";

const dataDir = sharedData("intents");
const row = (action: string, entities: SlurpCase["entities"] = []): SlurpCase => ({ line: 0, id: 0, sentence: "", scenario: "iot", action, entities });

test("SLURP places map onto the home's areas, the context area or the whole home; unknown places skip the row", (t) => {
  const missing = sharedDataMissing();
  if (missing) return t.skip(missing);
  const { registry } = loadSlurpSet(dataDir);
  assert.equal(placeArea("bed room", registry, "Living Room"), "Bedroom");
  assert.equal(placeArea("the kitchen", registry, "Living Room"), "Kitchen");
  assert.equal(placeArea("hall", registry, "Living Room"), "Hallway");
  assert.equal(placeArea("room", registry, "Office"), "Office");
  assert.equal(placeArea("whole house", registry, "Living Room"), "*");
  assert.equal(placeArea("flat", registry, "Living Room"), "*");
  assert.equal(placeArea("garden", registry, "Living Room"), undefined);

  assert.deepEqual(expectedTargets(row("hue_lightoff"), registry), { ids: ["light.living_room"] });
  assert.deepEqual(expectedTargets(row("hue_lightdim", [{ type: "house_place", words: "bedroom" }]), registry), { ids: ["light.bedroom"] });
  assert.equal((expectedTargets(row("hue_lighton", [{ type: "house_place", words: "house" }]), registry) as { ids: string[] }).ids.length, 8);
  assert.ok("skip" in expectedTargets(row("hue_lighton", [{ type: "house_place", words: "garden" }]), registry));
  assert.deepEqual(expectedTargets(row("wemo_on", [{ type: "device_type", words: "wemo plug socket" }]), registry), { ids: ["switch.wemo"] });
  assert.deepEqual(expectedTargets(row("wemo_on", [{ type: "device_type", words: "smart plug" }]), registry), { ids: ["switch.smart_plug"] });
  assert.deepEqual(expectedTargets(row("wemo_off", [{ type: "device_type", words: "socket" }]), registry), { ids: ["switch.smart_plug", "switch.wemo"] });
  assert.deepEqual(expectedTargets(row("cleaning", [{ type: "house_place", words: "kitchen" }]), registry), { ids: ["vacuum.robot_vacuum"] });
  assert.ok("skip" in expectedTargets(row("coffee"), registry));
});

test("SLURP dev: no out-of-domain request makes hearth act on a device, and some in-scope ones succeed", async (t) => {
  const missing = sharedDataMissing();
  if (missing) return t.skip(missing);
  const report = await evaluateSlurp(loadSlurpSet(dataDir));
  assert.ok(report.outOfDomain.total > 1000, `only ${report.outOfDomain.total} out-of-domain rows`);
  assert.deepEqual(report.falseActions.map((f) => `${f.sentence} → ${f.intent} ${f.targets.join(",")}`), []);
  assert.ok(report.inScope.scored > 50 && report.inScope.correct > 0, JSON.stringify(report.inScope));
  assert.equal(report.failures.length + report.inScope.correct, report.inScope.scored, "every scored row is a success or a listed failure");
});
