import assert from "node:assert/strict";
import { test } from "node:test";
import { PublishGuard } from "../../../agent/act/publish-guard.ts";
import type { Entity } from "../../../devices/entity.ts";
import { EntityRegistry } from "../../../devices/registry.ts";

const entity = (id: string, config: Record<string, unknown>, readOnly = false): Entity => ({
  id, domain: id.split(".")[0] as Entity["domain"], name: id, aliases: [], attributes: {}, available: true, source: "test", readOnly, config,
});

test("only own topics, entity command topics and configured topics may be published to", () => {
  const registry = new EntityRegistry();
  registry.upsert(entity("light.hall", { command_topic: "z2m/hall/set", state_topic: "z2m/hall" }));
  registry.upsert(entity("cover.vent", { set_position_topic: "z2m/vent/set/position" }));
  registry.upsert(entity("sensor.temp", { state_topic: "z2m/temp" }, true));
  const guard = new PublishGuard(registry, "box", "homeassistant");
  guard.allowConfigured("kitchen/coffee_maker/order");
  assert.equal(guard.reason("z2m/hall/set"), "command topic of light.hall");
  assert.equal(guard.reason("z2m/vent/set/position"), "command topic of cover.vent");
  assert.equal(guard.reason("hearth/box/events"), "own topic");
  assert.equal(guard.reason("homeassistant/device/box/config"), "own discovery");
  assert.equal(guard.reason("kitchen/coffee_maker/order"), "configured action");
  for (const refused of ["z2m/hall", "z2m/temp", "hearth/other/events", "homeassistant/light/x/config", "#"]) assert.equal(guard.allows(refused), false, refused);
});

test("a discovered entity commanding hearth's own text topic is refused (it would loop forever)", () => {
  const registry = new EntityRegistry();
  registry.upsert(entity("light.looper", { schema: "template", command_topic: "hearth/box/text" }));
  const guard = new PublishGuard(registry, "box", "homeassistant");
  assert.equal(guard.allows("hearth/box/text"), false);
});
