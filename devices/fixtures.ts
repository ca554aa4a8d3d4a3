/**
 * Seeds an EntityRegistry from a static file in the format of Home Assistant's
 * intents test fixtures (`areas`, `floors`, `entities` with id, name, area,
 * state, attributes): for tests and for homes without MQTT discovery.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { Domain, Entity } from "./entity.ts";
import { EntityRegistry } from "./registry.ts";

const namedSchema = z.object({ name: z.string(), id: z.string(), aliases: z.array(z.string()).optional() });
const fixturesSchema = z.object({
  language: z.string().optional(),
  floors: z.array(namedSchema).default([]),
  areas: z.array(namedSchema.extend({ floor: z.string().optional() })).default([]),
  entities: z.array(
    z.object({
      name: z.string(),
      // HA's own intent fixtures use object ids with capitals and spaces ("sensor.price_per_kW").
      id: z.string().regex(/^[a-z_]+\.[^.\s][^.]*$/, "expected domain.object_id"),
      aliases: z.array(z.string()).optional(),
      area: z.string().optional(),
      floor: z.string().optional(),
      /** A state, or HA's test-fixture form `{ in: spoken words, out: state }` (e.g. `{ in: "plugged in", out: "on" }`). */
      state: z.union([z.string(), z.number(), z.boolean(), z.object({ in: z.string(), out: z.union([z.string(), z.number(), z.boolean()]) })]).optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    }).passthrough(),
  ).default([]),
}).passthrough();

/**
 * Load a fixtures YAML file into `registry` (a new one when omitted).
 * @throws Error naming the file and the field when the file is unreadable or invalid.
 */
export function loadFixtures(path: string, registry = new EntityRegistry()): EntityRegistry {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: cannot read fixtures: ${(err as Error).message}`);
  }
  const parsed = fixturesSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const fixtures = parsed.data;
  for (const floor of fixtures.floors) registry.addFloor({ id: floor.id, name: floor.name, aliases: floor.aliases ?? [] });
  for (const area of fixtures.areas) {
    const floor = area.floor ? registry.findFloor(area.floor)?.name : undefined;
    registry.addArea({ id: area.id, name: area.name, floor, aliases: area.aliases ?? [] });
  }
  for (const e of fixtures.entities) {
    const area = e.area ? registry.findArea(e.area) : undefined;
    const floorName = e.floor ? registry.findFloor(e.floor)?.name : area?.floor;
    const attributes: Record<string, unknown> = { ...(e.attributes ?? {}) };
    // Keep the spoken form of a binary state ("plugged in") for answers.
    if (typeof e.state === "object" && e.state !== null) attributes.state_text = e.state.in;
    const entity: Entity = {
      id: e.id,
      domain: e.id.split(".")[0] as Domain,
      name: e.name,
      aliases: e.aliases ?? [],
      area: area?.name,
      floor: floorName,
      device_class: typeof attributes.device_class === "string" ? attributes.device_class : undefined,
      state: e.state === undefined ? undefined : typeof e.state === "object" ? String(e.state.out) : String(e.state),
      attributes,
      available: true,
      source: path,
      readOnly: true,
    };
    registry.upsert(entity);
  }
  return registry;
}
