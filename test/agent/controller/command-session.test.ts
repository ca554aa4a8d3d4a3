import assert from "node:assert/strict";
import { test } from "node:test";
import { SimulatedClock } from "xstate";
import type { Entity, OutgoingMessage } from "../../../devices/entity.ts";
import { SessionRunner } from "../../../agent/controller/session-runner.ts";
import type { CommandSessionActors } from "../../../agent/controller/command-session.ts";
import type { SessionEvent, Understanding } from "../../../agent/controller/types.ts";

const lock: Entity = {
  id: "lock.front_door", domain: "lock", name: "Front Door", aliases: [], area: "Entrance",
  attributes: {}, available: true, source: "test", readOnly: false,
};
const unlockMessage: OutgoingMessage = { topic: "z2m/front_door/set", payload: '{"state":"UNLOCK"}', qos: 1, retain: false };

function harness(understanding: (text: string) => Understanding) {
  const published: OutgoingMessage[][] = [];
  const events: SessionEvent[] = [];
  const actors: CommandSessionActors = {
    understand: async (request) => understanding(request.text),
    act: async ({ targets, messages }) => {
      const sent = targets.length ? targets.map(() => unlockMessage) : messages;
      published.push(sent);
      return sent;
    },
    respond: async (event) => {
      events.push(event);
    },
  };
  const clock = new SimulatedClock();
  const runner = new SessionRunner(actors, { confirmationTimeoutMs: 10_000, clarificationTimeoutMs: 8_000 }, clock);
  return { runner, clock, published, events };
}

const unlock = (): Understanding => ({
  kind: "act", intent: "HassTurnOff", slots: { name: "Front Door" },
  targets: [{ entity: lock, action: { type: "unlock" } }],
  response: "Unlocked the front door", confirmation: "Are you sure you want to unlock the front door?",
});

test("a sensitive action waits for yes, then acts", async () => {
  const h = harness((text) => (text === "unlock the front door" ? unlock() : { kind: "not_understood", response: "Sorry, I didn't understand" }));
  const first = await h.runner.submit({ text: "unlock the front door", origin: { kind: "cli" } });
  assert.equal(first.type, "confirmation_requested");
  assert.equal(first.response, "Are you sure you want to unlock the front door?");
  assert.equal(h.runner.state, "confirming");
  assert.equal(h.published.length, 0);
  const second = await h.runner.submit({ text: "yes", origin: { kind: "cli" } });
  assert.equal(second.type, "command");
  assert.deepEqual(second.messages, [unlockMessage]);
  assert.deepEqual(second.targets, ["lock.front_door"]);
  assert.equal(second.response, "Unlocked the front door");
  assert.equal(h.runner.state, "idle");
});

test("anything but yes cancels a confirmation", async () => {
  const h = harness(unlock);
  await h.runner.submit({ text: "unlock the front door", origin: { kind: "cli" } });
  const answer = await h.runner.submit({ text: "no way", origin: { kind: "cli" } });
  assert.equal(answer.response, "Okay, I won't do that.");
  assert.equal(h.published.length, 0);
});

