/** MQTT select (HA `mqtt/select.py`): the option, which must be in `options`, through `command_template`. */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** @throws UnsupportedActionError for other actions or an option not in `options`. */
export function encodeSelect(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type !== "select_option") throw config.unsupported("a select can only select an option");
  const options = config.list("options") ?? [];
  if (!options.includes(action.option)) {
    throw config.unsupported(`option ${JSON.stringify(action.option)} is not one of ${options.map((o) => JSON.stringify(o)).join(", ")}`);
  }
  const topic = config.requireTopic("command_topic", "select an option");
  return [config.message(topic, config.render("command_template", action.option))];
}
