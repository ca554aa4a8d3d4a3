/**
 * The scene-rules engine: pure, clock-driven logic that turns occupancy and
 * track events into rule firings. It never publishes: `handle` and `tick`
 * return `RuleFiring`s for the controller to execute, so voice and vision go
 * through one executor and one policy.
 *
 * Time comes only from the callers: every event carries `t_ms`, and `tick(t_ms)`
 * advances the clock for duration triggers (`for`, `dwell`). A duration
 * trigger fires at its due instant (reported as the firing's `t_ms`, with its
 * conditions evaluated then), however late the next call comes; `nextDeadline()`
 * says when to call `tick` so a timer (an xstate delay) can be set precisely.
 * Time never runs backwards: an earlier `t_ms` is treated as the latest seen.
 *
 * Semantics
 * - occupied / vacated without `for`: fire on the transition. The first report
 *   for an area is a transition when it says occupied; a first "empty" report
 *   is not (nobody just left).
 * - occupied / vacated with `for`: fire once per episode, when the state has
 *   held that long. An episode starts at a transition or at the first report
 *   ("the kitchen has been empty for 10 minutes" counts from when the camera
 *   first reported it empty).
 * - entered: a track of the label entered the area (or the given zone); moving
 *   between zones of the same area is not a new entry.
 * - count: the area's count of the label rose from below `at_least` to at least it.
 * - dwell: one track stayed in the area (or zone) for `at_least`; once per visit.
 *   An occupancy report that the area is empty of the label ends its tracks' visits.
 * - A trigger that is blocked (conditions false, cooldown, suspension) is
 *   dropped, not retried: a duration episode is used up.
 * - `noteManualCommand` suspends every rule whose actions touch one of the
 *   entities, from that instant for the rule's `manual_suspend`. The
 *   controller must not report the rules' own commands as manual.
 */
import type { LocationConfig } from "../config/location.ts";
import type { RuleAction, RuleConfig, TriggerConfig } from "../config/rules.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import { logger } from "../log.ts";
import { evaluateCondition } from "./conditions.ts";
import { formatDuration } from "./duration.ts";
import type { OccupancyEvent, SceneEvent, TrackEvent } from "./scene-events.ts";
import { entitiesCommandedOn } from "./targets.ts";

const log = logger("agent/rules");

/** What the controller should execute. */
export interface RuleFiring {
  /** The rule's id. */
  rule: string;
  /** When the trigger fired (ms; for duration triggers the due instant, not the tick's). */
  t_ms: number;
  actions: RuleAction[];
  /** Why: the trigger and the conditions that held ("Kitchen empty (person) for 10 min; local time 22:15 in 22:00–06:00"). */
  reason: string;
}

/** Maps an intent action to the entity ids it would command (the integrator's resolver). */
export type ResolveTargets = (intent: string, slots: Record<string, unknown>) => string[];

export interface RuleEngineOptions {
  /** Areas (for matching names, ids and aliases), entity states for conditions, command topics for MQTT actions. */
  registry: EntityRegistry;
  /** Needed by `sun` conditions; its `time_zone` sets the clock of time windows. */
  location?: LocationConfig;
  /** Without it, intent actions touch no known entity and manual commands cannot suspend those rules. */
  resolveTargets?: ResolveTargets;
}

/** A rule set that cannot run as configured (e.g. a sun condition without a location); `errors` are `path: message` lines. */
export class RuleSetupError extends Error {
  constructor(readonly errors: string[]) {
    super(`scene rules cannot run:\n  ${errors.join("\n  ")}`);
    this.name = "RuleSetupError";
  }
}

/** Per-rule state for status displays (hearth status, HA). */
export interface RuleStatus {
  id: string;
  last_fired_ms?: number;
  /** Set while a manual command suspends the rule. */
  suspended_until_ms?: number;
}

interface OccupancyState {
  /** The area as the last event named it. */
  area: string;
  label: string;
  occupied: boolean;
  count: number;
  /** When `occupied` last changed, or the first report. */
  since: number;
}

interface TrackState {
  camera: string;
  trackId: string;
  label: string;
  /** Zones the track is in: zone → its area key and entry time (ms). */
  zones: Map<string, { area: string; since: number }>;
  /** Areas the track is in (through any of their zones): area key → entry time (ms). */
  areas: Map<string, number>;
}

interface RuleState {
  config: RuleConfig;
  lastFired?: number;
  /** The latest manual-command suspension, [from, until) in ms. */
  suspension?: { from: number; until: number };
  /** Duration-trigger episodes already handled (fired or dropped), by episode key; pruned when they end. */
  readonly handled: Set<string>;
}

