/**
 * Globs and file discovery for the gate. Written here because Node 20's `path.matchesGlob` is
 * experimental (it prints a warning on every run) and the project takes no glob dependency.
 *
 * Syntax: `**` (any number of directories), `*` (any characters but "/"), `?` (one character but
 * "/"), `{a,b}` (alternatives, nestable), `[abc]` / `[a-z]` / `[!a-z]` (character classes), `\x`
 * (a literal x), and a leading `!` that excludes. Patterns are relative to the config's directory;
 * `*` also matches names that start with a dot. Walking skips `node_modules` and `.git`.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

const MAGIC = /[*?[{\\]/;
/** Directories never walked into (a literal path can still name a file inside them). */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(["node_modules", ".git"]);

/** Index of the `]` closing a class that opens at `start`, or -1 when it is not a class. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++; // a leading "]" is a member, as in POSIX
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
    else if (pattern[i] === "/") return -1;
  }
  return -1;
}

/** Index of the `}` closing a brace group at `start` that has a top-level comma, or -1. */
function braceEnd(pattern: string, start: number): number {
  let depth = 0;
  let comma = false;
  for (let i = start; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") i++;
    else if (ch === "[") {
      const end = classEnd(pattern, i);
      if (end > 0) i = end;
    } else if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return comma ? i : -1;
    } else if (ch === "," && depth === 1) comma = true;
  }
  return -1;
}

/** Splits a brace group's body on its top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      current += ch + (body[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === "[") {
      const end = classEnd(body, i);
      if (end > 0) {
        current += body.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/*
 * Matching. A glob is compiled to a small nondeterministic automaton (Thompson's construction)
 * and run over the path one code point at a time, keeping the set of live states. That is
 * linear in the path's length for any pattern: a RegExp translation backtracks exponentially on
 * patterns such as "{*,*}{*,*}…" or "*a*a*a*a*a*a*a*a*a*a*b" (a config is untrusted input in a
 * pull request), and so does picomatch, which also compiles to a RegExp.
 */

/** A state: consume one code point that satisfies `test`, or branch without consuming (`split`). */
type State = { kind: "char"; test: (cp: number) => boolean; next: number } | { kind: "split"; next: number[] } | { kind: "match" };

const SLASH = 0x2f;
const notSlash = (cp: number) => cp !== SLASH;
const anyChar = () => true;

/** Builds the automaton of one glob. Each `compile*` returns a fragment: its entry and its dangling exits. */
class Builder {
  readonly states: State[] = [];

  private add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  /** Points every dangling exit of a fragment at `to`. */
  private patch(outs: Array<[number, number]>, to: number): void {
    for (const [state, slot] of outs) {
      const s = this.states[state];
      if (s.kind === "char") s.next = to;
      else if (s.kind === "split") s.next[slot] = to;
    }
  }

  /** A fragment matching the empty string. */
  private empty(): Fragment {
    const id = this.add({ kind: "split", next: [-1] });
    return { start: id, outs: [[id, 0]] };
  }

  private char(test: (cp: number) => boolean): Fragment {
    const id = this.add({ kind: "char", test, next: -1 });
    return { start: id, outs: [[id, 0]] };
  }

  private concat(parts: Fragment[]): Fragment {
    if (parts.length === 0) return this.empty();
    for (let i = 0; i + 1 < parts.length; i++) this.patch(parts[i].outs, parts[i + 1].start);
    return { start: parts[0].start, outs: parts[parts.length - 1].outs };
  }

  private alternatives(options: Fragment[]): Fragment {
    const id = this.add({ kind: "split", next: options.map((o) => o.start) });
    return { start: id, outs: options.flatMap((o) => o.outs) };
  }

  /** Zero or more of `inner`. */
  private star(inner: Fragment): Fragment {
    const id = this.add({ kind: "split", next: [inner.start, -1] });
    this.patch(inner.outs, id);
    return { start: id, outs: [[id, 1]] };
  }

