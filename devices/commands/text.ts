/**
 * MQTT text (HA `mqtt/text.py` and the text component's `set_value`): the
 * value, whose length must lie within `min` (default 0) and `max` (default
 * 255) characters and which must match `pattern` when one is set (Python's
 * `re.match`: anchored at the start only), through `command_template` on
 * `command_topic`. `mode` (text or password) only changes how HA's UI shows it.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** HA's MAX_LENGTH_STATE_STATE: the longest state an entity may hold. */
const MAX_TEXT_LENGTH = 255;

/** @throws UnsupportedActionError for other actions, a value of the wrong length, or one the pattern refuses. */
export function encodeText(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type !== "set_value") throw config.unsupported("a text entity can only be set to a value");
  const value = String(action.value);
  const min = config.number("min", 0);
  const max = config.number("max", MAX_TEXT_LENGTH);
  // Python's len() counts code points, not UTF-16 units.
  const length = [...value].length;
  if (length < min || length > max) throw config.unsupported(`value of ${length} characters is outside ${min}..${max}`);
  const pattern = config.string("pattern");
  if (pattern !== undefined) {
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${pattern})`, "u");
    } catch (err) {
      throw config.unsupported(`pattern ${JSON.stringify(pattern)} is not a regular expression: ${(err as Error).message}`);
    }
    if (!regex.test(value)) throw config.unsupported(`value ${JSON.stringify(value)} does not match pattern ${JSON.stringify(pattern)}`);
  }
  const topic = config.requireTopic("command_topic", "be set");
  return [config.message(topic, config.render("command_template", value))];
}
