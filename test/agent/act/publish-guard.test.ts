import assert from "node:assert/strict";
import { test } from "node:test";
import { judgePublish, PublishGuard, type GuardContext, type PublishSource } from "../../../agent/act/publish-guard.ts";
import type { Understanding } from "../../../agent/controller/types.ts";
import type { Entity } from "../../../devices/entity.ts";
import { EntityRegistry } from "../../../devices/registry.ts";

const entity = (id: string, config: Record<string, unknown>, fields: Partial<Entity> = {}): Entity => ({
  id, domain: id.split(".")[0] as Entity["domain"], name: id.split(".")[1]!.replace(/_/g, " "), aliases: [], attributes: {}, available: true, source: "test", readOnly: false, config, ...fields,
});

const frontLock = entity("lock.front_door", { command_topic: "nu/front/set", state_topic: "nu/front/state" });
const garage = entity("cover.garage", { command_topic: "z2m/garage/set" }, { device_class: "garage" });
const heater = entity("switch.heater", { command_topic: "z2m/heater/set" });
const sneaky = entity("switch.sneaky", { command_topic: "nu/front/set", payload_on: "UNLOCK" });
const light = entity("light.hall", { command_topic: "z2m/hall/set", brightness_command_topic: "z2m/hall/bri" });
const cover = entity("cover.vent", { set_position_topic: "z2m/vent/set/position" });

const context: GuardContext = {
  discoveryPrefix: "homeassistant",
  agentId: "box",
  configured: new Set(["kitchen/coffee/order", "nu/front/set", "hearth/other/text", "homeassistant/light/x/config"]),
  sensitiveOn: (topic) => [frontLock, garage, heater].filter((e) => e.config!.command_topic === topic && e !== heater),
  confirmListed: (id) => id === "switch.heater",
};

const of = (e: Entity): PublishSource => ({ kind: "entity", entity: e });
const own: PublishSource = { kind: "own" };
const configured: PublishSource = { kind: "configured" };

/** [why, topic, source, expected: "refuse" | "allow" | "confirm", reason fragment] */
const CASES: [string, string, PublishSource, "refuse" | "allow" | "confirm", string][] = [
  // Topics nobody may publish to.
  ["a + wildcard", "z2m/+/set", of(light), "refuse", "wildcards"],
  ["a # wildcard (switch-wildcard.json)", "#", of(entity("switch.wild", { command_topic: "#" })), "refuse", "wildcards"],
  ["NUL", "z2m/hall/set\u0000", of(light), "refuse", "U+0000"],
  ["an empty topic", "", configured, "refuse", "empty"],
  ["$SYS", "$SYS/broker/clients", configured, "refuse", "belong to the broker"],
  ["$SYS from hearth's own code", "$SYS/x", own, "refuse", "belong to the broker"],
  // Entity commands.
  ["an entity's own command topic", "z2m/hall/set", of(light), "allow", "command topic of light.hall"],
  ["another command topic of the same entity", "z2m/hall/bri", of(light), "allow", "command topic of light.hall"],
  ["a cover's set_position_topic", "z2m/vent/set/position", of(cover), "allow", "command topic of cover.vent"],
  ["a topic the entity does not name", "z2m/other/set", of(light), "refuse", "not a command topic of light.hall"],
  ["a state topic", "nu/front/state", of(frontLock), "refuse", "not a command topic"],
  ["a discovery config (switch-writes-discovery.json)", "homeassistant/lock/nu_front/config", of(entity("switch.hall", { command_topic: "homeassistant/lock/nu_front/config" })), "refuse", "discovery prefix"],
  ["another agent's text (switch-other-agent-text.json)", "hearth/other/text", of(entity("switch.porch", { command_topic: "hearth/other/text" })), "refuse", "hearth agent's topic"],
  ["hearth's own status (switch-own-status.json)", "hearth/box/status", of(entity("switch.fake", { command_topic: "hearth/box/status" })), "refuse", "hearth agent's topic"],
  ["hearth's own text (switch-own-text.json)", "hearth/box/text", of(entity("switch.loop", { command_topic: "hearth/box/text" })), "refuse", "own text input"],
  ["the lock's own topic, by the lock: judged by its action", "nu/front/set", of(frontLock), "allow", "command topic of lock.front_door"],
  ["the lock's topic by another entity (switch-sneaky-shares-lock-topic.json)", "nu/front/set", of(sneaky), "confirm", "this also commands front door (same command topic nu/front/set)"],
  ["a garage door's topic by another entity", "z2m/garage/set", of(entity("light.x", { command_topic: "z2m/garage/set" })), "confirm", "garage"],
  ["an entity on the confirm list", "z2m/heater/set", of(heater), "confirm", "confirm list"],
  // Configured raw messages (custom intents, rules).
  ["a configured topic", "kitchen/coffee/order", configured, "allow", "configured action"],
  ["a topic the config does not name", "kitchen/other", configured, "refuse", "not a topic the config names"],
  ["a configured lock topic", "nu/front/set", configured, "confirm", "front door"],
  ["another agent's topic, even if configured", "hearth/other/text", configured, "refuse", "another hearth agent"],
  ["a discovery topic, even if configured", "homeassistant/light/x/config", configured, "refuse", "discovery prefix"],
  ["hearth's own intent event topic", "hearth/box/intent", configured, "allow", "own topic"],
  ["hearth's own text from a rule", "hearth/box/text", configured, "refuse", "own text input"],
  // hearth's own code paths.
  ["own status", "hearth/box/status", own, "allow", "own topic"],
  ["own events", "hearth/box/events", own, "allow", "own topic"],
  ["own discovery announcement", "homeassistant/device/box/config", own, "allow", "own discovery"],
  ["another device's discovery config", "homeassistant/device/other/config", own, "refuse", "not one of hearth's own"],
  ["own text input", "hearth/box/text", own, "refuse", "not one of hearth's own"],
  ["another agent's topic", "hearth/other/events", own, "refuse", "not one of hearth's own"],
];

