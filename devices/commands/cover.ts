/**
 * MQTT cover (HA `mqtt/cover.py`): `payload_open`/`payload_close`/`payload_stop`
 * (defaults `OPEN`/`CLOSE`/`STOP`; `null` disables one) on `command_topic`;
 * positions on `set_position_topic`, scaled from 0..100 % onto
 * `position_closed`..`position_open` with Python rounding, through
 * `set_position_template` (which sees `position` as the percentage and
 * `value` as the scaled number).
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { pyRound } from "./ha-math.ts";

/**
 * HA's cover/valve toggle: stop while moving (when stop is possible), open
 * when closed, otherwise close.
 */
export function toggleDirection(state: string | undefined, canStop: boolean): "open" | "close" | "stop" {
  if (canStop && (state === "opening" || state === "closing")) return "stop";
  return state === "closed" ? "open" : "close";
}

/** @throws UnsupportedActionError when the cover lacks the topic or payload the action needs. */
export function encodeCover(config: EntityConfig, action: Action): OutgoingMessage[] {
  const payloads = {
    open: config.payload("payload_open", "OPEN"),
    close: config.payload("payload_close", "CLOSE"),
    stop: config.payload("payload_stop", "STOP"),
  };
  const move = (direction: "open" | "close" | "stop"): OutgoingMessage[] => {
    const payload = payloads[direction];
    if (payload === null) throw config.unsupported(`payload_${direction} is disabled (null) in its discovery config`);
    return [config.message(config.requireTopic("command_topic", direction), payload)];
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
      return move(toggleDirection(config.entity.state, payloads.stop !== null && config.string("command_topic") !== undefined));
    case "set_position": {
      const pct = action.position;
      if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw config.unsupported(`position ${pct} % is outside 0..100`);
      const topic = config.requireTopic("set_position_topic", "move to a position");
      const open = config.number("position_open", 100);
      const closed = config.number("position_closed", 0);
      const position = pyRound((open - closed) * (pct / 100)) + closed;
      const variables = {
        position: pct,
        position_open: open,
        position_closed: closed,
        tilt_min: config.number("tilt_min", 0),
        tilt_max: config.number("tilt_max", 100),
      };
      return [config.message(topic, config.render("set_position_template", position, variables))];
    }
    default:
      throw config.unsupported("a cover can only open, close, stop, toggle or move to a position");
  }
}
