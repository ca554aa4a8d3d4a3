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
