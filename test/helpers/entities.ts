/** Build registry entities for tests: only the fields the test cares about, the rest HA's defaults. */
import type { Domain, Entity } from "../../devices/entity.ts";
import { EntityRegistry } from "../../devices/registry.ts";

export function entity(id: string, fields: Partial<Entity> = {}): Entity {
  const [domain, objectId] = id.split(".") as [Domain, string];
  return {
    id,
    domain,
    name: objectId.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
    aliases: [],
    attributes: {},
    available: true,
    source: "test",
    readOnly: false,
    ...fields,
  };
}

/** A registry with the given areas (name → floor) and entities. */
export function registryWith(areas: Record<string, string | undefined>, entities: Entity[]): EntityRegistry {
  const registry = new EntityRegistry();
  const floors = new Set(Object.values(areas).filter((f): f is string => f !== undefined));
  for (const floor of floors) registry.addFloor({ id: floor.toLowerCase().replace(/\W+/g, "_"), name: floor, aliases: [] });
  for (const [name, floor] of Object.entries(areas)) registry.addArea({ id: name.toLowerCase().replace(/\W+/g, "_"), name, floor, aliases: [] });
  for (const e of entities) registry.upsert({ ...e, floor: e.floor ?? (e.area ? areas[e.area] : undefined) });
  return registry;
}
