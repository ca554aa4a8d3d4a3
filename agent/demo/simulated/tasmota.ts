/**
 * A Tasmota device as Tasmota's legacy Home Assistant discovery
 * (SetOption19) announces it: abbreviated keys, a `~` base topic with
 * FullTopic `%topic%/%prefix%/`, commands `cmnd/POWER`, `cmnd/Dimmer`,
 * `cmnd/CT`, state as JSON on `tele/STATE`, availability on `tele/LWT`.
 */
import { clamp, type Publication, type SimulatedDevice, type TopicLayout } from "./device.ts";

/** Kitchen ceiling light: a Tasmota dimmer with white tuning, default-schema light, Tasmota's legacy discovery keys. */
export function tasmotaCeilingLight(layout: TopicLayout): SimulatedDevice {
  const base = `${layout.namespace}tasmota_4C11AE/`;
  const state = { POWER: "OFF", Dimmer: 80, CT: 327 };
  const stateTopic = `${base}tele/STATE`;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "kitchen_ceiling",
    firmware: "Tasmota",
    component: "light",
    area: "Kitchen",
    discoveryTopic: `${layout.prefix}/light/4C11AE_LI_1/config`,
    config: {
      name: "Kitchen Ceiling",
      "~": base,
      cmd_t: "~cmnd/POWER",
      stat_t: "~tele/STATE",
      val_tpl: "{{value_json.POWER}}",
      pl_off: "OFF",
      pl_on: "ON",
      avty_t: "~tele/LWT",
      pl_avail: "Online",
      pl_not_avail: "Offline",
      uniq_id: "4C11AE_LI_1",
      dev: {
        ids: ["4C11AE"],
        name: "Kitchen Ceiling",
        mdl: "Sonoff B1",
        sw: "9.1.0(tasmota)",
        mf: "Tasmota",
        sa: "Kitchen",
      },
      bri_cmd_t: "~cmnd/Dimmer",
      bri_stat_t: "~tele/STATE",
      bri_scl: 100,
      on_cmd_type: "last",
      bri_val_tpl: "{{value_json.Dimmer}}",
      clr_temp_cmd_t: "~cmnd/CT",
      clr_temp_stat_t: "~tele/STATE",
      clr_temp_val_tpl: "{{value_json.CT}}",
      min_mirs: 153,
      max_mirs: 500,
    },
    commandTopics: [`${base}cmnd/POWER`, `${base}cmnd/Dimmer`, `${base}cmnd/CT`],
    availability: { topic: `${base}tele/LWT`, online: "Online", offline: "Offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      const value = payload.trim();
      const command = topic.slice(`${base}cmnd/`.length);
      if (command === "POWER") {
        const upper = value.toUpperCase();
        if (upper === "ON" || upper === "1") state.POWER = "ON";
        else if (upper === "OFF" || upper === "0") state.POWER = "OFF";
        else if (upper === "TOGGLE" || upper === "2") state.POWER = state.POWER === "ON" ? "OFF" : "ON";
        else return;
      } else if (command === "Dimmer") {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        // Tasmota: a dimmer value turns the light on; 0 turns it off.
        state.Dimmer = clamp(Math.round(n), 0, 100);
        state.POWER = state.Dimmer > 0 ? "ON" : "OFF";
      } else if (command === "CT") {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        state.CT = clamp(Math.round(n), 153, 500);
      } else return;
      io.publish(publish());
    },
  };
}

