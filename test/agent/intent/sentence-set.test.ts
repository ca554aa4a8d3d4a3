import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { TemplateNode } from "../../../agent/intent/template.ts";
import { buildSentenceSet, loadBuiltinSentences, registryLists, roomSpelling } from "../../../agent/intent/sentence-set.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "intents", "ha-en-fixtures.yaml");

test("built-in sentence files cover the in-scope intents", () => {
  const builtin = loadBuiltinSentences();
  for (const intent of ["HassTurnOn", "HassTurnOff", "HassLightSet", "HassClimateSetTemperature", "HassClimateGetTemperature", "HassSetPosition", "HassGetState", "HassNevermind"]) {
    assert.ok(builtin.intents[intent]?.data.length, `${intent} has sentences`);
  }
});

test("registry lists: names and aliases with their domain and device class, areas and floors", () => {
  const registry = registryWith({ Kitchen: "Ground Floor" }, [
    entity("light.ceiling", { name: "Kitchen Ceiling", aliases: ["Big Light"], area: "Kitchen" }),
    entity("cover.garage", { name: "Garage Door", device_class: "garage" }),
  ]);
  const lists = registryLists(registry);
  assert.deepEqual(lists.name, {
    values: [
      { in: "Kitchen Ceiling", out: "Kitchen Ceiling", context: { domain: "light" } },
      { in: "Big Light", out: "Kitchen Ceiling", context: { domain: "light" } },
      { in: "Garage Door", out: "Garage Door", context: { domain: "cover", device_class: "garage" } },
    ],
  });
  assert.deepEqual(lists.area, { values: [{ in: "Kitchen", out: "Kitchen" }, { in: "kitchenette", out: "Kitchen" }] });
  assert.deepEqual(lists.floor, { values: [{ in: "Ground Floor", out: "Ground Floor" }] });
});

test("area names are also said with the other spelling of a '…room' word and by common room synonyms, unless another area has that name", () => {
  assert.equal(roomSpelling("Bedroom"), "Bed room");
  assert.equal(roomSpelling("Living Room"), "Livingroom");
  assert.equal(roomSpelling("Room"), undefined);
  assert.equal(roomSpelling("Garage"), undefined);
  const areas = (names: string[]) => {
    const list = registryLists(registryWith(Object.fromEntries(names.map((n) => [n, undefined])), [])).area;
    return "values" in list ? list.values.map((v) => (typeof v === "string" ? `${v}` : `${v.in}→${v.out}`)) : [];
  };
  assert.deepEqual(areas(["Hallway", "Bedroom"]), ["Hallway→Hallway", "Bedroom→Bedroom", "hall→Hallway", "corridor→Hallway", "entrance hall→Hallway", "Bed room→Bedroom"]);
  // A home with both a Hall and a Hallway keeps them apart.
  assert.deepEqual(areas(["Hall", "Hallway"]).filter((a) => a.startsWith("hall") || a.startsWith("Hall")), ["Hall→Hall", "Hallway→Hallway"]);
});

test("the sentence set of the HA fixtures: every reference resolves, template names are spoken plainly", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const set = buildSentenceSet(loadFixtures(fixtures), []);
  const names = set.lists.name;
  assert.ok("values" in names);
  assert.ok(names.values.some((v) => typeof v === "object" && v.in === "Trader Joe's"), "hassil syntax stripped from a fixture name");
  const check = (node: TemplateNode): void => {
    if (node.type === "list") assert.ok(node.list in set.lists, `list {${node.list}}`);
    if (node.type === "rule") assert.ok(node.name in set.rules, `rule <${node.name}>`);
    if (node.type === "sequence") node.items.forEach(check);
    if (node.type === "alternative") node.options.forEach(check);
  };
  let sentences = 0;
  for (const intent of set.intents) for (const s of intent.sentences) (check(s.tree), sentences++);
  for (const rule of Object.values(set.rules)) check(rule);
  assert.ok(sentences > 100, `${sentences} sentences`);
});

test("an empty registry still builds (registry lists match nothing)", () => {
  const set = buildSentenceSet(registryWith({}, []), []);
  assert.deepEqual(set.lists.area, { values: [] });
});
