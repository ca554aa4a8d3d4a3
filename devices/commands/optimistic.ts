/**
 * What Home Assistant assumes about a device right after commanding it when
 * the device will not say (HA's "optimistic" mode: `optimistic: true`, or no
 * state topic for that part of its state). Without this a lawn mower with no
 * activity topic would stay "docked" forever after "start mowing", and the
 * next "set the humidifier to eco" would turn it on a second time.
 *
 * Per platform, as HA's MQTT entities do it:
 * - lawn mower (`activity_state_topic`): mowing / paused / docked;
 * - humidifier: on/off (`state_topic`), target `humidity`
 *   (`target_humidity_state_topic`), `mode` (`mode_state_topic`);
 * - water heater: the operation mode as the state (`mode_state_topic`), target
 *   `temperature` (`temperature_state_topic`);
 * - siren: on/off (`state_topic`).
 * A vacuum is never optimistic (HA's state vacuum reports itself); other
 * platforms keep their reported state.
 */
import type { Entity } from "../entity.ts";
import type { Action } from "./action.ts";

/** A state and attributes to apply to the registry, as a state topic would. */
export interface OptimisticUpdate {
  state?: string;
  attributes?: Record<string, unknown>;
}

/** True when HA would assume the part of the state that `stateTopicKey` reports. */
function assumed(config: Record<string, unknown>, stateTopicKey: string): boolean {
  return config.optimistic === true || typeof config[stateTopicKey] !== "string" || config[stateTopicKey] === "";
}

const MOWER_ACTIVITY: Partial<Record<Action["type"], string>> = { start_mowing: "mowing", pause: "paused", dock: "docked" };

/** The update HA makes after sending `action` to `entity`, or undefined when it waits for the device. */
export function optimisticUpdate(entity: Entity, action: Action): OptimisticUpdate | undefined {
  const config = entity.config;
  if (!config) return undefined;
  switch (entity.domain) {
    case "lawn_mower": {
      const activity = MOWER_ACTIVITY[action.type];
      return activity && assumed(config, "activity_state_topic") ? { state: activity } : undefined;
    }
    case "humidifier": {
      const update: OptimisticUpdate = {};
      const power = assumed(config, "state_topic");
      if (power && (action.type === "turn_on" || action.type === "turn_off")) update.state = action.type === "turn_on" ? "on" : "off";
      if (power && action.type === "toggle") update.state = entity.state === "on" ? "off" : "on";
      if (power && (action.type === "set_humidity" || action.type === "set_mode") && action.turn_on_first) update.state = "on";
      if (action.type === "set_humidity" && assumed(config, "target_humidity_state_topic")) update.attributes = { humidity: Math.trunc(action.humidity) };
      if (action.type === "set_mode" && assumed(config, "mode_state_topic")) update.attributes = { mode: action.mode };
      return update.state !== undefined || update.attributes ? update : undefined;
    }
    case "water_heater":
      if (action.type === "set_operation_mode" && assumed(config, "mode_state_topic")) return { state: action.operation_mode };
      if (action.type === "set_temperature" && action.temperature !== undefined && assumed(config, "temperature_state_topic")) return { attributes: { temperature: action.temperature } };
      return undefined;
    case "siren":
      if ((action.type === "turn_on" || action.type === "turn_off") && assumed(config, "state_topic")) return { state: action.type === "turn_on" ? "on" : "off" };
      return undefined;
    default:
      return undefined;
  }
}
