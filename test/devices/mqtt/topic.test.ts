import assert from "node:assert/strict";
import { test } from "node:test";
import { topicMatches, topicProblem } from "../../../devices/mqtt/topic.ts";

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

test("topic names and filters a broker would refuse are named, as HA's valid_publish_topic/valid_subscribe_topic do", () => {
  assert.equal(topicProblem("zigbee2mqtt/smart vent/set", "publish"), undefined);
  assert.equal(topicProblem("homeassistant/+/x/#", "subscribe"), undefined);
  assert.equal(topicProblem("#", "subscribe"), undefined);
  assert.equal(topicProblem("ünïcode/☃", "publish"), undefined);
  assert.equal(topicProblem("x".repeat(65_535), "publish"), undefined);
  // mosquitto closes the connection on these (checked against mosquitto 2).
  assert.equal(topicProblem("bad\u0000topic", "subscribe"), "topic holds the control character U+0000");
  assert.equal(topicProblem("ctl\u0001topic", "publish"), "topic holds the control character U+0001");
  assert.equal(topicProblem("del\u007ftopic", "publish"), "topic holds the control character U+007F");
  assert.equal(topicProblem("a\ufffe", "subscribe"), "topic holds the non-character U+FFFE");
  assert.equal(topicProblem("a\ud800", "subscribe"), "topic holds a lone surrogate U+D800 (not UTF-8)");
  assert.equal(topicProblem("", "publish"), "empty topic");
  assert.equal(topicProblem("é".repeat(40_000), "publish"), "topic longer than 65535 bytes");
  assert.equal(topicProblem("a/#", "publish"), "wildcards + and # are not allowed in a topic name");
  assert.equal(topicProblem("a/+/b", "publish"), "wildcards + and # are not allowed in a topic name");
  assert.equal(topicProblem("a/#/b", "subscribe"), "wildcard # must be the last level, alone");
  assert.equal(topicProblem("a/b#", "subscribe"), "wildcard # must be the last level, alone");
  assert.equal(topicProblem("a/b+/c", "subscribe"), "wildcard + must occupy a whole level");
});
