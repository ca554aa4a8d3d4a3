import assert from "node:assert/strict";
import { test } from "node:test";
import { assistantNameWords, normalizeUtterance, phraseTokens, tokenize } from "../../../agent/intent/normalize.ts";

const texts = (s: string) => normalizeUtterance(s).map((t) => t.text);

test("case and punctuation are dropped, possessive 's is split off", () => {
  assert.deepEqual(phraseTokens("Is the Kitchen light ON?!"), ["is", "the", "kitchen", "light", "on"]);
  assert.deepEqual(phraseTokens("what's the heat pump's CO2 level"), ["what", "'s", "the", "heat", "pump", "'s", "co2", "level"]);
  assert.deepEqual(phraseTokens("living-room lamp, please."), ["living", "room", "lamp", "please"]);
});

test("number words become digits", () => {
  assert.deepEqual(phraseTokens("twenty one"), ["21"]);
  assert.deepEqual(phraseTokens("one hundred percent"), ["100", "percent"]);
  assert.deepEqual(phraseTokens("one hundred and five"), ["105"]);
  assert.deepEqual(phraseTokens("twenty point five degrees"), ["20.5", "degrees"]);
  assert.deepEqual(phraseTokens("two thousand twenty four"), ["2024"]);
  // Two units in a row are two numbers, not their sum.
  assert.deepEqual(phraseTokens("one two"), ["1", "2"]);
  assert.deepEqual(phraseTokens("fifty five"), ["55"]);
  assert.deepEqual(phraseTokens("minus five degrees"), ["-5", "degrees"]);
  assert.deepEqual(phraseTokens("set to -5%"), ["set", "to", "-5", "percent"]);
  assert.deepEqual(phraseTokens("living-room"), ["living", "room"]);
});

test("percent and degree signs become words; decimals and names with dots survive", () => {
  assert.deepEqual(phraseTokens("50%"), ["50", "percent"]);
  assert.deepEqual(phraseTokens("set to 20.5°"), ["set", "to", "20.5", "degrees"]);
  assert.deepEqual(phraseTokens("20.5 °C"), ["20.5", "degrees"]);
  assert.deepEqual(phraseTokens("PM2.5 level."), ["pm2.5", "level"]);
});

test("politeness words are skipped in the text, keeping the raw words of the rest", () => {
  assert.deepEqual(texts("Could you please turn on the lights"), ["turn", "on", "the", "lights"]);
  assert.deepEqual(texts("can you switch off the fan please"), ["switch", "off", "the", "fan"]);
  assert.deepEqual(texts("hey, can you open the blinds"), ["open", "the", "blinds"]);
  // Only at the start: "can you" elsewhere is kept.
  assert.deepEqual(texts("tell me can you"), ["tell", "me", "can", "you"]);
  assert.deepEqual(tokenize("Overhead Light on").map((t) => t.raw), ["Overhead", "Light", "on"]);
  assert.deepEqual(tokenize("twenty one degrees").map((t) => t.raw), ["twenty one", "degrees"]);
});

test("an assistant's name, requests and wishes in front, and 'now'/'thanks' at the end are dropped; never the whole text", () => {
  assert.deepEqual(texts("hey alexa, could you please turn off the lights now, thanks"), ["turn", "off", "the", "lights"]);
  assert.deepEqual(texts("olly lower the lights please"), ["lower", "the", "lights"]);
  assert.deepEqual(texts("Hey Google, I would like you to dim the lights"), ["dim", "the", "lights"]);
  assert.deepEqual(texts("siri would you be able to switch the fan off"), ["switch", "the", "fan", "off"]);
  assert.deepEqual(texts("let's turn the lights on"), ["turn", "the", "lights", "on"]);
  assert.deepEqual(texts("i want the lights on"), ["the", "lights", "on"]);
  assert.deepEqual(texts("turn on the lights alexa"), ["turn", "on", "the", "lights"]);
  assert.deepEqual(texts("thank you"), ["thank", "you"]);
  // Only at the ends: "now" inside a command stays.
  assert.deepEqual(texts("is the door open now or closed"), ["is", "the", "door", "open", "now", "or", "closed"]);
});

test("a configured wake word is an assistant name too, with or without its 'hey'", () => {
  const names = assistantNameWords("hey_jarvis");
  assert.deepEqual(names, [["hey", "jarvis"], ["jarvis"]]);
  assert.deepEqual(normalizeUtterance("Jarvis, lights on", names).map((t) => t.text), ["lights", "on"]);
  assert.deepEqual(normalizeUtterance("lights on hey jarvis", names).map((t) => t.text), ["lights", "on"]);
  assert.deepEqual(normalizeUtterance("nova lights on", assistantNameWords("nova")).map((t) => t.text), ["lights", "on"]);
});

test("'-ish' joins the word before it: red-ish, red ish and redish are one token", () => {
  assert.deepEqual(phraseTokens("make it red-ish"), ["make", "it", "redish"]);
  assert.deepEqual(phraseTokens("blue ish"), ["blueish"]);
  assert.deepEqual(tokenize("red-ish").map((t) => t.raw), ["red-ish"]);
});
