/**
 * The built-in demo (`npm start`): an embedded broker, a simulated home whose
 * devices announce themselves with real discovery payloads and answer their
 * command topics like their firmware, the agent, and a script of typed
 * commands. Prints a timeline: text → intent → MQTT message → new device state.
 */
import type { Config } from "../config/schema.ts";
import { parseConfig } from "../config/load.ts";
import type { SessionEvent } from "../controller/types.ts";
import { Agent } from "../service/agent.ts";
import { startEmbeddedBroker } from "./embedded-broker.ts";
import { startSimulatedHome } from "./simulated-devices.ts";

export interface DemoStep {
  text: string;
  area?: string;
}

/** What a person might type, in order; follow-ups ("yes", "no") answer the question before. */
export const DEMO_SCRIPT: DemoStep[] = [
  { text: "turn on the light", area: "Kitchen" },
  { text: "set the living room lamp to 40%" },
  { text: "make the living room lamp red" },
  { text: "close the blinds in the living room" },
  { text: "set the thermostat to 21.5 degrees" },
  { text: "what is the temperature in the living room" },
  { text: "turn on the coffee machine" },
  { text: "is the coffee machine on" },
  { text: "turn on the ceiling fan" },
  { text: "open the garage door" },
  { text: "yes" },
  { text: "unlock the front door" },
  { text: "no" },
  { text: "make me a sandwich" },
  { text: "turn off the lights", area: "Kitchen" },
];

/** Names a person would use for the simulated devices (their firmware names are technical), as a user would set them. */
export function demoConfig(port: number): Config {
  return parseConfig({
    agent: { id: "demo", name: "hearth demo" },
    mqtt: { host: "127.0.0.1", port },
    entities: {
      "light.living_room_node_lamp": { name: "Living Room Lamp" },
      "switch.coffee_machine": { name: "Coffee Machine" },
      "cover.living_room_blinds": { name: "Blinds" },
      "cover.garage_node_garage_door": { name: "Garage Door" },
      "climate.living_room_thermostat": { name: "Thermostat" },
      "lock.front_door_lock": { name: "Front Door" },
      "fan.bedroom_node_ceiling_fan": { name: "Ceiling Fan" },
    },
  });
}

function describeState(state: string | undefined, attributes: Record<string, unknown>): string {
  const extras = ["brightness", "rgb_color", "color_temp_kelvin", "current_position", "temperature", "current_temperature", "hvac_mode", "percentage"]
    .filter((k) => attributes[k] !== undefined && attributes[k] !== null)
    .map((k) => `${k} ${JSON.stringify(attributes[k])}`);
  return [state ?? "unknown", ...extras].join(", ");
}

/**
 * Run the demo, writing the timeline with `print`.
 * @returns the session events, one per scripted line (for tests).
 */
export async function runDemo(print: (line: string) => void, script: DemoStep[] = DEMO_SCRIPT, settleMs = 400): Promise<SessionEvent[]> {
  const broker = await startEmbeddedBroker();
  const home = await startSimulatedHome({ url: broker.url, garageTravelMs: 300 });
  const agent = new Agent(demoConfig(broker.port), { announce: true });
  const events: SessionEvent[] = [];
  try {
    await agent.start();
    await agent.settle();
    print(`hearth demo: embedded broker ${broker.url}, ${agent.registry.all().length} simulated devices discovered`);
    for (const e of agent.registry.all()) print(`  ${e.id.padEnd(34)} ${e.name} (${e.area ?? "no area"}): ${describeState(e.state, e.attributes)}`);
    print("");
    const started = Date.now();
    for (const step of script) {
      const changed = new Set<string>();
      const onChange = (id: string) => changed.add(id);
      agent.registry.on("change", onChange);
      const event = await agent.submit(step.text, { kind: "cli", area: step.area });
      events.push(event);
      await new Promise((r) => setTimeout(r, event.messages.length ? settleMs : 0));
      agent.registry.off("change", onChange);
      const t = ((Date.now() - started) / 1000).toFixed(2).padStart(6);
      print(`[${t}s] you${step.area ? ` (${step.area})` : ""}: "${step.text}"`);
      if (event.intent) print(`          intent ${event.intent} ${JSON.stringify(event.slots)}`);
      for (const m of event.messages) print(`          → ${m.topic}  ${m.payload}  (qos ${m.qos}${m.retain ? ", retained" : ""})`);
      for (const id of changed) {
        const e = agent.registry.get(id);
        if (e && event.targets.includes(id)) print(`          ← ${id}: ${describeState(e.state, e.attributes)}`);
      }
      print(`          hearth: "${event.response}"`);
    }
  } finally {
    await agent.stop();
    await home.stop();
    await broker.close();
  }
  return events;
}
