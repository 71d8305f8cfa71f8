/**
 * A small, strict XML 1.0 well-formedness checker for the JUnit reporter's tests (the project
 * takes no XML dependency). It rejects what real parsers reject — unbalanced or crossed tags,
 * unquoted or duplicate attributes, a raw "<" or a bad entity in text or attributes, characters
 * XML cannot carry, content outside the root — and returns the element tree with decoded values.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ILLEGAL_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(raw: string, where: string): string {
  if (ILLEGAL_CHAR.test(raw)) throw new Error(`${where}: character not allowed in XML`);
  return raw.replace(/&([^;]*);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`${where}: bare "&"`);
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (ref in named) return named[ref];
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!num) throw new Error(`${where}: unknown entity &${ref};`);
    const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
    const ch = String.fromCodePoint(code);
    if (ILLEGAL_CHAR.test(ch)) throw new Error(`${where}: character reference to a forbidden character`);
    return ch;
  });
}

/** Parses `xml`; throws with the reason when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${why}`);
  };
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) fail("unterminated XML declaration");
    if (!/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z0-9._-]+")?(\s+standalone="(yes|no)")?\s*\?>$/.test(xml.slice(0, end + 2))) fail("bad XML declaration");
    i = end + 2;
  }
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0].length;
      i += ws;
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0) fail("unterminated comment");
        i = end + 3;
      } else return;
    }
  };
  skipMisc();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (stack.length === 0 && root) {
      skipMisc();
      if (i < xml.length) fail("content after the root element");
      break;
    }
    if (xml[i] !== "<") {
      const next = xml.indexOf("<", i);
      if (next < 0) fail("text outside elements or unterminated document");
      const raw = xml.slice(i, next);
      if (stack.length === 0) {
        if (raw.trim()) fail("text outside the root element");
      } else {
        if (raw.includes("]]>")) fail('"]]>" in text');
        stack[stack.length - 1].text += decode(raw, `text in <${stack[stack.length - 1].name}>`);
      }
      i = next;
      continue;
    }
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i + 4);
      if (end < 0) fail("unterminated comment");
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<![CDATA[", i)) {
      if (!stack.length) fail("CDATA outside the root");
      const end = xml.indexOf("]]>", i);
      if (end < 0) fail("unterminated CDATA");
      stack[stack.length - 1].text += xml.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (xml[i + 1] === "/") {
      i += 2;
      const name = NAME.exec(xml.slice(i))?.[0] ?? fail("bad closing tag name");
      i += name.length;
      i += /^\s*/.exec(xml.slice(i))![0].length;
      if (xml[i] !== ">") fail(`expected ">" closing </${name}`);
      i++;
      const open = stack.pop() ?? fail(`</${name}> without an open element`);
      if (open.name !== name) fail(`</${name}> closes <${open.name}>`);
      if (stack.length === 0) root = open;
      continue;
    }
    i++;
    const name = NAME.exec(xml.slice(i))?.[0] ?? fail("bad tag name");
    i += name.length;
    const element: XmlElement = { name, attributes: {}, children: [], text: "" };
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0].length;
      i += ws;
      if (xml.startsWith("/>", i) || xml[i] === ">") break;
      if (ws === 0) fail(`attributes of <${name}> must be separated by white space`);
      const attr = NAME.exec(xml.slice(i))?.[0] ?? fail(`bad attribute name in <${name}>`);
      i += attr.length;
      i += /^\s*/.exec(xml.slice(i))![0].length;
      if (xml[i] !== "=") fail(`attribute ${attr} without a value`);
      i++;
      i += /^\s*/.exec(xml.slice(i))![0].length;
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} not quoted`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) fail(`unterminated attribute ${attr}`);
      const raw = xml.slice(i + 1, end);
      if (raw.includes("<")) fail(`"<" in attribute ${attr}`);
      if (attr in element.attributes) fail(`duplicate attribute ${attr}`);
      element.attributes[attr] = decode(raw, `attribute ${attr}`);
      i = end + 1;
    }
    if (stack.length) stack[stack.length - 1].children.push(element);
    else if (root) fail("a second root element");
    if (xml.startsWith("/>", i)) {
      i += 2;
      if (!stack.length) root = element;
    } else {
      i++;
      stack.push(element);
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`);
  return root ?? fail("no root element");
}

/** All descendants named `name`. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    for (const child of e.children) {
      if (child.name === name) out.push(child);
      visit(child);
    }
  };
  visit(element);
  return out;
}
