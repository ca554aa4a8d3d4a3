import assert from "node:assert/strict";
import { test } from "node:test";
import { topicMatches } from "../../../devices/mqtt/topic.ts";

test("MQTT topic filters: + matches one level, # this level and below, $ topics need an explicit first level", () => {
  const cases: [string, string, boolean][] = [
    ["homeassistant/#", "homeassistant/light/x/config", true],
    ["homeassistant/#", "homeassistant", true],
    ["homeassistant/+/x/config", "homeassistant/light/x/config", true],
    ["homeassistant/+/config", "homeassistant/light/x/config", false],
    ["a/b", "a/b", true],
    ["a/b", "a/b/c", false],
    ["a/+", "a/", true],
    ["#", "$SYS/broker/uptime", false],
    ["+/broker/uptime", "$SYS/broker/uptime", false],
    ["$SYS/#", "$SYS/broker/uptime", true],
    ["zigbee2mqtt/smart vent", "zigbee2mqtt/smart vent", true],
  ];
  for (const [filter, topic, expected] of cases) assert.equal(topicMatches(filter, topic), expected, `${filter} vs ${topic}`);
});