  /** The fragment of a pattern (or of one brace alternative, which is compiled like a pattern). */
  compile(pattern: string): Fragment {
    const parts: Fragment[] = [];
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === "\\") {
        i++;
        const cp = i < pattern.length ? (pattern.codePointAt(i) as number) : 0x5c;
        if (cp > 0xffff) i++;
        parts.push(this.char((c) => c === cp));
      } else if (ch === "*") {
        if (pattern[i + 1] === "*") {
          let j = i;
          while (pattern[j] === "*") j++;
          const atStart = i === 0 || pattern[i - 1] === "/";
          const atEnd = j === pattern.length || pattern[j] === "/";
          if (atStart && atEnd) {
            if (j === pattern.length) {
              // a final "**": anything, across directories
              parts.push(this.star(this.char(anyChar)));
            } else {
              // a whole "**" segment and its "/": zero or more directories
              parts.push(this.star(this.concat([this.star(this.char(notSlash)), this.char((c) => c === SLASH)])));
              j++;
            }
            i = j - 1;
            continue;
          }
          i = j - 1; // "a**b" is just "*"
        }
        parts.push(this.star(this.char(notSlash)));
      } else if (ch === "?") parts.push(this.char(notSlash));
      else if (ch === "[") {
        const end = classEnd(pattern, i);
        if (end < 0) {
          parts.push(this.char((c) => c === 0x5b));
          continue;
        }
        parts.push(this.char(classTest(pattern.slice(i + 1, end))));
        i = end;
      } else if (ch === "{") {
        const end = braceEnd(pattern, i);
        if (end < 0) {
          parts.push(this.char((c) => c === 0x7b));
          continue;
        }
        parts.push(this.alternatives(splitAlternatives(pattern.slice(i + 1, end)).map((alt) => this.compile(alt))));
        i = end;
      } else {
        const cp = pattern.codePointAt(i) as number;
        if (cp > 0xffff) i++;
        parts.push(this.char((c) => c === cp));
      }
    }
    return this.concat(parts);
  }

  /** The whole pattern, ending in the accepting state. */
  finish(fragment: Fragment): number {
    this.patch(fragment.outs, this.add({ kind: "match" }));
    return fragment.start;
  }
}

interface Fragment {
  start: number;
  outs: Array<[number, number]>;
}

/** The test of a class body (between "[" and "]"): members, ranges "a-z", "!"/"^" negation. */
function classTest(body: string): (cp: number) => boolean {
  let negate = false;
  if (body[0] === "!" || body[0] === "^") {
    negate = true;
    body = body.slice(1);
  }
  const items: number[] = [];
  for (let k = 0; k < body.length; k++) {
    if (body[k] === "\\") k++;
    const cp = k < body.length ? (body.codePointAt(k) as number) : 0x5c;
    if (cp > 0xffff) k++;
    items.push(cp);
  }
  const ranges: Array<[number, number]> = [];
  for (let k = 0; k < items.length; k++) {
    if (k + 2 < items.length && items[k + 1] === 0x2d && k + 1 > 0) {
      ranges.push([items[k], items[k + 2]]);
      k += 2;
    } else ranges.push([items[k], items[k]]);
  }
  const member = (cp: number) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  return negate ? (cp) => cp !== SLASH && !member(cp) : member;
}

/** A compiled glob: `test(path)` runs in time linear in the path's length. */
export interface GlobMatcher {
  test(path: string): boolean;
}

class Automaton implements GlobMatcher {
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(
    private readonly states: State[],
    private readonly start: number,
  ) {
    this.seen = new Int32Array(states.length);
  }

  /** Adds `id` and every state reachable from it without consuming to `into`. */
  private close(id: number, into: number[]): void {
    const stack = [id];
    while (stack.length) {
      const s = stack.pop() as number;
      if (s < 0 || this.seen[s] === this.generation) continue;
      this.seen[s] = this.generation;
      const state = this.states[s];
      if (state.kind === "split") for (let k = state.next.length - 1; k >= 0; k--) stack.push(state.next[k]);
      else into.push(s);
    }
  }

  test(path: string): boolean {
    let current: number[] = [];
    this.generation++;
    this.close(this.start, current);
    for (let i = 0; i < path.length && current.length; i++) {
      const cp = path.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      const next: number[] = [];
      this.generation++;
      for (const s of current) {
        const state = this.states[s];
        if (state.kind === "char" && state.test(cp)) this.close(state.next, next);
      }
      current = next;
    }
    return current.some((s) => this.states[s].kind === "match");
  }
}

