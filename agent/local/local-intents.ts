/**
 * The intents hearth carries out by itself, without Home Assistant and
 * without a device: the clock (HassGetCurrentTime, HassGetCurrentDate),
 * timers and delayed commands (HassStartTimer, HassCancelTimer,
 * HassCancelAllTimers, HassIncreaseTimer, HassDecreaseTimer, HassPauseTimer,
 * HassUnpauseTimer, HassTimerStatus), HassBroadcast, and the refusal of what
 * only HA can do (needs-home-assistant.ts).
 *
 * Each request becomes an Understanding for the controller: questions are
 * answers; changes are `custom` understandings whose `perform` the act step
 * runs, so the statechart still decides when anything happens. The response
 * is worded here, from the state at understanding time.
 */
import type { CommandOrigin, Understanding } from "../controller/types.ts";
import type { RecognizedIntent } from "../intent/recognizer.ts";
import { durationFromSlots, durationWords } from "../timers/duration.ts";
import { selectTimer, timerLabel, timerName, type TimerSelection } from "../timers/select.ts";
import type { TimerManager } from "../timers/timer-manager.ts";
import type { StoredTimer } from "../timers/timer-store.ts";
import { dateAnswer, timeAnswer } from "./clock.ts";
import { needsHomeAssistant, needsHomeAssistantAnswer } from "./needs-home-assistant.ts";

const TIMER_INTENTS = new Set([
  "HassStartTimer", "HassCancelTimer", "HassCancelAllTimers", "HassIncreaseTimer", "HassDecreaseTimer", "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus",
]);
const CLOCK_INTENTS = new Set(["HassGetCurrentTime", "HassGetCurrentDate"]);
/** Longest timer hearth sets: 24 hours (longer is an appointment, not a timer). */
const MAX_TIMER_MS = 24 * 3_600_000;

export interface LocalIntentDeps {
  /** The running service's timers; absent in one-shot CLI runs, which cannot keep a timer. */
  timers?: TimerManager;
  /** Speaks a broadcast on every speaker; absent where hearth does not speak. */
  broadcast?: (message: string) => Promise<number>;
  /**
   * Understand a delayed command's text now, as the controller will when it
   * is due (recognizer, resolver, publish guard), to refuse at once what
   * could not be done then.
   */
  check: (text: string, origin: CommandOrigin) => Promise<Understanding>;
  /** The home's IANA time zone (config `location.time_zone`). */
  timeZone?: string;
  now?: () => Date;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Intents hearth answers or carries out by itself, never on a device: clock, timers, broadcast, what needs HA. */
export function isLocalIntent(intent: string): boolean {
  return TIMER_INTENTS.has(intent) || CLOCK_INTENTS.has(intent) || intent === "HassBroadcast" || needsHomeAssistant(intent);
}

export class LocalIntents {
  constructor(private readonly deps: LocalIntentDeps) {}

  /** True for an intent this module answers (the controller does not resolve it against devices). */
  handles(intent: string): boolean {
    return isLocalIntent(intent);
  }

  /** The Understanding of a recognised local intent, said from `origin`. */
  async understand(recognized: RecognizedIntent, origin: CommandOrigin): Promise<Understanding> {
    const { intent, slots } = recognized;
    const now = this.deps.now?.() ?? new Date();
    if (intent === "HassGetCurrentTime") return { kind: "answer", intent, slots, response: timeAnswer(now, this.deps.timeZone) };
    if (intent === "HassGetCurrentDate") return { kind: "answer", intent, slots, response: dateAnswer(now, this.deps.timeZone) };
    if (needsHomeAssistant(intent)) return { kind: "error", intent, slots, response: needsHomeAssistantAnswer(intent), error: "needs_home_assistant" };
    if (intent === "HassBroadcast") return this.broadcast(recognized);
    const timers = this.deps.timers;
    if (!timers) return { kind: "error", intent, slots, response: "I can keep timers only while the hearth service runs.", error: "no_timers" };
    switch (intent) {
      case "HassStartTimer":
        return this.startTimer(recognized, origin, timers);
      case "HassCancelAllTimers":
        return this.cancelAll(recognized, timers);
      case "HassTimerStatus":
        return this.status(recognized, origin, timers);
      default:
        return this.changeTimer(recognized, origin, timers);
    }
  }

  private broadcast({ intent, slots }: RecognizedIntent): Understanding {
    const message = String(slots.message ?? "").trim();
    const broadcast = this.deps.broadcast;
    if (!broadcast) return { kind: "error", intent, slots, response: "I have no speaker to broadcast on.", error: "no_speaker" };
    return { kind: "custom", intent, slots, messages: [], response: "Done.", perform: async () => void (await broadcast(message)) };
  }

  private async startTimer({ intent, slots }: RecognizedIntent, origin: CommandOrigin, timers: TimerManager): Promise<Understanding> {
    const durationMs = durationFromSlots(slots);
    if (!durationMs) return { kind: "error", intent, slots, response: "For how long?", error: "no_duration" };
    if (durationMs > MAX_TIMER_MS) return { kind: "error", intent, slots, response: "I can set timers of up to 24 hours.", error: "too_long" };
    const name = timerName(slots.name);
    const command = typeof slots.conversation_command === "string" ? slots.conversation_command.trim() : undefined;
    const length = durationWords(durationMs);
    if (command) {
      const refusal = await this.delayedCommandProblem(command, origin);
      if (refusal) return { kind: "error", intent, slots, response: refusal, error: "delayed_command_refused" };
      return {
        kind: "custom", intent, slots, messages: [],
        response: `Okay, in ${length} I'll ${command}.`,
        perform: () => void timers.add({ durationMs, origin, command }),
      };
    }
    return {
      kind: "custom", intent, slots, messages: [],
      response: name ? `${capitalise(name)} timer set for ${length}.` : `Timer set for ${length}.`,
      perform: () => void timers.add({ durationMs, origin, name }),
    };
  }

