/**
 * Rule conditions, evaluated at the instant a trigger fires: a local time
 * window, the sun above or below the horizon, an entity's current state.
 */
import type { ConditionConfig } from "../config/rules.ts";
import type { LocationConfig } from "../config/location.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import { formatDuration } from "./duration.ts";
import { formatTimeOfDay, inTimeWindow, secondsOfDay } from "./local-time.ts";
import { isSunBelowHorizon } from "./sun.ts";

export interface ConditionContext {
  registry: EntityRegistry;
  /** Required when any rule has a `sun` condition (the engine checks at construction). */
  location?: LocationConfig;
}

/** The outcome, with a short human-readable account ("local time 22:15 in 22:00–06:00"). */
export interface ConditionResult {
  ok: boolean;
  detail: string;
}

/** Evaluate one condition at `t_ms` (ms since the epoch). */
export function evaluateCondition(condition: ConditionConfig, t_ms: number, context: ConditionContext): ConditionResult {
  switch (condition.kind) {
    case "time": {
      const now = secondsOfDay(t_ms, context.location?.time_zone);
      const window = `${condition.after_s === undefined ? "00:00" : formatTimeOfDay(condition.after_s)}–${condition.before_s === undefined ? "24:00" : formatTimeOfDay(condition.before_s)}`;
      const ok = inTimeWindow(now, condition.after_s, condition.before_s);
      return { ok, detail: `local time ${formatTimeOfDay(now)} ${ok ? "in" : "outside"} ${window}` };
    }
    case "sun": {
      if (!context.location) return { ok: false, detail: "sun condition without a configured location" };
      const below = isSunBelowHorizon(t_ms, context.location, condition.offset_ms);
      const offset = condition.offset_ms ? ` (offset ${formatDuration(condition.offset_ms)})` : "";
      return { ok: below === (condition.sun === "below_horizon"), detail: `sun ${below ? "below" : "above"} horizon${offset}` };
    }
    case "entity": {
      const entity = context.registry.get(condition.entity);
      if (!entity) return { ok: false, detail: `${condition.entity} not in the registry` };
      const ok = entity.state !== undefined && condition.states.includes(entity.state);
      return { ok, detail: `${condition.entity} is ${entity.state ?? "unknown"}` };
    }
  }
}