test("an unanswered confirmation times out on the named delay and sends nothing", async () => {
  const h = harness(unlock);
  await h.runner.submit({ text: "unlock the front door", origin: { kind: "cli" } });
  const timedOut = new Promise<SessionEvent>((resolve) => h.runner.onEvent((e) => e.type === "timeout" && resolve(e)));
  h.clock.increment(9_999);
  assert.equal(h.runner.state, "confirming");
  h.clock.increment(1);
  const event = await timedOut;
  assert.equal(event.response, "No confirmation, so I did nothing.");
  assert.equal(h.published.length, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(h.runner.state, "idle");
});

test("a clarification question takes the next text as its answer", async () => {
  const kitchen: Entity = { ...lock, id: "light.kitchen_lamp", domain: "light", name: "Lamp", area: "Kitchen" };
  const bedroom: Entity = { ...kitchen, id: "light.bedroom_lamp", area: "Bedroom" };
  const seen: (string | undefined)[] = [];
  const h = harness(() => ({ kind: "not_understood", response: "?" }));
  const actors: CommandSessionActors = {
    understand: async (request, pending) => {
      seen.push(pending?.question);
      if (!pending) return { kind: "clarify", intent: "HassTurnOn", slots: { name: "lamp" }, question: "Which lamp: Kitchen or Bedroom?", candidates: [kitchen, bedroom] };
      const chosen = pending.candidates.find((c) => request.text.includes(c.area!.toLowerCase()))!;
      return { kind: "act", intent: "HassTurnOn", slots: { name: "Lamp", area: chosen.area }, targets: [{ entity: chosen, action: { type: "turn_on" } }], response: `Turned on the ${chosen.area} lamp` };
    },
    act: async ({ targets }) => targets.map((t) => ({ topic: `${t.entity.id}/set`, payload: "ON", qos: 0 as const, retain: false })),
    respond: async () => {},
  };
  const runner = new SessionRunner(actors, { confirmationTimeoutMs: 1000, clarificationTimeoutMs: 1000 }, h.clock);
  const question = await runner.submit({ text: "turn on the lamp", origin: { kind: "cli" } });
  assert.equal(question.type, "clarification_requested");
  assert.deepEqual(question.targets, ["light.kitchen_lamp", "light.bedroom_lamp"]);
  const done = await runner.submit({ text: "the kitchen", origin: { kind: "cli" } });
  assert.deepEqual(done.messages, [{ topic: "light.kitchen_lamp/set", payload: "ON", qos: 0, retain: false }]);
  assert.deepEqual(seen, [undefined, "Which lamp: Kitchen or Bedroom?"]);
});

test("a failing actor is answered, not thrown, and the session returns to idle", async () => {
  const h = harness(() => {
    throw new Error("recognizer exploded");
  });
  const event = await h.runner.submit({ text: "anything", origin: { kind: "cli" } });
  assert.equal(event.error, "recognizer exploded");
  assert.equal(event.response, "Sorry, something went wrong.");
  const again = await h.runner.submit({ text: "anything", origin: { kind: "cli" } });
  assert.equal(again.error, "recognizer exploded");
});

test("a new command instead of an answer drops the pending sensitive action and is handled itself", async () => {
  const light: Entity = { ...lock, id: "light.kitchen", domain: "light", name: "Kitchen Light", area: "Kitchen" };
  const h = harness((text) =>
    text === "unlock the front door"
      ? unlock()
      : { kind: "act", intent: "HassTurnOn", slots: { name: "Kitchen Light" }, targets: [{ entity: light, action: { type: "turn_on" } }], response: "Turned on Kitchen Light" },
  );
  await h.runner.submit({ text: "unlock the front door", origin: { kind: "cli" } });
  const next = await h.runner.submit({ text: "turn on the kitchen light", origin: { kind: "cli" } });
  assert.equal(next.response, "Turned on Kitchen Light");
  assert.deepEqual(next.targets, ["light.kitchen"]);
  assert.equal(h.published.length, 1, "only the light's command was sent");
  assert.ok(!h.events.some((e) => e.response === "Unlocked the front door"));
  assert.equal(h.runner.state, "idle");
});

test("a yes from another room or input answers nothing: the sensitive action is dropped, never carried out", async () => {
  const h = harness((text) => (text === "unlock the front door" ? unlock() : { kind: "not_understood", response: "Sorry, I didn't understand" }));
  const kitchen = { kind: "mqtt" as const, source: "hearth/box/text", area: "Kitchen" };
  await h.runner.submit({ text: "unlock the front door", origin: kitchen });
  const elsewhere = await h.runner.submit({ text: "yes", origin: { ...kitchen, area: "Bedroom" } });
  assert.equal(elsewhere.type, "command");
  assert.equal(elsewhere.response, "Sorry, I didn't understand");
  assert.equal(h.runner.state, "idle");
  await h.runner.submit({ text: "unlock the front door", origin: kitchen });
  await h.runner.submit({ text: "yes", origin: { kind: "voice", source: "bedroom mic", area: "Kitchen" } });
  assert.equal(h.published.length, 0, "nothing unlocked");
  // From where it was asked, the yes still confirms.
  await h.runner.submit({ text: "unlock the front door", origin: kitchen });
  const same = await h.runner.submit({ text: "yes", origin: { ...kitchen, id: "reply-2" } });
  assert.deepEqual(same.messages, [unlockMessage]);
});