test("judgePublish: every rule of the publish guard", () => {
  for (const [why, topic, source, expected, fragment] of CASES) {
    const verdict = judgePublish(topic, source, context);
    const got = !verdict.allowed ? "refuse" : verdict.confirm ? "confirm" : "allow";
    assert.equal(got, expected, `${why}: ${JSON.stringify(verdict)}`);
    const text = verdict.allowed && verdict.confirm ? verdict.confirm : verdict.reason;
    assert.ok(text.includes(fragment), `${why}: ${JSON.stringify(verdict)} should mention ${fragment}`);
  }
});

test("at discovery (no agent id) the entity rules still hold", () => {
  const at = { discoveryPrefix: "homeassistant" };
  assert.equal(judgePublish("hearth/any/text", of(entity("switch.a", { command_topic: "hearth/any/text" })), at).allowed, false);
  assert.equal(judgePublish("homeassistant/switch/a/config", of(entity("switch.a", { command_topic: "homeassistant/switch/a/config" })), at).allowed, false);
  assert.equal(judgePublish("z/a/set", of(entity("switch.a", { command_topic: "z/a/set" })), at).allowed, true);
});

const act = (target: Entity, action: { type: string } = { type: "turn_on" }): Understanding => ({
  kind: "act", intent: "HassTurnOn", slots: {}, targets: [{ entity: target, action: action as never }], response: "Done",
});

test("PublishGuard asks for confirmation by topic, not by the commanded entity's domain", () => {
  const registry = new EntityRegistry();
  for (const e of [frontLock, sneaky, light, heater]) registry.upsert(e);
  const guard = new PublishGuard(registry, "box", "homeassistant", ["switch.heat*"]);
  const porch = guard.confirmationFor(act(sneaky));
  assert.equal(porch.kind === "act" && porch.confirmation, "Are you sure? This also commands front door (same command topic nu/front/set).");
  assert.equal((guard.confirmationFor(act(light)) as { confirmation?: string }).confirmation, undefined, "a plain light asks nothing");
  assert.match((guard.confirmationFor(act(heater)) as { confirmation?: string }).confirmation!, /confirm list/);
  assert.equal((guard.confirmationFor(act(frontLock, { type: "lock" })) as { confirmation?: string }).confirmation, undefined, "locking the lock itself asks nothing");
  const factoryReset = entity("button.factory_reset", { command_topic: "z2m/tp/set/factory_reset", payload_press: "reset" }, { category: "config" });
  registry.upsert(factoryReset);
  assert.match((guard.confirmationFor(act(factoryReset, { type: "press" })) as { confirmation?: string }).confirmation!, /configuration setting/);
  const raw: Understanding = { kind: "custom", intent: "letMeIn", slots: {}, messages: [{ topic: "nu/front/set", payload: "UNLOCK", qos: 1, retain: false }], response: "Done" };
  guard.allowConfigured("nu/front/set");
  assert.match((guard.confirmationFor(raw) as { confirmation?: string }).confirmation!, /front door/);
  // The index follows the registry: once the lock is gone, its topic is an ordinary one.
  registry.remove(frontLock.id);
  assert.equal((guard.confirmationFor(act(sneaky)) as { confirmation?: string }).confirmation, undefined);
});

test("'everything' never asks: a target on a lock's command topic is left out, the rest are commanded", () => {
  const registry = new EntityRegistry();
  for (const e of [frontLock, sneaky, light]) registry.upsert(e);
  const guard = new PublishGuard(registry, "box", "homeassistant");
  const everything: Understanding = {
    kind: "act", intent: "HassTurnOn", slots: { everything: true }, response: "Turned on all the devices",
    targets: [{ entity: sneaky, action: { type: "turn_on" } }, { entity: light, action: { type: "turn_on" } }],
  };
  const checked = guard.confirmationFor(everything);
  assert.equal(checked.kind, "act");
  assert.equal(checked.kind === "act" && checked.confirmation, undefined, "no question a yes could answer");
  assert.deepEqual(checked.kind === "act" && checked.targets.map((t) => t.entity.id), [light.id]);
  const onlySneaky = guard.confirmationFor({ ...everything, targets: [{ entity: sneaky, action: { type: "turn_on" } }] });
  assert.equal(onlySneaky.kind, "error");
  // Named on its own, the same switch still asks first.
  assert.match((guard.confirmationFor(act(sneaky)) as { confirmation?: string }).confirmation!, /front door/);
});
