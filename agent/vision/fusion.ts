/**
 * Voice and vision fused: what the cameras see lends an area to spoken
 * commands and vets wake words. Pure functions over an occupancy snapshot
 * (area → persons seen now), so the controller calls them with its current
 * state and tests call them with plain maps.
 *
 * The snapshot's convention: an area present with count 0 is watched by a
 * camera and empty; an area absent from it is not watched (or its camera is
 * restarting), so nothing is known about it.
 */

/** Persons seen per area right now (area name or id → count). */
export type OccupancySnapshot = ReadonlyMap<string, number>;

/** Where a command came from. */
export interface MicrophoneContext {
  /** The area the microphone stands in, when it has one (a satellite in the kitchen). */
  area?: string;
  /** Areas an area-less microphone can hear (an open-plan room); default: every area. */
  hears?: string[];
}

export interface FusionOptions {
  /**
   * Maps an area name, id or alias to one comparable key; default: lower case
   * with spaces, `_` and `-` alike ("Living Room" = "living_room"). With a
   * registry: `(a) => registry.findArea(a)?.id ?? a.toLowerCase()`.
   */
  areaKey?: (area: string) => string;
}

/** How the area of a command was settled. */
export type AreaResolution =
  /** One area: named in the command, the microphone's own, or the only occupied one the microphone hears. */
  | { kind: "area"; area: string; source: "command" | "microphone" | "presence" }
  /** Several occupied areas: ask which one (`areas` in a stable, alphabetical order). */
  | { kind: "clarify"; areas: string[]; question: string }
  /** Nothing to go on: no area named, no microphone area, nobody seen. The caller falls back (default area) or asks. */
  | { kind: "unknown"; reason: string };

/** Words a command can use for "the room I am in". */
const HERE_WORDS = new Set(["here", "in here", "this room", "this area"]);

function defaultAreaKey(area: string): string {
  return area.trim().toLowerCase().replace(/[\s_-]+/g, " ");
}

/** True when a recognised area slot is deictic ("here", "this room"), i.e. names no area. */
export function isHere(areaSlot: string): boolean {
  return HERE_WORDS.has(areaSlot.trim().toLowerCase());
}

/**
 * Settle the area of a spoken or typed command.
 *
 * Order: an area the command names (other than "here") wins; then the
 * microphone's own area, as Home Assistant does for satellites; then the
 * occupied areas the microphone hears: one → that area, several → a
 * clarifying question, none → unknown.
 *
 * @param areaSlot the command's `area` slot, if any ("Kitchen", "here").
 * @param microphone where the command was heard (empty for typed text).
 * @param occupancy persons seen per area now.
 */
export function resolveCommandArea(
  areaSlot: string | undefined,
  microphone: MicrophoneContext,
  occupancy: OccupancySnapshot,
  options: FusionOptions = {},
): AreaResolution {
  if (areaSlot !== undefined && areaSlot.trim() !== "" && !isHere(areaSlot)) return { kind: "area", area: areaSlot, source: "command" };
  if (microphone.area !== undefined) return { kind: "area", area: microphone.area, source: "microphone" };
  const key = options.areaKey ?? defaultAreaKey;
  const heard = microphone.hears === undefined ? undefined : new Set(microphone.hears.map(key));
  const occupied = [...occupancy]
    .filter(([area, count]) => count > 0 && (heard === undefined || heard.has(key(area))))
    .map(([area]) => area)
    .sort((a, b) => a.localeCompare(b));
  if (occupied.length === 1) return { kind: "area", area: occupied[0]!, source: "presence" };
  if (occupied.length > 1) {
    const list = `${occupied.slice(0, -1).join(", ")} or ${occupied.at(-1)}`;
    return { kind: "clarify", areas: occupied, question: `Which area: ${list}?` };
  }
  const where = heard === undefined ? "any area" : `the areas this microphone hears (${microphone.hears!.join(", ")})`;
  return { kind: "unknown", reason: `no area named, the microphone has none, and no camera sees anyone in ${where}` };
}

/** The presence gate's verdict on one wake word. */
export interface WakeDecision {
  accept: boolean;
  reason: string;
}

/**
 * Presence gate against false wakes (a TV saying the wake word to an empty
 * room): with the gate on, accept a wake word from a microphone only while a
 * camera sees a person in the microphone's area.
 *
 * Fails open: with the gate off, a microphone without an area, or an area no
 * camera watches (absent from the snapshot, e.g. while its camera restarts),
 * the wake word is accepted, so voice never goes deaf because vision is down.
 *
 * @param micArea the microphone's area.
 * @param occupancy persons seen per area now.
 * @param gate the microphone's `presence_gate` option.
 */
export function acceptWake(micArea: string | undefined, occupancy: OccupancySnapshot, gate: boolean, options: FusionOptions = {}): WakeDecision {
  if (!gate) return { accept: true, reason: "presence gate off" };
  if (micArea === undefined) return { accept: true, reason: "microphone has no area; presence gate not applicable" };
  const key = options.areaKey ?? defaultAreaKey;
  const wanted = key(micArea);
  let watched = false;
  for (const [area, count] of occupancy) {
    if (key(area) !== wanted) continue;
    watched = true;
    if (count > 0) return { accept: true, reason: `a camera sees ${count} ${count === 1 ? "person" : "persons"} in ${micArea}` };
  }
  return watched
    ? { accept: false, reason: `no person seen in ${micArea}` }
    : { accept: true, reason: `no camera watches ${micArea}; presence gate not applicable` };
}
