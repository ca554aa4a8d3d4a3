import assert from "node:assert/strict";
import { test } from "node:test";
import { answerYesNo, chooseCandidate, REPLY_INTENT, withReplySentences } from "../../../agent/intent/follow-up.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { WordMatcher } from "../../../models/asr/match-words.ts";
import { WordNetwork } from "../../../models/asr/word-network.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

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

test("the speech grammar gets the follow-up replies: yes/no phrases and a candidate by name, area or position", () => {
  const registry = registryWith({ Bedroom: undefined, Office: undefined }, [entity("light.bedroom_lamp", { name: "Bedroom Lamp", area: "Bedroom" }), entity("light.desk", { name: "Desk Lamp", area: "Office" })]);
  const sentences = buildSentenceSet(registry, []);
  const withReplies = withReplySentences(sentences);
  assert.equal(withReplies.intents.length, sentences.intents.length + 1);
  const network = new WordNetwork(withReplies);
  const speakable = (text: string) => network.accepts(text.split(" "));
  for (const reply of ["yes", "go ahead", "no", "don't", "never mind", "please", "the second one", "the bedroom one", "office", "the desk lamp"]) assert.ok(speakable(reply), reply);
  assert.ok(!speakable("the purple one"));
  assert.ok(!new WordNetwork(sentences).accepts(["yes"]), "the command sentences alone have no bare yes");
  const match = new WordMatcher(withReplies).match(["go", "ahead"]);
  assert.equal(match?.intent, REPLY_INTENT);
});