/** One stretch of time a duration trigger is counting: an occupancy state held, or a track's stay. */
interface Episode {
  rule: RuleState;
  /** When the trigger comes due (ms). */
  due: number;
  /** Identifies the episode within its rule (kind or track, and start time). */
  key: string;
  reason: string;
}

export class RuleEngine {
  private readonly rules: RuleState[];
  private readonly registry: EntityRegistry;
  private readonly location?: LocationConfig;
  private readonly resolveTargets?: ResolveTargets;
  private readonly occupancy = new Map<string, OccupancyState>();
  private readonly tracks = new Map<string, TrackState>();
  private now = -Infinity;

  /**
   * @param rules the validated `rules` config section (disabled rules are ignored).
   * @throws RuleSetupError when a rule needs what the options lack (a `sun` condition without `location`).
   */
  constructor(rules: RuleConfig[], options: RuleEngineOptions) {
    this.registry = options.registry;
    this.location = options.location;
    this.resolveTargets = options.resolveTargets;
    const errors: string[] = [];
    rules.forEach((rule, i) => {
      rule.conditions.forEach((c, j) => {
        if (c.kind === "sun" && !this.location) errors.push(`rules.${i}.conditions.${j}: a sun condition needs location (latitude, longitude) in the config`);
      });
    });
    if (errors.length) throw new RuleSetupError(errors);
    this.rules = rules.filter((r) => r.enabled).map((config) => ({ config, handled: new Set() }));
  }

  /**
   * Take one scene event: first fire duration triggers due up to `event.t_ms`,
   * then update occupancy and tracks and fire the triggers the event causes.
   * @returns the firings, in time order (empty when none).
   */
  handle(event: SceneEvent): RuleFiring[] {
    if (!Number.isFinite(event.t_ms)) {
      log.warn({ event }, "scene event without a finite t_ms ignored");
      return [];
    }
    const t = this.advanceClock(event.t_ms);
    const firings = this.fireDue(t);
    if (event.type === "occupancy") firings.push(...this.applyOccupancy(event, t));
    else firings.push(...this.applyTrack(event, t));
    return firings;
  }

  /** Advance the clock to `t_ms` and return the duration triggers that came due, in time order. */
  tick(t_ms: number): RuleFiring[] {
    if (!Number.isFinite(t_ms)) return [];
    return this.fireDue(this.advanceClock(t_ms));
  }

