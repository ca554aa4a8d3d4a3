/**
 * Answers to questions about what the cameras see now (the HassVision*
 * intents of agent/intent/sentences/en/HassVision{Presence,Count,Where,Scene}.yaml),
 * read from the live tracks (sightings.ts) and said with how recent they
 * are: "Yes, one person, seen just now in the kitchen"; "I last saw the cat
 * in the hallway 4 minutes ago"; "No camera covers the attic" (a place that
 * no camera shows is said so, never answered "no").
 *
 * The place of a question is its `zone` or `area` slot, else the area of the
 * microphone that heard it (when a camera covers that area), else every camera.
 */
import type { SlotValue } from "../intent/matcher.ts";
import { spokenAgo, spokenDuration } from "../intent/spoken-time.ts";
import type { Coverage, Place } from "./coverage.ts";
import { askedNoun, countedNoun, labelsFor, listCounts, pluralNoun } from "./labels.ts";
import { atPlace, joinPlaces, placeName } from "./place-words.ts";
import type { LiveObject, PastSighting, Sightings } from "./sightings.ts";

/** Where a question was asked: the microphone's (or the config's default) area. */
export interface AskContext {
  area?: string;
}

/** The place a question is about: a covered place, everywhere, or a place no camera shows. */
export type AskedPlace = { kind: "place"; place: Place } | { kind: "everywhere" } | { kind: "uncovered"; name: string };

/** The place of `slots` (zone, area) or of the context; see the module comment. */
export function askedPlace(coverage: Coverage, slots: Record<string, SlotValue>, context: AskContext = {}): AskedPlace {
  const named = slots.zone !== undefined ? { name: String(slots.zone), kind: "zone" as const } : slots.area !== undefined ? { name: String(slots.area), kind: "area" as const } : undefined;
  if (named) {
    const place = coverage.place(named.name, named.kind);
    return place ? { kind: "place", place } : { kind: "uncovered", name: named.name };
  }
  const here = context.area ? coverage.place(context.area, "area") : undefined;
  return here ? { kind: "place", place: here } : { kind: "everywhere" };
}

/** Whether an object (live or past) is in `place`. */
export function isIn(object: { zones: readonly string[]; areas: readonly string[]; camera: string }, place: Place): boolean {
  const key = place.name.toLowerCase();
  if (place.kind === "area") return object.areas.some((a) => a.toLowerCase() === key);
  return place.cameras.some((c) => c.camera === object.camera) && object.zones.some((z) => z.toLowerCase() === key);
}

/** "No camera covers the attic." */
export function uncovered(name: string): string {
  return `No camera covers ${placeName(name)}.`;
}

/** A stationary object's time in place is said from this long on, in ms. */
const STILL_WORTH_SAYING_MS = 5 * 60_000;

export interface LiveAnswerOptions {
  now?: () => number;
}

export class LiveAnswers {
  private readonly now: () => number;

