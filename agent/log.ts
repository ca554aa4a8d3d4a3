/**
 * Structured logging: one pino root logger, one child per module namespace
 * (`logger("devices/discovery")`). Level from HEARTH_LOG_LEVEL (default `info`);
 * logs go to stderr so CLI commands can print JSON lines on stdout.
 *
 * Format: JSON lines for journald and pipes; short human lines (pino-pretty)
 * when stderr is a terminal and not journald's stream. HEARTH_LOG_FORMAT=json
 * or =pretty overrides the guess.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { PinoPretty } from "pino-pretty";

/** Known secret values, as written raw and as escaped inside a JSON string. */
const secretValues = new Set<string>();

/**
 * Scrub these values from every log line from now on, wherever they appear
 * (messages, error texts, URLs), on top of the key-based redaction. Values
 * shorter than 4 characters are ignored (they would mangle ordinary text).
 */
export function addLogSecrets(values: readonly string[]): void {
  for (const value of values) {
    if (value.length < 4) continue;
    secretValues.add(value);
    secretValues.add(JSON.stringify(value).slice(1, -1));
  }
}

const root: Logger = pino(
  {
    level: process.env.HEARTH_LOG_LEVEL ?? "info",
    base: undefined,
    redact: { paths: ["password", "*.password", "access_key", "*.access_key", "*.accessKey"], censor: "[redacted]" },
    hooks: {
      streamWrite: (line) => {
        let out = line;
        for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join("[redacted]");
        return out;
      },
    },
  },
  logDestination(),
);

/** Whether log lines should be written for a person (see the module header). */
export function prettyLogs(env: NodeJS.ProcessEnv = process.env, stderrIsTTY = Boolean(process.stderr.isTTY)): boolean {
  if (env.HEARTH_LOG_FORMAT === "json") return false;
  if (env.HEARTH_LOG_FORMAT === "pretty") return true;
  return stderrIsTTY && !env.JOURNAL_STREAM;
}

function logDestination(): DestinationStream {
  if (!prettyLogs()) return pino.destination({ fd: 2, sync: true });
  return PinoPretty({ destination: 2, sync: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname", messageKey: "msg", singleLine: true });
}

/** A child logger whose records carry `module: namespace`. */
export function logger(namespace: string): Logger {
  return root.child({ module: namespace });
}

/** Change the level of every logger at run time (e.g. `--verbose`). */
export function setLogLevel(level: string): void {
  root.level = level;
}

export type { Logger };