  /**
   * The earliest instant (ms) at which a duration trigger comes due, or
   * undefined when none is pending. Call `tick` then.
   */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending()) if (next === undefined || p.due < next) next = p.due;
    return next;
  }

  /**
   * A person commanded these entities (by voice, text or a wall switch):
   * suspend, from `t_ms` for each rule's `manual_suspend`, every rule whose
   * actions touch one of them.
   * @returns the ids of the rules suspended.
   */
  noteManualCommand(entityIds: string[], t_ms: number): string[] {
    const touched = new Set(entityIds);
    const suspended: string[] = [];
    for (const rule of this.rules) {
      if (rule.config.manual_suspend_ms <= 0) continue;
      if (!this.targetsOf(rule.config).some((id) => touched.has(id))) continue;
      const until = t_ms + rule.config.manual_suspend_ms;
      // A command during a suspension extends it; otherwise a new one starts now.
      rule.suspension = rule.suspension && this.isSuspended(rule, t_ms)
        ? { from: rule.suspension.from, until: Math.max(rule.suspension.until, until) }
        : { from: t_ms, until };
      suspended.push(rule.config.id);
      log.info({ rule: rule.config.id, until_ms: rule.suspension.until }, "rule suspended by a manual command");
    }
    return suspended;
  }

  /**
   * Entity ids a rule's actions command: intent actions through the
   * integrator's `resolveTargets`, MQTT actions through the registry's command topics.
   * Resolved at each call, since the registry changes.
   */
  targetsOf(rule: RuleConfig): string[] {
    const ids = new Set<string>();
    for (const action of rule.actions) {
      for (const id of action.kind === "intent" ? this.intentTargets(action.intent, action.slots) : entitiesCommandedOn(this.registry, action.message.topic)) ids.add(id);
    }
    return [...ids];
  }

  /** The integrator's resolver, kept from crashing the engine: a failure touches nothing and is logged. */
  private intentTargets(intent: string, slots: Record<string, unknown>): string[] {
    if (!this.resolveTargets) return [];
    try {
      return this.resolveTargets(intent, slots);
    } catch (err) {
      log.warn({ intent, slots, err: (err as Error).message }, "resolveTargets failed; the action counts as touching no entity");
      return [];
    }
  }

  /** Last firing and suspension of each enabled rule, as of `t_ms`. */
  status(t_ms: number): RuleStatus[] {
    return this.rules.map((r) => ({
      id: r.config.id,
      ...(r.lastFired !== undefined ? { last_fired_ms: r.lastFired } : {}),
      ...(this.isSuspended(r, t_ms) ? { suspended_until_ms: r.suspension!.until } : {}),
    }));
  }

  /**
   * Objects of `label` seen per area, as last reported (area as the events
   * name it → count; 0 for an area reported empty): the occupancy snapshot
   * for voice fusion (`agent/vision/fusion.ts`).
   */
  counts(label = "person"): Map<string, number> {
    const counts = new Map<string, number>();
    const wanted = label.toLowerCase();
    for (const state of this.occupancy.values()) if (state.label === wanted) counts.set(state.area, state.occupied ? state.count : 0);
    return counts;
  }

  private advanceClock(t_ms: number): number {
    if (t_ms < this.now) {
      log.warn({ t_ms, now: this.now }, "time went backwards; using the latest time seen");
      return this.now;
    }
    this.now = t_ms;
    return t_ms;
  }

  /** Area names, ids and aliases map to one key through the registry; unknown areas by lower-cased name. */
  private areaKey(area: string): string {
    return this.registry.findArea(area)?.id ?? area.trim().toLowerCase();
  }

  private occupancyKey(area: string, label: string): string {
    return `${this.areaKey(area)}\u0000${label.toLowerCase()}`;
  }

  private applyOccupancy(event: OccupancyEvent, t: number): RuleFiring[] {
    const key = this.occupancyKey(event.area, event.label);
    const previous = this.occupancy.get(key);
    const changed = previous === undefined || previous.occupied !== event.occupied;
    this.occupancy.set(key, { area: event.area, label: event.label.toLowerCase(), occupied: event.occupied, count: event.count, since: changed ? t : previous.since });
    if (!event.occupied) this.dropTracks(key);
    const previousCount = previous?.count ?? 0;
    const firings: RuleFiring[] = [];
    for (const rule of this.rules) {
      const trigger = rule.config.trigger;
      if (trigger.kind !== "occupied" && trigger.kind !== "vacated" && trigger.kind !== "count") continue;
      if (this.occupancyKey(trigger.area, trigger.label) !== key) continue;
      let reason: string | undefined;
      if (trigger.kind === "occupied" && trigger.for_ms === undefined && changed && event.occupied) {
        reason = `${event.area} occupied (${event.label}, ${event.count})`;
      } else if (trigger.kind === "vacated" && trigger.for_ms === undefined && previous?.occupied === true && !event.occupied) {
        reason = `${event.area} vacated (${event.label})`;
      } else if (trigger.kind === "count" && previousCount < trigger.at_least && event.count >= trigger.at_least) {
        reason = `${event.count} ${event.label} in ${event.area} (at least ${trigger.at_least})`;
      }
      if (reason) this.tryFire(rule, t, reason, firings);
    }
    return firings;
  }

  /**
   * An area reported empty of a label holds no tracks of it: forget them, so
   * tracks whose leave event never came (a camera restarted, its tracker
   * reset) cannot dwell forever.
   */
  private dropTracks(occupancyKey: string): void {
    for (const [trackKey, track] of this.tracks) {
      for (const [zone, entry] of track.zones) {
        if (this.occupancyKey(entry.area, track.label) !== occupancyKey) continue;
        track.zones.delete(zone);
        track.areas.delete(entry.area);
      }
      if (track.zones.size === 0) this.tracks.delete(trackKey);
    }
  }

  private applyTrack(event: TrackEvent, t: number): RuleFiring[] {
    const trackKey = `${event.camera}\u0000${event.track_id}`;
    const area = this.areaKey(event.area);
    let track = this.tracks.get(trackKey);
    if (event.type === "track_leave") {
      if (!track) return [];
      track.zones.delete(event.zone);
      if (![...track.zones.values()].some((z) => z.area === area)) track.areas.delete(area);
      if (track.zones.size === 0) this.tracks.delete(trackKey);
      return [];
    }
    if (!track) {
      track = { camera: event.camera, trackId: String(event.track_id), label: event.label.toLowerCase(), zones: new Map(), areas: new Map() };
      this.tracks.set(trackKey, track);
    }
    const wasInZone = track.zones.has(event.zone);
    const wasInArea = track.areas.has(area);
    if (!wasInZone) track.zones.set(event.zone, { area, since: t });
    if (!wasInArea) track.areas.set(area, t);
    const firings: RuleFiring[] = [];
    for (const rule of this.rules) {
      const trigger = rule.config.trigger;
      if (trigger.kind !== "entered" || !this.trackMatches(trigger, track, area, event.zone)) continue;
      if (trigger.zone !== undefined ? wasInZone : wasInArea) continue;
      const where = trigger.zone !== undefined ? `${event.area}/${event.zone}` : event.area;
      this.tryFire(rule, t, `${event.label} (track ${event.track_id}, camera ${event.camera}) entered ${where}`, firings);
    }
    return firings;
  }

  private trackMatches(trigger: Extract<TriggerConfig, { kind: "entered" }>, track: TrackState, area: string, zone: string): boolean {
    return track.label === trigger.label.toLowerCase()
      && area === this.areaKey(trigger.area)
      && (trigger.zone === undefined || trigger.zone === zone)
      && (trigger.camera === undefined || trigger.camera === track.camera);
  }

  /** Live duration-trigger episodes (the state still holds, the track is still there), with their due instants. */
  private episodes(): Episode[] {
    const episodes: Episode[] = [];
    for (const rule of this.rules) {
      const trigger = rule.config.trigger;
      if ((trigger.kind === "occupied" || trigger.kind === "vacated") && trigger.for_ms !== undefined) {
        const state = this.occupancy.get(this.occupancyKey(trigger.area, trigger.label));
        if (!state || state.occupied !== (trigger.kind === "occupied")) continue;
        const what = trigger.kind === "occupied" ? "occupied" : "empty";
        episodes.push({ rule, due: state.since + trigger.for_ms, key: `${trigger.kind}@${state.since}`, reason: `${trigger.area} ${what} (${trigger.label}) for ${formatDuration(trigger.for_ms)}` });
      } else if (trigger.kind === "dwell") {
        const area = this.areaKey(trigger.area);
        for (const track of this.tracks.values()) {
          if (track.label !== trigger.label.toLowerCase() || (trigger.camera !== undefined && trigger.camera !== track.camera)) continue;
          const zone = trigger.zone === undefined ? undefined : track.zones.get(trigger.zone);
          const since = trigger.zone === undefined ? track.areas.get(area) : zone?.area === area ? zone.since : undefined;
          if (since === undefined) continue;
          const where = trigger.zone !== undefined ? `${trigger.area}/${trigger.zone}` : trigger.area;
          episodes.push({ rule, due: since + trigger.at_least_ms, key: `${track.camera}\u0000${track.trackId}@${since}`, reason: `${trigger.label} (track ${track.trackId}, camera ${track.camera}) in ${where} for ${formatDuration(trigger.at_least_ms)}` });
        }
      }
    }
    return episodes;
  }

  /** Episodes not yet handled. */
  private pending(): Episode[] {
    return this.episodes().filter((e) => !e.rule.handled.has(e.key));
  }

  /** Fire every pending episode due at or before `t`, earliest first; forget handled episodes that have ended. */
  private fireDue(t: number): RuleFiring[] {
    const episodes = this.episodes();
    const due = episodes.filter((e) => !e.rule.handled.has(e.key) && e.due <= t).sort((a, b) => a.due - b.due);
    const firings: RuleFiring[] = [];
    for (const e of due) {
      e.rule.handled.add(e.key);
      this.tryFire(e.rule, e.due, e.reason, firings);
    }
    for (const rule of this.rules) {
      for (const key of rule.handled) if (!episodes.some((e) => e.rule === rule && e.key === key)) rule.handled.delete(key);
    }
    return firings;
  }

  private isSuspended(rule: RuleState, t: number): boolean {
    return rule.suspension !== undefined && rule.suspension.from <= t && t < rule.suspension.until;
  }

  /** Check suspension, cooldown and conditions at `t`; on success record the firing. */
  private tryFire(rule: RuleState, t: number, reason: string, out: RuleFiring[]): void {
    const id = rule.config.id;
    if (this.isSuspended(rule, t)) {
      log.debug({ rule: id, reason, until_ms: rule.suspension!.until }, "rule suspended by a manual command; not fired");
      return;
    }
    if (rule.lastFired !== undefined && t < rule.lastFired + rule.config.cooldown_ms) {
      log.debug({ rule: id, reason, last_fired_ms: rule.lastFired }, "rule in cooldown; not fired");
      return;
    }
    const details: string[] = [];
    for (const condition of rule.config.conditions) {
      const result = evaluateCondition(condition, t, { registry: this.registry, location: this.location });
      if (!result.ok) {
        log.debug({ rule: id, reason, condition: result.detail }, "rule condition false; not fired");
        return;
      }
      details.push(result.detail);
    }
    rule.lastFired = t;
    const firing: RuleFiring = { rule: id, t_ms: t, actions: rule.config.actions, reason: [reason, ...details].join("; ") };
    log.info({ rule: id, t_ms: t, reason: firing.reason }, "rule fired");
    out.push(firing);
  }
}
