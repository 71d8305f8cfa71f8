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

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

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

function translate(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      i++;
      out += i < pattern.length ? escapeRegex(pattern[i]) : "\\\\";
    } else if (ch === "*") {
      if (pattern[i + 1] === "*") {
        let j = i;
        while (pattern[j] === "*") j++;
        const atStart = i === 0 || pattern[i - 1] === "/";
        const atEnd = j === pattern.length || pattern[j] === "/";
        if (atStart && atEnd) {
          // a whole "**" segment: zero or more directories
          if (j === pattern.length) out += i === 0 ? ".*" : "(?:.*)?";
          else {
            out += "(?:[^/]*/)*";
            j++; // the "/" after "**" is part of the repetition
          }
          i = j - 1;
          continue;
        }
        i = j - 1; // "a**b" is just "*"
      }
      out += "[^/]*";
    } else if (ch === "?") out += "[^/]";
    else if (ch === "[") {
      const end = classEnd(pattern, i);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body[0] === "!" || body[0] === "^") {
        negate = true;
        body = body.slice(1);
      }
      let cls = "";
      for (let k = 0; k < body.length; k++) {
        const c = body[k] === "\\" ? body[++k] ?? "\\" : body[k];
        cls += c === "-" && k > 0 && k < body.length - 1 ? "-" : /[\\\]^-]/.test(c) ? `\\${c}` : c;
      }
      out += negate ? `(?!/)[^${cls}]` : `[${cls}]`;
      i = end;
    } else if (ch === "{") {
      const end = braceEnd(pattern, i);
      if (end < 0) {
        out += "\\{";
        continue;
      }
      out += `(?:${splitAlternatives(pattern.slice(i + 1, end)).map(translate).join("|")})`;
      i = end;
    } else out += escapeRegex(ch);
  }
  return out;
}

/** Removes "./" prefixes and duplicate slashes so "./prompts//a.txt" matches "prompts/a.txt". */
function normalizePattern(pattern: string): string {
  let p = pattern.replace(/\/{2,}/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}

/**
 * Compiles one glob (without a leading "!") to a RegExp over "/"-separated relative paths.
 * @example compileGlob("prompts/**\/*.{txt,md}").test("prompts/a/b.md") // true
 */
export function compileGlob(pattern: string): RegExp {
  return new RegExp(`^${translate(normalizePattern(pattern))}$`, "u");
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
  include: { pattern: string; regex: RegExp; literal: boolean; base: string }[];
  exclude: RegExp[];
  test(relativePath: string): boolean;
}

/** Compiles globs; patterns starting with "!" exclude. */
export function compileGlobSet(patterns: readonly string[]): GlobSet {
  const include: GlobSet["include"] = [];
  const exclude: RegExp[] = [];
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
