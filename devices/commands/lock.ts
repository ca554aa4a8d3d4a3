/**
 * MQTT lock (HA `mqtt/lock.py`): `payload_lock`/`payload_unlock` (default
 * `LOCK`/`UNLOCK`) and `payload_open` (only when configured) through
 * `command_template`, which also sees `code`. A lock with `code_format`
 * needs a code, which hearth's actions do not carry, so it is refused.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** @throws UnsupportedActionError for unknown actions, open without payload_open, or a lock that wants a code. */
export function encodeLock(config: EntityConfig, action: Action): OutgoingMessage[] {
  let payload: string | null;
  switch (action.type) {
    case "lock":
    case "turn_on":
      payload = config.payload("payload_lock", "LOCK");
      break;
    case "unlock":
    case "turn_off":
      payload = config.payload("payload_unlock", "UNLOCK");
      break;
    case "open":
      payload = config.payload("payload_open", null);
      if (payload === null) throw config.unsupported("no payload_open in its discovery config, so it cannot open (unlatch)");
      break;
    default:
      throw config.unsupported("a lock can only lock, unlock or open");
  }
  if (payload === null) throw config.unsupported(`its payload for ${action.type} is disabled`);
  if (config.string("code_format")) throw config.unsupported("the lock requires a code (code_format), which this action lacks");
  const topic = config.requireTopic("command_topic", action.type);
  return [config.message(topic, config.render("command_template", payload, { code: null }))];
}
