/** Config section `timers`: defaults, one database per agent id, strict keys. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { timersPath } from "../../../agent/config/timers.ts";

test("timers default to one file per agent in the state directory; unknown keys are errors", () => {
  const config = parseConfig({});
  assert.deepEqual(config.timers, { late_command_limit_s: 900 });
  assert.equal(timersPath(config.timers, "kitchen", { STATE_DIRECTORY: "/var/lib/hearth:/other" }), "/var/lib/hearth/timers-kitchen.db");
  assert.equal(timersPath(config.timers, "kitchen", { XDG_DATA_HOME: "/home/ada/.data" }), "/home/ada/.data/hearth/timers-kitchen.db");
  assert.equal(timersPath({ ...config.timers, path: "/tmp/t.db" }, "kitchen", { STATE_DIRECTORY: "/var/lib/hearth" }), "/tmp/t.db");
  assert.throws(() => parseConfig({ timers: { file: "x" } }), /timers\.file: unknown key/);
  assert.throws(() => parseConfig({ timers: { late_command_limit_s: -1 } }), /timers\.late_command_limit_s/);
  assert.throws(() => parseConfig({ audio: { microphones: [{ name: "m", speaker: "" }] } }), /audio\.microphones\.0\.speaker/);
});
