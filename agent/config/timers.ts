/**
 * Config section `timers`: where hearth keeps its timers and delayed commands
 * (so they survive a restart), and how late a delayed command may still run.
 *
 * ```yaml
 * timers: { path: /var/lib/hearth/timers.db, late_command_limit_s: 900 }
 * ```
 */
import { z } from "zod";
import { stateFilePath } from "./state-dir.ts";

export const timersSchema = z.strictObject({
  /** SQLite file; default `$STATE_DIRECTORY/timers-<agent id>.db` (systemd), else `$XDG_DATA_HOME/hearth/timers-<agent id>.db`. */
  path: z.string().min(1).optional(),
  /**
   * A delayed command that fell due while hearth was down runs at start-up if
   * it is at most this many seconds late; later, it is dropped and the user is
   * told ("turn on the oven in 10 minutes" must not happen a day later).
   */
  late_command_limit_s: z.number().min(0).default(900),
});

export type TimersConfig = z.infer<typeof timersSchema>;

/**
 * The timers database of a config: `timers.path`, or `timers-<agent id>.db` in
 * the state directory — one file per agent, so two agents on one machine never
 * announce each other's timers.
 */
export function timersPath(config: TimersConfig, agentId: string, env: NodeJS.ProcessEnv = process.env): string {
  return config.path ?? stateFilePath(`timers-${agentId}.db`, env);
}
