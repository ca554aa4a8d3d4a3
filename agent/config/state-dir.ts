/**
 * hearth's state directory: `$STATE_DIRECTORY` under systemd (its first
 * entry), else `$XDG_DATA_HOME/hearth` (default `~/.local/share/hearth`).
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** The path of `file` in the state directory. */
export function stateFilePath(file: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.STATE_DIRECTORY) return join(env.STATE_DIRECTORY.split(":")[0]!, file);
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "hearth", file);
}

/** The command journal of agent `agentId` (devices/mqtt/handled-journal.ts): one per agent, like its timers. */
export function commandJournalPath(agentId: string, env: NodeJS.ProcessEnv = process.env): string {
  return stateFilePath(`commands-${agentId}.db`, env);
}
