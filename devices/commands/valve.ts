/**
 * MQTT valve (HA `mqtt/valve.py`): `payload_open`/`payload_close` (defaults
 * `OPEN`/`CLOSE`, also for valves that report a position) and `payload_stop`
 * (only when configured) through `command_template` on `command_topic`. A
 * valve with `reports_position: true` also takes a position: 0..100 % scaled
 * with `percentage_to_ranged_value((position_closed + 1, position_open), %)`;
 * when its open/close payload is disabled (`null`), HA's ValveEntity falls
 * back to position 100 / 0.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import { toggleDirection } from "./cover.ts";
import type { EntityConfig } from "./entity-config.ts";
import { percentageToRangedValue, pyRound } from "./ha-math.ts";

/** @throws UnsupportedActionError when the valve lacks the topic, payload or position support the action needs. */
export function encodeValve(config: EntityConfig, action: Action): OutgoingMessage[] {
  const reportsPosition = config.boolean("reports_position", false);
  const canStop = config.payload("payload_stop", null) !== null;
  const setPosition = (pct: number): OutgoingMessage[] => {
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw config.unsupported(`position ${pct} % is outside 0..100`);
    const open = config.number("position_open", 100);
    const closed = config.number("position_closed", 0);
    const scaled = pyRound(percentageToRangedValue(closed + 1, open, pct));
    const topic = config.requireTopic("command_topic", "move");
    return [config.message(topic, config.render("command_template", scaled, { position: pct, position_open: open, position_closed: closed }))];
  };
  const move = (direction: "open" | "close" | "stop"): OutgoingMessage[] => {
    if (direction === "stop") {
      const payload = config.payload("payload_stop", null);
      if (payload === null) throw config.unsupported("no payload_stop in its discovery config, so it cannot stop");
      return [config.message(config.requireTopic("command_topic", "stop"), config.render("command_template", payload))];
    }
    const payload = config.payload(`payload_${direction}`, direction === "open" ? "OPEN" : "CLOSE");
    if (payload === null) {
      if (reportsPosition) return setPosition(direction === "open" ? 100 : 0);
      throw config.unsupported(`payload_${direction} is disabled (null) in its discovery config`);
    }
    return [config.message(config.requireTopic("command_topic", direction), config.render("command_template", payload))];
  };
  switch (action.type) {
    case "open":
    case "turn_on":
      return move("open");
    case "close":
    case "turn_off":
      return move("close");
    case "stop":
      return move("stop");
    case "toggle":
      return move(toggleDirection(config.entity.state, canStop));
    case "set_position":
      if (!reportsPosition) throw config.unsupported("the valve does not report a position (reports_position is false)");
      return setPosition(action.position);
    default:
      throw config.unsupported("a valve can only open, close, stop, toggle or move to a position");
  }
}
