/**
 * Home Assistant intents hearth recognises but cannot carry out: their
 * targets (to-do lists, weather, media players) are no MQTT discovery
 * platform, so only HA can act on them. The sentences live in
 * agent/intent/sentences/en/_needs_home_assistant.yaml; the answer says
 * plainly what hearth cannot do, and nothing is published.
 */

/** What each such intent is about, as said in the answer. */
const TOPICS: Record<string, string> = {
  HassShoppingListAddItem: "shopping lists",
  HassShoppingListCompleteItem: "shopping lists",
  HassShoppingListLastItems: "shopping lists",
  HassListAddItem: "to-do lists",
  HassListCompleteItem: "to-do lists",
  HassGetWeather: "the weather",
  HassMediaSearchAndPlay: "music or media players",
  HassMediaPause: "music or media players",
  HassMediaUnpause: "music or media players",
  HassMediaNext: "music or media players",
  HassMediaPrevious: "music or media players",
  HassSetVolume: "volume or media players",
  HassSetVolumeRelative: "volume or media players",
};

/** True for an intent only Home Assistant can carry out. */
export function needsHomeAssistant(intent: string): boolean {
  return intent in TOPICS;
}

/** "I can't do shopping lists without Home Assistant." */
export function needsHomeAssistantAnswer(intent: string): string {
  const topic = TOPICS[intent] ?? "that";
  return `I can't do ${topic} without Home Assistant.`;
}
