/**
 * The playground page (`tokcost serve`): the library running in the browser, nothing sent
 * anywhere. Paste text or a request body; see the tokens coloured by boundary (ids on hover,
 * whitespace and special tokens visible), the count per encoding, each model's fit and
 * worst-case cost, and for requests where the prompt tokens come from.
 *
 * The page is plain ES modules (dist/src, an import map for zod) and fetches the build's binary
 * rank tables (dist/ranks) as encodings are needed: o200k_base first, the others after the first
 * count is on screen.
 */
import { ENCODING_NAMES, extendEncoding, getEncoding, type EncodingName } from "../tokenizer/index.js";
import { estimate, DEFAULT_COMPARISON_MODELS } from "../estimate/index.js";
// Request estimation needs the request schemas (zod, ~100 modules): loaded only for a request body.
type RequestModule = typeof import("../request/estimate-request.js") & typeof import("../request/validate.js");
let requestModule: Promise<RequestModule> | undefined;
const loadRequestModule = (): Promise<RequestModule> =>
  (requestModule ??= Promise.all([import("../request/estimate-request.js"), import("../request/validate.js")]).then(([a, b]) => ({ ...a, ...b })));
import { bundledPricingTable } from "../pricing/table.js";
import { formatUsd } from "../util/format.js";
import { installWebRanks, loadRanksFor, ranksLoaded } from "./ranks-web.js";
import { tokenSegments, visibleWhitespace, type TokenSegment } from "./segments.js";

/** What the last render showed (read by the browser test and by people in the console). */
export interface RenderResult {
  encoding: EncodingName;
  tokens: number;
  counts: Partial<Record<EncodingName, number>>;
  segments: number;
  request: boolean;
}

const MAX_SHOWN_SEGMENTS = 20_000;
const COLOURS = 5;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el as T;
};

function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Money as the CLI writes it (one formatter); "unknown" rather than a dash on the page.
const usd = (n: number | null): string => (n === null ? "unknown" : formatUsd(n));
const int = (n: number | null): string => (n === null ? "—" : n.toLocaleString("en-US"));

/** The request body in the text, if it is one (JSON with messages, input or prompt). */
function requestBody(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const body = JSON.parse(trimmed) as unknown;
    if (body && typeof body === "object" && !Array.isArray(body) && ("messages" in body || "input" in body || "prompt" in body)) return body as Record<string, unknown>;
  } catch {
    /* not JSON: plain text */
  }
  return undefined;
}

function renderTokens(segments: TokenSegment[], showWhitespace: boolean): void {
  const box = $("tokens");
  const frag = document.createDocumentFragment();
  const shown = segments.slice(0, MAX_SHOWN_SEGMENTS);
  for (const [i, s] of shown.entries()) {
    const span = el("span", { class: `tok c${i % COLOURS}${s.special ? " special" : ""}`, title: `${s.ids.length > 1 ? "ids" : "id"} ${s.ids.join(", ")}`, "data-ids": s.ids.join(",") });
    span.textContent = showWhitespace ? visibleWhitespace(s.text) : s.text;
    frag.append(span);
  }
  if (segments.length > shown.length) frag.append(el("span", { class: "more" }, ` … ${int(segments.length - shown.length)} more tokens not shown`));
  box.replaceChildren(frag);
}

function renderCounts(counts: Partial<Record<EncodingName, number>>, current: EncodingName): void {
  const body = $("counts");
  body.replaceChildren(
    ...ENCODING_NAMES.map((name) => {
      const row = el("tr", { "data-encoding": name, class: name === current ? "current" : "" });
      row.append(el("td", {}, name), el("td", { class: "num" }, counts[name] === undefined ? "…" : int(counts[name]!)));
      return row;
    }),
  );
}

interface Options {
  encoding: EncodingName;
  maxTokens: number;
  batch: boolean;
  cacheHit: number;
  allowSpecial: boolean;
  showWhitespace: boolean;
}

function readOptions(): Options {
  const maxTokens = Number($<HTMLInputElement>("max-tokens").value);
  const cache = Number($<HTMLInputElement>("cache-hit").value);
  return {
    encoding: $<HTMLSelectElement>("encoding").value as EncodingName,
    maxTokens: Number.isSafeInteger(maxTokens) && maxTokens >= 0 ? maxTokens : 0,
    batch: $<HTMLInputElement>("batch").checked,
    cacheHit: Number.isFinite(cache) ? Math.min(100, Math.max(0, cache)) / 100 : 0,
    allowSpecial: $<HTMLInputElement>("allow-special").checked,
    showWhitespace: $<HTMLInputElement>("whitespace").checked,
  };
}

function modelsFor(body: Record<string, unknown> | undefined): string[] {
  const table = bundledPricingTable();
  const models = DEFAULT_COMPARISON_MODELS.filter((m) => table.match(m) !== undefined);
  if (typeof body?.model === "string" && !models.includes(body.model)) models.unshift(body.model);
  return models;
}

