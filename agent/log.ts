/**
 * Structured logging: one pino root logger, one child per module namespace
 * (`logger("devices/discovery")`). Level from HEARTH_LOG_LEVEL (default `info`);
 * logs go to stderr so CLI commands can print JSON lines on stdout.
 */
import { pino, type Logger } from "pino";

const root: Logger = pino(
  {
    level: process.env.HEARTH_LOG_LEVEL ?? "info",
    base: undefined,
    redact: { paths: ["password", "*.password", "access_key", "*.access_key", "*.accessKey"], censor: "[redacted]" },
  },
  pino.destination({ fd: 2, sync: true }),
);

/** A child logger whose records carry `module: namespace`. */
export function logger(namespace: string): Logger {
  return root.child({ module: namespace });
}

/** Change the level of every logger at run time (e.g. `--verbose`). */
export function setLogLevel(level: string): void {
  root.level = level;
}

export type { Logger };
