/** MQTT topic filters (section 4.7 of the MQTT 3.1.1 and 5 specifications). */

/**
 * True when `topic` matches `filter` with the `+` (one level) and `#` (this
 * level and all below) wildcards. Topics starting with `$` only match filters
 * that name the `$` level explicitly.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split("/");
  const t = topic.split("/");
  if (t[0]!.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** MQTT's limit on an encoded topic (a two-byte length prefix). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const MAX_TOPIC_BYTES = 65_535;

/**
 * Why `topic` cannot be sent to a broker as a topic name (`publish`) or a
 * filter (`subscribe`), or undefined when it can. The rules are MQTT 5's
 * (§1.5.4 UTF-8 strings, §4.7 topic names and filters) as Home Assistant
 * applies them (valid_publish_topic / valid_subscribe_topic in its mqtt
 * util.py): not empty, at most 65 535 bytes, no U+0000, no control
 * characters or non-characters (mosquitto drops the connection for them),
 * no wildcards in a name, and `+`/`#` only as whole levels (`#` last) in a filter.
 */
export function topicProblem(topic: string, use: "publish" | "subscribe"): string | undefined {
  if (topic === "") return "empty topic";
  if (topic.length * 3 > MAX_TOPIC_BYTES && Buffer.byteLength(topic, "utf8") > MAX_TOPIC_BYTES) return `topic longer than ${MAX_TOPIC_BYTES} bytes`;
  // Printable ASCII, nearly every real topic, holds none of the characters below (checked per topic of a large home).
  if (!PRINTABLE_ASCII.test(topic)) {
    for (const ch of topic) {
      const cp = ch.codePointAt(0)!;
      const at = () => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return `topic holds the control character ${at()}`;
      if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return `topic holds the non-character ${at()}`;
      if (cp >= 0xd800 && cp <= 0xdfff) return `topic holds a lone surrogate ${at()} (not UTF-8)`;
    }
  }
  if (use === "publish") return /[+#]/.test(topic) ? "wildcards + and # are not allowed in a topic name" : undefined;
  const levels = topic.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes("+") && level !== "+") return "wildcard + must occupy a whole level";
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "wildcard # must be the last level, alone";
  }
  return undefined;
}
