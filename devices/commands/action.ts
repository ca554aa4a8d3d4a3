/**
 * What the agent wants a device to do, independent of its MQTT dialect. The
 * executor turns an Action into messages with the encoder of the entity's
 * component (light, cover, climate, ...), reproducing Home Assistant's payloads.
 */
export type Action =
  /**
   * Sirens also take HA's siren.turn_on options: a tone from `available_tones`, a duration in seconds, a volume 0..1;
   * fans take fan.turn_on's `percentage` (0..100) or `preset_mode`, sent after the on payload as HA's MQTT fan does.
   */
  | { type: "turn_on"; tone?: string; duration?: number; volume_level?: number; percentage?: number; preset_mode?: string }
  | { type: "turn_off" }
  | { type: "toggle" }
  /** Lights: brightness in percent 0..100, colour as RGB 0..255, colour temperature in kelvin. */
  | { type: "light_set"; brightness_pct?: number; rgb?: [number, number, number]; color_temp_kelvin?: number }
  | { type: "open" }
  | { type: "close" }
  | { type: "stop" }
  /** Covers and valves: 0 closed .. 100 open. */
  | { type: "set_position"; position: number }
  | { type: "lock" }
  | { type: "unlock" }
  /** Climate: target temperature in the entity's unit, or a low/high range; optional HVAC mode. Water heaters take `temperature` only. */
  | { type: "set_temperature"; temperature?: number; target_temp_low?: number; target_temp_high?: number; hvac_mode?: string }
  | { type: "set_hvac_mode"; hvac_mode: string }
  /** Fans: speed in percent 0..100. */
  | { type: "set_percentage"; percentage: number }
  | { type: "set_preset_mode"; preset_mode: string }
  | { type: "press" }
  | { type: "activate" }
  /** Numbers take a number (a numeric string is coerced, as HA's vol.Coerce(float)); text entities take a string. */
  | { type: "set_value"; value: number | string }
  | { type: "select_option"; option: string }
  /** Vacuums (HA vacuum.start / return_to_base / pause). */
  | { type: "start" }
  | { type: "return_to_base" }
  | { type: "pause" }
  /** Lawn mowers (HA lawn_mower.start_mowing / dock; `pause` above). */
  | { type: "start_mowing" }
  | { type: "dock" }
  /**
   * Humidifiers: target humidity in percent 0..100. `turn_on_first`: send the on payload before it, as HA's
   * HassHumidifierSetpoint intent turns an "off" humidifier on before setting it.
   */
  | { type: "set_humidity"; humidity: number; turn_on_first?: boolean }
  /** Humidifier modes (`modes`); `turn_on_first` as for set_humidity (HA's HassHumidifierMode). */
  | { type: "set_mode"; mode: string; turn_on_first?: boolean }
  /** Water heaters: one of `modes` (HA water_heater.set_operation_mode). */
  | { type: "set_operation_mode"; operation_mode: string }
  | { type: "alarm_arm"; mode: "home" | "away" | "night" | "vacation" | "custom_bypass"; code?: string }
  | { type: "alarm_disarm"; code?: string };

export type ActionType = Action["type"];

/** The entity's component cannot do this action, or its discovery config lacks what the action needs. */
export class UnsupportedActionError extends Error {
  constructor(readonly entityId: string, readonly action: ActionType, reason: string) {
    super(`${entityId}: cannot ${action}: ${reason}`);
    this.name = "UnsupportedActionError";
  }
}

/** Actions that must be confirmed by the user before they are sent (unlock, disarm, open a garage door). */
export function isSensitive(domain: string, deviceClass: string | undefined, action: Action): boolean {
  if (domain === "lock" && (action.type === "unlock" || action.type === "open")) return true;
  if (domain === "alarm_control_panel" && action.type === "alarm_disarm") return true;
  if (domain === "cover" && (deviceClass === "garage" || deviceClass === "gate") && (action.type === "open" || action.type === "turn_on" || action.type === "set_position" || action.type === "toggle")) return true;
  return false;
}
