/**
 * MQTT alarm control panel (HA `mqtt/alarm_control_panel.py`): the action's
 * payload (`payload_arm_home` ... default `ARM_HOME`, `payload_disarm`
 * default `DISARM`) rendered into `command_template` (default `{{action}}`)
 * with `action` and `code`. Code handling as HA: when the config has `code`,
 * arming (`code_arm_required`, default true) and disarming
 * (`code_disarm_required`, default true) need one; a fixed code must match,
 * while `REMOTE_CODE`/`REMOTE_CODE_TEXT` pass the user's code to the device.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

const ARM_FEATURES = ["arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass", "trigger"];
const REMOTE_CODES = ["REMOTE_CODE", "REMOTE_CODE_TEXT"];

/** @throws UnsupportedActionError for unsupported modes, a missing or wrong code. */
export function encodeAlarmControlPanel(config: EntityConfig, action: Action): OutgoingMessage[] {
  let payload: string;
  let codeRequired: boolean;
  if (action.type === "alarm_arm") {
    const feature = `arm_${action.mode}`;
    const supported = config.list("supported_features") ?? ARM_FEATURES;
    if (!supported.includes(feature)) throw config.unsupported(`the panel does not support ${feature} (supported: ${supported.join(", ")})`);
    const key = `payload_${feature}`;
    payload = config.payload(key, feature.toUpperCase()) ?? feature.toUpperCase();
    codeRequired = config.boolean("code_arm_required", true);
  } else if (action.type === "alarm_disarm") {
    payload = config.payload("payload_disarm", "DISARM") ?? "DISARM";
    codeRequired = config.boolean("code_disarm_required", true);
  } else {
    throw config.unsupported("an alarm panel can only arm or disarm");
  }
  const configured = config.string("code");
  const code = action.code;
  if (configured !== undefined && codeRequired) {
    if (code === undefined || code === "") throw config.unsupported("the panel requires a code");
    if (!REMOTE_CODES.includes(configured) && code !== configured) throw config.unsupported("the code is wrong");
  }
  const topic = config.requireTopic("command_topic", action.type === "alarm_arm" ? "arm" : "disarm");
  const template = config.string("command_template") === undefined ? undefined : "command_template";
  const rendered = template ? config.render(template, null, { action: payload, code: code ?? null }) : payload;
  return [config.message(topic, rendered)];
}
