import assert from "node:assert/strict";
import { test } from "node:test";
import { answerYesNo, chooseCandidate } from "../../../agent/intent/follow-up.ts";
import { entity } from "../../helpers/entities.ts";

test("yes and no to a confirmation", () => {
  for (const yes of ["yes", "Yes please", "yeah, do it", "sure", "OK", "go ahead", "please"]) assert.equal(answerYesNo(yes), true, yes);
  for (const no of ["no", "No thanks", "nope", "cancel", "don't", "never mind", "stop"]) assert.equal(answerYesNo(no), false, no);
  for (const neither of ["maybe", "what?", "turn on the lights", ""]) assert.equal(answerYesNo(neither), undefined, neither);
});

test("which candidate a reply names", () => {
  const bedroom = entity("light.bedroom_lamp", { name: "Lamp", area: "Bedroom" });
  const office = entity("light.office_lamp", { name: "Lamp", area: "Office" });
  const hall = entity("light.hall", { name: "Hall Light", area: "Living Room" });
  const lamps = [bedroom, office];
  assert.equal(chooseCandidate("the one in the bedroom", lamps), bedroom);
  assert.equal(chooseCandidate("Office", lamps), office);
  assert.equal(chooseCandidate("lamp in office please", lamps), office);
  assert.equal(chooseCandidate("the second one", lamps), office);
  assert.equal(chooseCandidate("the first", lamps), bedroom);
  assert.equal(chooseCandidate("the last one", lamps), office);
  assert.equal(chooseCandidate("hall light", [bedroom, hall]), hall);
  assert.equal(chooseCandidate("the living room one", [bedroom, hall]), hall);
  assert.equal(chooseCandidate("the lamp", lamps), undefined, "both are lamps");
  assert.equal(chooseCandidate("the kitchen", lamps), undefined);
  // Same name and area: told apart by kind.
  const phoneBattery = entity("binary_sensor.phone_battery", { name: "Phone", device_class: "battery" });
  const phonePlug = entity("binary_sensor.phone_plug", { name: "Phone", device_class: "plug" });
  assert.equal(chooseCandidate("the battery", [phoneBattery, phonePlug]), phoneBattery);
});
