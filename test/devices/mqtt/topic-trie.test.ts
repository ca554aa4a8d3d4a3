import assert from "node:assert/strict";
import { test } from "node:test";
import { TopicTrie } from "../../../devices/mqtt/topic-trie.ts";
import { topicMatches } from "../../../devices/mqtt/topic.ts";

const FILTERS = [
  "#", "+", "+/+", "a", "a/#", "a/+", "a/b", "a/b/c", "a/+/c", "a/b/#", "+/b/#", "a//c", "a/+/+", "$SYS/#", "$SYS/broker/+", "+/broker/uptime",
  "homeassistant/#", "homeassistant/+/+/+/config", "zigbee2mqtt/Kitchen Lamp", "zigbee2mqtt/Kitchen Lamp/availability", "",
];
const TOPICS = [
  "a", "a/b", "a/b/c", "a/b/c/d", "a//c", "a/x/c", "b", "b/b/x", "$SYS/broker/uptime", "$SYS", "homeassistant/light/kitchen/ceiling/config",
  "homeassistant/status", "zigbee2mqtt/Kitchen Lamp", "zigbee2mqtt/Kitchen Lamp/availability", "/", "/a", "",
];

test("a topic matches the same filters in the trie as by topicMatches, $ topics included", () => {
  const trie = new TopicTrie<string>();
  for (const filter of FILTERS) trie.set(filter, filter);
  assert.equal(trie.size, FILTERS.length);
  for (const topic of TOPICS) {
    const expected = FILTERS.filter((f) => topicMatches(f, topic)).sort();
    assert.deepEqual(trie.match(topic).sort(), expected, `topic ${JSON.stringify(topic)}`);
  }
});

test("a filter ending in # matches its parent level; + needs a level", () => {
  const trie = new TopicTrie<string>();
  trie.set("sport/#", "hash");
  trie.set("sport/+", "plus");
  assert.deepEqual(trie.match("sport").sort(), ["hash"]);
  assert.deepEqual(trie.match("sport/").sort(), ["hash", "plus"]);
  assert.deepEqual(trie.match("sport/tennis/player1"), ["hash"]);
});

test("set replaces, get is exact, delete prunes and leaves the other filters", () => {
  const trie = new TopicTrie<number>();
  trie.set("a/b/c", 1);
  trie.set("a/b/c", 2);
  trie.set("a/+", 3);
  assert.equal(trie.size, 2);
  assert.equal(trie.get("a/b/c"), 2);
  assert.equal(trie.get("a/b"), undefined, "a prefix of a filter is not a filter");
  assert.equal(trie.delete("a/b"), false);
  assert.equal(trie.delete("a/b/c"), true);
  assert.equal(trie.delete("a/b/c"), false);
  assert.equal(trie.size, 1);
  assert.deepEqual(trie.match("a/b/c"), []);
  assert.deepEqual(trie.match("a/b"), [3]);
  assert.equal(trie.delete("a/+"), true);
  assert.deepEqual(trie.match("a/x"), []);
  assert.equal(trie.size, 0);
});

test("10,000 exact topics: each finds only its own filter", () => {
  const trie = new TopicTrie<string>();
  for (let i = 0; i < 10_000; i++) trie.set(`zigbee2mqtt/device ${i}`, `device ${i}`);
  trie.set("zigbee2mqtt/#", "all");
  assert.deepEqual(trie.match("zigbee2mqtt/device 4321").sort(), ["all", "device 4321"]);
  assert.deepEqual(trie.match("zigbee2mqtt/device 10000"), ["all"]);
});
