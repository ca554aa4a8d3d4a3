import assert from "node:assert/strict";
import { test } from "node:test";
import { entity, registryWith } from "../helpers/entities.ts";

test("namesVersion moves with names, aliases, areas and floors, never with state or availability", () => {
  const registry = registryWith({ Office: undefined, Bedroom: undefined }, [entity("light.desk", { name: "Desk Lamp", area: "Office" })]);
  const v0 = registry.namesVersion;
  registry.setState("light.desk", "on", { brightness: 200 });
  registry.setAvailable("light.desk", false);
  assert.equal(registry.namesVersion, v0, "state and availability leave the version alone");
  // A re-announcement with the same names (discovery repeats retained configs) is no change either.
  registry.upsert({ ...registry.get("light.desk")!, state: "off" });
  assert.equal(registry.namesVersion, v0);
  registry.upsert({ ...registry.get("light.desk")!, aliases: ["reading light"] });
  const v1 = registry.namesVersion;
  assert.ok(v1 > v0, "a new alias is a change");
  registry.upsert({ ...registry.get("light.desk")!, area: "Bedroom" });
  assert.ok(registry.namesVersion > v1, "a move to another area is a change");
  const v2 = registry.namesVersion;
  registry.addArea({ id: "attic", name: "Attic", aliases: [] });
  assert.ok(registry.namesVersion > v2, "a new area is a change");
  const v3 = registry.namesVersion;
  assert.equal(registry.remove("light.nothing"), false);
  assert.equal(registry.namesVersion, v3, "removing nothing changes nothing");
  registry.remove("light.desk");
  assert.ok(registry.namesVersion > v3);
});