  constructor(private readonly coverage: Coverage, private readonly sightings: Sightings, options: LiveAnswerOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a camera shows the place of `slots` (or of the context; with no place, whether there is any camera). */
  covers(slots: Record<string, SlotValue>, context: AskContext = {}): boolean {
    const where = askedPlace(this.coverage, slots, context);
    return where.kind === "place" || (where.kind === "everywhere" && this.coverage.cameras.length > 0);
  }

  /** The COCO labels of the `label` slot (default `fallback`) and a refusal when no camera at the place looks for any of them. */
  private labels(slots: Record<string, SlotValue>, where: AskedPlace, fallback: string): { value: string; labels: string[]; refusal?: string } {
    const value = String(slots.label ?? fallback);
    const cameras = where.kind === "place" ? where.place.cameras : this.coverage.cameras;
    const watched = new Set(cameras.flatMap((c) => c.labels));
    const labels = labelsFor(value, [...watched]).filter((l) => watched.has(l));
    if (labels.length) return { value, labels };
    const at = where.kind === "place" ? ` ${atPlace(where.place.name)}` : "";
    return { value, labels, refusal: `No camera${at} looks for ${value === "person" ? "people" : pluralNoun(value)}.` };
  }

  /** Live objects of `labels` at `where`. */
  private liveAt(labels: readonly string[], where: AskedPlace): LiveObject[] {
    return this.sightings.live().filter((o) => labels.includes(o.label) && (where.kind !== "place" || isIn(o, where.place)));
  }

  /** The newest ended sighting of `labels` at `where`. */
  lastSighting(labels: readonly string[], where: AskedPlace): PastSighting | undefined {
    return this.sightings.recent().find((s) => labels.includes(s.label) && (where.kind !== "place" || isIn(s, where.place)));
  }

  /** HassVisionPresence: "is anyone in the kitchen", "is the garage empty". */
  presence(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const where = askedPlace(this.coverage, slots, context);
    if (where.kind === "uncovered") return uncovered(where.name);
    const asked = this.labels(slots, where, "person");
    if (asked.refusal) return asked.refusal;
    const found = this.liveAt(asked.labels, where);
    const at = where.kind === "place" ? atPlace(where.place.name) : "";
    if (slots.state === "empty") {
      if (!found.length) return where.kind === "place" ? `Yes, ${placeName(where.place.name)} is empty.` : "Yes, the cameras see nothing.";
      return `No, I see ${listCounts(countSeen(found))} ${at || joinPlaces(found.flatMap(placesOf))}.`;
    }
    if (found.length) {
      const yes = `Yes, ${listCounts(countSeen(found))}, seen just now ${at || joinPlaces(found.flatMap(placesOf))}`;
      // A parked car or a sleeping dog: how long it has stood there says more than "just now".
      const still = found.length === 1 && found[0]!.stationary ? this.now() - found[0]!.first_ms : 0;
      return still >= STILL_WORTH_SAYING_MS ? `${yes}, where it has stood for ${spokenDuration(still)}.` : `${yes}.`;
    }
    const last = this.lastSighting(asked.labels, where);
    const no = `No, I don't see ${askedNoun(asked.value)}${at ? ` ${at}` : ""} right now.`;
    if (!last) return no;
    return `${no} I last saw ${asked.value === "person" ? "someone" : countedNoun(last.label, 1)} ${at ? "there" : joinPlaces(placesOf(last))} ${spokenAgo(last.last_ms, this.now())}.`;
  }

  /** HassVisionCount: "how many people are in the living room". */
  count(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const where = askedPlace(this.coverage, slots, context);
    if (where.kind === "uncovered") return uncovered(where.name);
    const asked = this.labels(slots, where, "person");
    if (asked.refusal) return asked.refusal;
    const found = this.liveAt(asked.labels, where);
    const label = asked.labels.length === 1 ? asked.labels[0]! : asked.value;
    if (where.kind === "place") return `I see ${found.length ? listCounts(countSeen(found)) : `no ${pluralNoun(label)}`} ${atPlace(where.place.name)}.`;
    if (!found.length) return `I see no ${pluralNoun(label)} right now.`;
    const byPlace = new Map<string, LiveObject[]>();
    for (const o of found) {
      const p = placesOf(o)[0] ?? o.camera;
      byPlace.set(p, [...(byPlace.get(p) ?? []), o]);
    }
    const parts = [...byPlace].map(([p, objects]) => `${listCounts(countSeen(objects))} ${atPlace(p)}`);
    return `I see ${parts.length === 1 ? parts[0] : `${listCounts(countSeen(found))}: ${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`}.`;
  }

  /** HassVisionWhere: "where is the cat"; the live place, else the last sighting (`older` may find one in the memory). */
  where(slots: Record<string, SlotValue>, older?: (labels: string[]) => PastSighting | undefined): string {
    const everywhere: AskedPlace = { kind: "everywhere" };
    const asked = this.labels(slots, everywhere, "person");
    if (asked.refusal) return asked.refusal;
    const found = this.liveAt(asked.labels, everywhere);
    if (found.length === 1) {
      const o = found[0]!;
      return `${capitalise(asked.value === "person" ? "someone" : `the ${o.label}`)} is ${joinPlaces(placesOf(o))}, seen just now.`;
    }
    if (found.length > 1) return `I see ${listCounts(countSeen(found))}: ${found.map((o) => `${countedNoun(o.label, 1)} ${joinPlaces(placesOf(o))}`).join(", ")}.`.replace(/, ([^,]*)\.$/, " and $1.");
    const last = this.lastSighting(asked.labels, everywhere) ?? older?.(asked.labels);
    if (!last) return `I haven't seen ${asked.value === "person" ? "anyone" : askedNoun(asked.value)}.`;
    return `I last saw ${asked.value === "person" ? "someone" : `the ${last.label}`} ${joinPlaces(placesOf(last))} ${spokenAgo(last.last_ms, this.now())}.`;
  }

  /** HassVisionScene: "what do you see in the garden". */
  scene(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const where = askedPlace(this.coverage, slots, context);
    if (where.kind === "uncovered") return uncovered(where.name);
    const asked = this.labels(slots, where, "anything");
    if (asked.refusal) return asked.refusal;
    const found = this.liveAt(asked.labels, where);
    if (where.kind === "place") {
      const at = atPlace(where.place.name);
      return found.length ? `${capitalise(at)} I see ${listCounts(countSeen(found))}.` : `I don't see anything ${at} right now.`;
    }
    if (!found.length) return "The cameras don't see anything right now.";
    const byPlace = new Map<string, LiveObject[]>();
    for (const o of found) {
      const p = placesOf(o)[0] ?? o.camera;
      byPlace.set(p, [...(byPlace.get(p) ?? []), o]);
    }
    const parts = [...byPlace].map(([p, objects]) => `${listCounts(countSeen(objects))} ${atPlace(p)}`);
    return `I see ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`}.`;
  }
}

/**
 * Label → objects seen now, over cameras that may watch the same area: per
 * area the largest count of any one camera (two cameras on one room see the
 * same person twice), summed over areas.
 */
export function countSeen(objects: readonly LiveObject[]): Map<string, number> {
  const perArea = new Map<string, Map<string, number>>();
  for (const o of objects) {
    const key = `${(placesOf(o)[0] ?? o.camera).toLowerCase()}\u0000${o.label}`;
    const cameras = perArea.get(key) ?? new Map<string, number>();
    cameras.set(o.camera, (cameras.get(o.camera) ?? 0) + 1);
    perArea.set(key, cameras);
  }
  const counts = new Map<string, number>();
  for (const [key, cameras] of perArea) {
    const label = key.split("\u0000")[1]!;
    counts.set(label, (counts.get(label) ?? 0) + Math.max(...cameras.values()));
  }
  return counts;
}

/** Label → number of objects (events, each one). */
export function countLabels(objects: readonly { label: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  return counts;
}

/** The areas an object is in (its current ones; the camera's when it stands outside every zone). */
function placesOf(o: { areas: readonly string[]; camera: string }): string[] {
  return o.areas.length ? [...o.areas] : [o.camera];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
