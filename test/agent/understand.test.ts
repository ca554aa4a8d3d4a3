/** The understander's follow-up turn: a clarification answer picks a candidate; a new command drops the question. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveIntentRecognizer } from "../../agent/intent/recognizer.ts";
import { createUnderstander } from "../../agent/understand.ts";
import type { CommandRequest, Understanding } from "../../agent/controller/types.ts";
import { entity, registryWith } from "../helpers/entities.ts";

const registry = registryWith({ Porch: undefined, Garden: undefined }, [
  entity("switch.front_door_porch", { name: "Front Door", area: "Porch" }),
  entity("switch.front_door_garden", { name: "Front Door", area: "Garden" }),
  entity("switch.proto", { name: "Proto" }),
]);
const recognizer = new LiveIntentRecognizer(registry);
const understand = createUnderstander({ registry, recognizer, eventTopic: "hearth/test/event" });
const request = (text: string): CommandRequest => ({ text, origin: { kind: "cli" } });

test("an unrelated command after a clarification question is handled as a new command", async () => {
  const question = await understand(request("turn on front door"));
  assert.equal(question.kind, "clarify");
  const next = await understand(request("turn on proto"), question as Extract<Understanding, { kind: "clarify" }>);
  assert.equal(next.kind, "act");
  if (next.kind === "act") assert.deepEqual(next.targets.map((t) => t.entity.id), ["switch.proto"]);
});

test("an answer to the clarification still picks the candidate, and gibberish is no answer", async () => {
  const question = (await understand(request("turn on front door"))) as Extract<Understanding, { kind: "clarify" }>;
  const picked = await understand(request("the garden one"), question);
  assert.equal(picked.kind, "act");
  if (picked.kind === "act") assert.deepEqual(picked.targets.map((t) => t.entity.id), ["switch.front_door_garden"]);
  const none = await understand(request("banana"), question);
  assert.equal(none.kind, "not_understood");
});
