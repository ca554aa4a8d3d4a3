import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HandledJournal, HandledJournalError } from "../../../devices/mqtt/handled-journal.ts";

test("a handled fingerprint survives reopening the journal and is forgotten after its TTL", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-journal-"));
  let now = 1_000_000;
  try {
    const path = join(dir, "state", "commands-x.db");
    const first = new HandledJournal(path, 60_000, () => now);
    first.add("7\0hearth/x/text\0abc");
    assert.equal(first.has("7\0hearth/x/text\0abc"), true);
    assert.equal(first.has("8\0hearth/x/text\0abc"), false);
    first.close();
    const reopened = new HandledJournal(path, 60_000, () => now);
    assert.equal(reopened.has("7\0hearth/x/text\0abc"), true, "kept on disk");
    now += 60_001;
    assert.equal(reopened.has("7\0hearth/x/text\0abc"), false, "past its TTL");
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file that is no SQLite database fails with its path", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-journal-"));
  try {
    const path = join(dir, "commands-x.db");
    writeFileSync(path, "not a database, just text that is long enough to have a header ".repeat(10));
    assert.throws(() => new HandledJournal(path, 60_000).has("x"), (err: Error) => err instanceof HandledJournalError && err.message.includes(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