/** Removes "./" prefixes and duplicate slashes so "./prompts//a.txt" matches "prompts/a.txt". */
function normalizePattern(pattern: string): string {
  let p = pattern.replace(/\/{2,}/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}

/**
 * Compiles one glob (without a leading "!") to a matcher of "/"-separated relative paths.
 * @example compileGlob("prompts/**\/*.{txt,md}").test("prompts/a/b.md") // true
 */
export function compileGlob(pattern: string): GlobMatcher {
  const builder = new Builder();
  const start = builder.finish(builder.compile(normalizePattern(pattern)));
  return new Automaton(builder.states, start);
}

/** Does `pattern` contain glob syntax (as opposed to naming a path literally)? */
export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** The directory part before the first segment with glob syntax ("prompts/a/**\/*.txt" → "prompts/a"). */
export function staticBase(pattern: string): string {
  const segments = normalizePattern(pattern).split("/");
  const base: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (hasMagic(segment)) break;
    base.push(segment);
  }
  return base.join("/");
}

/** A compiled list of globs with "!" exclusions. A path matches when an inclusion matches and no exclusion does. */
export interface GlobSet {
  include: { pattern: string; regex: GlobMatcher; literal: boolean; base: string }[];
  exclude: GlobMatcher[];
  test(relativePath: string): boolean;
}

/** Compiles globs; patterns starting with "!" exclude. */
export function compileGlobSet(patterns: readonly string[]): GlobSet {
  const include: GlobSet["include"] = [];
  const exclude: GlobMatcher[] = [];
  for (const raw of patterns) {
    if (raw.startsWith("!")) exclude.push(compileGlob(raw.slice(1)));
    else {
      const pattern = normalizePattern(raw);
      const literal = !hasMagic(pattern);
      include.push({ pattern: raw, regex: compileGlob(literal ? pattern.replace(/\/$/, "") : pattern), literal, base: literal ? pattern.replace(/\/$/, "") : staticBase(pattern) });
    }
  }
  const test = (p: string) => include.some((i) => i.regex.test(p)) && !exclude.some((e) => e.test(p));
  return { include, exclude, test };
}

/** Lists files under directories, memoised, so rules that share a folder walk it once. */
export class FileWalker {
  private readonly cache = new Map<string, Promise<string[]>>();
  constructor(readonly root: string) {}

  /** Files under `base` (relative to root), as "/"-separated paths relative to root, sorted. */
  list(base: string): Promise<string[]> {
    let listing = this.cache.get(base);
    if (!listing) {
      listing = this.walk(base);
      this.cache.set(base, listing);
    }
    return listing;
  }

  private async walk(base: string): Promise<string[]> {
    const out: string[] = [];
    const pending: string[] = [base];
    while (pending.length) {
      const dir = pending.pop() as string;
      let entries;
      try {
        entries = await readdir(path.join(this.root, dir), { withFileTypes: true });
      } catch {
        continue; // a missing or unreadable directory simply contributes no files
      }
      for (const entry of entries) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) pending.push(rel);
        } else if (entry.isFile()) out.push(rel);
        else if (entry.isSymbolicLink()) {
          // follow links to files; not links to directories (they could loop)
          const info = await stat(path.join(this.root, rel)).catch(() => undefined);
          if (info?.isFile()) out.push(rel);
        }
      }
    }
    return out.sort();
  }
}

/** Files matched by a list of globs. */
export interface FoundFiles {
  /** Matching files, "/"-separated, relative to the root, sorted. */
  files: string[];
  /** Inclusion patterns that matched no file at all. */
  unmatched: string[];
}

/**
 * Finds the files a list of globs matches under `root`. A pattern without glob syntax names a
 * file (or a directory, meaning everything in it) directly.
 */
export async function findFiles(root: string, patterns: readonly string[], walker: FileWalker = new FileWalker(root)): Promise<FoundFiles> {
  const set = compileGlobSet(patterns);
  const found = new Set<string>();
  const unmatched: string[] = [];
  for (const include of set.include) {
    let any = false;
    let candidates: string[];
    if (include.literal) {
      const info = await stat(path.join(root, include.base)).catch(() => undefined);
      candidates = info?.isFile() ? [include.base] : info?.isDirectory() ? await walker.list(include.base) : [];
      any = candidates.length > 0;
      for (const file of candidates) if (!set.exclude.some((e) => e.test(file))) found.add(file);
    } else {
      candidates = await walker.list(include.base);
      for (const file of candidates) {
        if (!include.regex.test(file)) continue;
        any = true;
        if (!set.exclude.some((e) => e.test(file))) found.add(file);
      }
    }
    if (!any) unmatched.push(include.pattern);
  }
  return { files: [...found].sort(), unmatched };
}
