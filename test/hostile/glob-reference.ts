/**
 * The gate's former RegExp translation of globs (src/gate/glob.ts before issue 14), kept as the
 * reference the linear matcher is compared with on patterns that cannot backtrack badly.
 */
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
        const c = body[k] === "\\" ? (body[++k] ?? "\\") : body[k];
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
      out += `(?:${splitAlternatives(pattern.slice(i + 1, end))
        .map(translate)
        .join("|")})`;
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
export function referenceGlob(pattern: string): RegExp {
  return new RegExp(`^${translate(normalizePattern(pattern))}$`, "u");
}
