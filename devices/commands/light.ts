/**
 * MQTT lights: dispatch on the discovery config's `schema` (`basic` — HA's
 * name for the default schema —, `json`, or `template`).
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { encodeDefaultLight } from "./light-default.ts";
import { encodeJsonLight } from "./light-json.ts";
import { encodeTemplateLight } from "./light-template.ts";

export type LightSchema = "basic" | "json" | "template";

/** The light's schema; `default` is accepted as an alias of `basic`. @throws UnsupportedActionError for others. */
export function lightSchema(config: EntityConfig): LightSchema {
  const schema = config.string("schema") ?? "basic";
  if (schema === "basic" || schema === "default") return "basic";
  if (schema === "json" || schema === "template") return schema;
  throw config.unsupported(`unknown light schema ${JSON.stringify(schema)}`);
}

/** @throws UnsupportedActionError when the light cannot do the action. */
export function encodeLight(config: EntityConfig, action: Action): OutgoingMessage[] {
  switch (lightSchema(config)) {
    case "basic":
      return encodeDefaultLight(config, action);
    case "json":
      return encodeJsonLight(config, action);
    case "template":
      return encodeTemplateLight(config, action);
  }
}
