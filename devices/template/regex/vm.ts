/**
 * The Pike VM that runs a compiled pattern: all threads advance in lock step
 * over the input, in priority order, so the leftmost match with Python's
 * (backtracking-equivalent) preference among alternatives and greedy/lazy
 * repeats is found in O(input × program) steps. Work is charged to the
 * render's budget.
 */
import { isWordChar, type Program } from "./compile.ts";

/** VM thread steps charged as one template step. */
const STEPS_PER_BUDGET_STEP = 2;

/** Where a match and its groups lie. */
export interface RegexMatch {
  /** Start and end (UTF-16 offsets) of the whole match and each group; -1 for a group that did not take part. */
  slots: number[];
}

interface Thread {
  pc: number;
  slots: number[];
}

/**
 * The first match starting at or after `from` (only at `from` when `anchored`).
 * @param charge called with budget steps spent (it throws past the budget).
 */
export function execute(program: Program, input: string, from: number, anchored: boolean, charge: (steps: number) => void): RegexMatch | undefined {
  const { code } = program;
  const slotCount = (program.groups + 1) * 2;
  let work = 0;
  let matched: number[] | undefined;
  let clist: Thread[] = [];
  const seen = new Int32Array(code.length).fill(-1);
  let generation = 0;

  const add = (list: Thread[], pc: number, slots: number[], pos: number) => {
    // An explicit stack keeps the recursion of nested epsilon moves bounded.
    const stack: [number, number[]][] = [[pc, slots]];
    while (stack.length) {
      const [at, s] = stack.pop()!;
      if (seen[at] === generation) continue;
      seen[at] = generation;
      work++;
      const ins = code[at]!;
      switch (ins.op) {
        case "jmp": stack.push([ins.to, s]); break;
        case "split": stack.push([ins.second, s], [ins.first, s]); break;
        case "save": {
          const copy = s.slice();
          copy[ins.slot] = pos;
          stack.push([at + 1, copy]);
          break;
        }
        case "assert":
          if (assertion(ins.kind, input, pos)) stack.push([at + 1, s]);
          break;
        default:
          list.push({ pc: at, slots: s });
      }
    }
  };

  for (let pos = from; pos <= input.length; pos++) {
    if (!matched && (!anchored || pos === from)) {
      generation++;
      // Threads already running keep their priority; a fresh start is the lowest.
      const fresh: Thread[] = [];
      for (const t of clist) seen[t.pc] = generation;
      add(fresh, 0, new Array(slotCount).fill(-1), pos);
      clist = clist.concat(fresh);
    }
    if (!clist.length) break;
    generation++;
    const nlist: Thread[] = [];
    const c = pos < input.length ? input.charCodeAt(pos) : -1;
    for (const t of clist) {
      work++;
      const ins = code[t.pc]!;
      if (ins.op === "match") {
        matched = t.slots;
        // Lower-priority threads are cut off by a match.
        break;
      }
      if (ins.op === "char" && c >= 0 && ins.test(c)) add(nlist, t.pc + 1, t.slots, pos + 1);
    }
    if (work >= STEPS_PER_BUDGET_STEP) {
      charge(Math.floor(work / STEPS_PER_BUDGET_STEP));
      work %= STEPS_PER_BUDGET_STEP;
    }
    clist = nlist;
    if (matched && !clist.length) break;
  }
  // Threads surviving past the end may still reach `match` with no input left.
  for (const t of clist) {
    if (code[t.pc]!.op === "match") {
      matched = t.slots;
      break;
    }
  }
  charge(Math.ceil(work / STEPS_PER_BUDGET_STEP));
  return matched ? { slots: matched } : undefined;
}

function assertion(kind: string, input: string, pos: number): boolean {
  switch (kind) {
    case "start": return pos === 0;
    case "end": return pos === input.length || (pos === input.length - 1 && input[pos] === "\n");
    case "absend": return pos === input.length;
    case "bol": return pos === 0 || input[pos - 1] === "\n";
    case "eol": return pos === input.length || input[pos] === "\n";
    default: {
      const before = pos > 0 && isWordChar(input.charCodeAt(pos - 1));
      const after = pos < input.length && isWordChar(input.charCodeAt(pos));
      return kind === "word" ? before !== after : before === after;
    }
  }
}