function renderModels(text: string, body: Record<string, unknown> | undefined, o: Options, req: RequestModule | undefined): void {
  const rows: HTMLElement[] = [];
  let breakdownShown = false;
  for (const model of modelsFor(body)) {
    const row = el("tr");
    try {
      const billing = { tier: o.batch ? ("batch" as const) : undefined, cacheHitRatio: o.cacheHit || undefined };
      const request = body && req ? req.estimateRequest({ ...body, model }, { batch: o.batch, cacheHitRatio: o.cacheHit || undefined }) : undefined;
      const e = request ?? estimate({ model, prompt: text, maxTokens: o.maxTokens, billing, allowedSpecial: o.allowSpecial ? "all" : undefined });
      const fit = e.fits === null ? "unknown" : e.fits ? `yes (room ${int(e.room)})` : "no";
      row.append(
        el("td", {}, model),
        el("td", { class: "num" }, `${e.exact ? "" : "≈"}${int(e.promptTokens)}`),
        el("td", { class: e.fits === false ? "bad" : "" }, fit),
        el("td", { class: "num" }, usd(e.cost.total)),
      );
      if (request && !breakdownShown) {
        renderBreakdown(model, request.breakdown);
        breakdownShown = true;
      }
    } catch (error) {
      row.append(el("td", {}, model), el("td", { colspan: "3", class: "bad" }, oneLine(error)));
    }
    rows.push(row);
  }
  $("models").replaceChildren(...rows);
  $("breakdown-box").hidden = !breakdownShown;
}

function renderBreakdown(model: string, b: { messages: number; tools: number; toolChoice: number; images: number; completionTokens: number }): void {
  const parts: Array<[string, number]> = [
    ["messages", b.messages],
    ["tool definitions", b.tools + b.toolChoice],
    ["images", b.images],
    ["completion budget", b.completionTokens],
  ];
  const total = parts.reduce((s, [, n]) => s + n, 0) || 1;
  const bar = $("breakdown");
  bar.replaceChildren(
    ...parts.map(([name, n], i) => {
      const part = el("div", { class: `part p${i}`, title: `${name}: ${int(n)} tokens`, "data-part": name });
      part.style.width = `${(100 * n) / total}%`;
      return part;
    }),
  );
  $("breakdown-legend").replaceChildren(...parts.map(([name, n], i) => el("span", { class: `key p${i}` }, `${name} ${int(n)}`)));
  $("breakdown-model").textContent = model;
}

function oneLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).replace(/\s*[\r\n]+\s*/g, " ");
}

let renderCount = 0;

/** Renders `text` with the page's options (loading the rank table it needs first). */
export async function render(text: string): Promise<RenderResult> {
  const o = readOptions();
  await loadRanksFor(o.encoding);
  const enc = getEncoding(o.encoding);
  const allowedSpecial = o.allowSpecial ? "all" : undefined;
  const segments = tokenSegments(enc, text, allowedSpecial);
  const tokens = segments.reduce((s, x) => s + x.ids.length, 0);
  renderTokens(segments, o.showWhitespace);
  const counts: Partial<Record<EncodingName, number>> = {};
  for (const name of ENCODING_NAMES) if (ranksLoaded(name)) counts[name] = getEncoding(name).count(text, { allowedSpecial });
  renderCounts(counts, o.encoding);
  const body = requestBody(text);
  const req = body ? await loadRequestModule() : undefined;
  $("mode").textContent = body && req ? `request body (${safeKind(req, body)}): model rows count the whole request, framing included` : "plain text";
  $("error").textContent = "";
  await loadRanksFor("o200k_base"); // the models below mostly use it
  renderModels(text, body, o, req);
  renderCount += 1;
  document.body.dataset.renders = String(renderCount);
  return { encoding: o.encoding, tokens, counts, segments: segments.length, request: body !== undefined };
}

function safeKind(req: RequestModule, body: Record<string, unknown>): string {
  try {
    return req.detectRequestKind(body) ?? "unknown kind";
  } catch {
    return "unknown kind";
  }
}

/** Loads every other rank table in the background, then re-renders so all counts show. */
async function loadTheRest(rerender: () => void): Promise<void> {
  for (const name of ENCODING_NAMES) {
    if (ranksLoaded(name)) continue;
    await loadRanksFor(name);
    rerender();
  }
}

/** Starts the page: wires the controls and shows the first count. */
export async function start(ranksUrl: string): Promise<void> {
  installWebRanks(ranksUrl);
  const select = $<HTMLSelectElement>("encoding");
  select.replaceChildren(...ENCODING_NAMES.map((n) => el("option", n === "o200k_base" ? { value: n, selected: "" } : { value: n }, n)));
  const input = $<HTMLTextAreaElement>("input");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const rerender = () => {
    running = running.then(() =>
      render(input.value).then(
        () => undefined,
        (error: unknown) => void ($("error").textContent = oneLine(error)),
      ),
    );
    return running;
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(rerender, 60);
  };
  input.addEventListener("input", schedule);
  for (const id of ["encoding", "max-tokens", "batch", "cache-hit", "allow-special", "whitespace"]) $(id).addEventListener("input", schedule);
  // performance.now() counts from navigation start: page, modules, rank table and the count itself.
  const modulesMs = performance.now();
  await loadRanksFor("o200k_base");
  const ranksMs = performance.now();
  await rerender();
  const firstCountMs = performance.now();
  Object.assign(document.body.dataset, { firstCountMs: firstCountMs.toFixed(1), modulesMs: modulesMs.toFixed(1), ranksMs: ranksMs.toFixed(1) });
  $("status").textContent = `first count ${firstCountMs.toFixed(0)} ms after the page was opened; computed in this page, nothing is sent anywhere`;
  void loadTheRest(() => void rerender()).catch((error: unknown) => ($("error").textContent = oneLine(error)));
  // For tests and the console: the same functions the page uses.
  Object.assign(globalThis, { tokcostPlayground: { render, rerender, loadRanksFor, getEncoding, extendEncoding, tokenSegments, estimate, loadRequestModule, firstCountMs } });
}
