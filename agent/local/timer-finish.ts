/**
 * What hearth does when a timer finishes: the words it speaks on the speaker
 * of the microphone that set the timer, the event line for
 * `hearth/<id>/events`, and, for a delayed command, whether the command still
 * runs (one that fell due while hearth was down runs only if it is at most
 * `timers.late_command_limit_s` late).
 */
import type { CommandOrigin } from "../controller/types.ts";
import { durationWords } from "../timers/duration.ts";
import { timerLabel } from "../timers/select.ts";
import type { FinishedTimer } from "../timers/timer-manager.ts";

/** The event line published when a timer finishes. */
export interface TimerFinishedEvent {
  type: "timer_finished";
  timer: { id: string; name: string | null; duration_s: number; command: string | null };
  /** Who set it. */
  origin: CommandOrigin;
  /** Seconds past due when it was noticed (hearth was not running), 0 when on time. */
  late_s: number;
  /** What hearth said (empty for a delayed command that ran: its own command event follows). */
  response: string;
  /** For a delayed command: `run`, or `too_late` when it was dropped. */
  command_outcome?: "run" | "too_late";
  t: string;
}

export interface TimerFinishPlan {
  event: TimerFinishedEvent;
  /** Words to speak on the setter's speaker, if any. */
  speak?: string;
  /** The delayed command to hand to the controller now, if any. */
  command?: string;
}

/** Plan the announcement and the delayed command of a finished timer. */
export function planTimerFinish({ timer, lateMs }: FinishedTimer, lateCommandLimitMs: number, now = new Date()): TimerFinishPlan {
  const late = lateMs > 0 ? ` It finished ${durationWords(lateMs)} ago, while I was not running.` : "";
  const base = {
    type: "timer_finished" as const,
    timer: { id: timer.id, name: timer.name, duration_s: Math.round(timer.durationMs / 1000), command: timer.command },
    origin: timer.origin,
    late_s: Math.round(lateMs / 1000),
    t: now.toISOString(),
  };
  if (timer.command) {
    if (lateMs > lateCommandLimitMs) {
      const speak = `I did not ${timer.command}: it was due ${durationWords(lateMs)} ago, while I was not running.`;
      return { event: { ...base, response: speak, command_outcome: "too_late" }, speak };
    }
    return { event: { ...base, response: "", command_outcome: "run" }, command: timer.command };
  }
  const speak = `Your ${timerLabel(timer)} is done.${late}`;
  return { event: { ...base, response: speak }, speak };
}