  /** Why a delayed command cannot be set, in words; undefined when it can. */
  private async delayedCommandProblem(command: string, origin: CommandOrigin): Promise<string | undefined> {
    const understood = await this.deps.check(command, origin);
    if (understood.kind === "act" || understood.kind === "custom") {
      if (understood.intent === "HassStartTimer" || understood.intent === "HassBroadcast") return `I can't delay "${command}".`;
      if ("perform" in understood && understood.perform) return `I can't delay "${command}".`;
      // A sensitive action needs a "yes" when it happens, and nobody may be there to give it.
      if (understood.confirmation) return `I won't ${command} on a timer: that needs your yes when it happens.`;
      return undefined;
    }
    if (understood.kind === "not_understood") return `Sorry, I can't do "${command}" later: I don't understand it.`;
    if (understood.kind === "clarify") return `${understood.question} Please set it again naming the device.`;
    return `I can't do "${command}" later. ${"response" in understood ? understood.response : ""}`.trim();
  }

  private cancelAll({ intent, slots }: RecognizedIntent, timers: TimerManager): Understanding {
    const all = timers.list();
    if (!all.length) return { kind: "error", intent, slots, response: "There are no timers.", error: "no_timer" };
    return {
      kind: "custom", intent, slots, messages: [],
      response: all.length === 1 ? `Cancelled your ${timerLabel(all[0]!)}.` : `Cancelled all ${all.length} timers.`,
      perform: () => all.forEach((t) => timers.cancel(t.id)),
    };
  }

  private status({ intent, slots }: RecognizedIntent, origin: CommandOrigin, timers: TimerManager): Understanding {
    const all = timers.list();
    if (!all.length) return { kind: "answer", intent, slots, response: "There are no timers." };
    const asked = slots.name !== undefined || slots.area !== undefined || Object.keys(slots).some((k) => k.startsWith("start_"));
    const selection = asked || all.length === 1 ? selectTimer(all, slots, origin) : { kind: "ambiguous" as const, timers: all };
    if (selection.kind === "none") return { kind: "answer", intent, slots, response: `There is no ${selection.asked ?? "such timer"}.` };
    if (selection.kind === "one") return { kind: "answer", intent, slots, response: capitalise(this.timerState(selection.timer, timers, "your")) + "." };
    const parts = selection.timers.map((t) => this.timerState(t, timers, "the"));
    return { kind: "answer", intent, slots, response: `You have ${selection.timers.length} timers: ${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}.` };
  }

  /** "your pasta timer has 4 minutes left", "the 10 minute timer is paused with 2 minutes left". */
  private timerState(timer: StoredTimer, timers: TimerManager, article: string): string {
    const left = durationWords(timers.remainingMs(timer));
    return timer.state === "paused" ? `${article} ${timerLabel(timer)} is paused with ${left} left` : `${article} ${timerLabel(timer)} has ${left} left`;
  }

  /** Cancel, increase, decrease, pause or unpause one timer. */
  private changeTimer({ intent, slots }: RecognizedIntent, origin: CommandOrigin, timers: TimerManager): Understanding {
    const selection: TimerSelection = selectTimer(timers.list(), slots, origin);
    if (selection.kind === "none") {
      const response = selection.asked ? `There is no ${selection.asked}.` : "There are no timers.";
      return { kind: "error", intent, slots, response, error: "no_timer" };
    }
    if (selection.kind === "ambiguous") {
      const names = selection.timers.map((t) => `the ${timerLabel(t)}`);
      return { kind: "error", intent, slots, response: `Which timer: ${names.slice(0, -1).join(", ")} or ${names.at(-1)}?`, error: "ambiguous_timer" };
    }
    const timer = selection.timer;
    const label = timerLabel(timer);
    const left = timers.remainingMs(timer);
    const done = (response: string, perform: () => void): Understanding => ({ kind: "custom", intent, slots, messages: [], response, perform });
    switch (intent) {
      case "HassCancelTimer":
        return done(`Cancelled your ${label}.`, () => void timers.cancel(timer.id));
      case "HassPauseTimer":
        if (timer.state === "paused") return { kind: "error", intent, slots, response: `Your ${label} is already paused.`, error: "already_paused" };
        return done(`Paused your ${label} with ${durationWords(left)} left.`, () => void timers.pause(timer.id));
      case "HassUnpauseTimer":
        if (timer.state === "running") return { kind: "error", intent, slots, response: `Your ${label} is not paused.`, error: "not_paused" };
        return done(`Resumed your ${label}: ${durationWords(left)} left.`, () => void timers.resume(timer.id));
      case "HassIncreaseTimer":
      case "HassDecreaseTimer": {
        const delta = durationFromSlots(slots);
        if (!delta) return { kind: "error", intent, slots, response: "By how much?", error: "no_duration" };
        const signed = intent === "HassIncreaseTimer" ? delta : -delta;
        if (left + signed > MAX_TIMER_MS) return { kind: "error", intent, slots, response: "I can set timers of up to 24 hours.", error: "too_long" };
        const after = left + signed;
        const response = after <= 0
          ? `Took ${durationWords(delta)} off your ${label}, so it is done.`
          : `${intent === "HassIncreaseTimer" ? "Added" : "Took"} ${durationWords(delta)} ${intent === "HassIncreaseTimer" ? "to" : "off"} your ${label}: ${durationWords(after)} left.`;
        return done(response, () => void timers.adjust(timer.id, signed));
      }
      default:
        return { kind: "error", intent, slots, response: "Sorry, I can't do that with timers.", error: "unsupported" };
    }
  }
}
