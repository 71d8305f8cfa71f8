/**
 * `tokcost serve`: the playground page and the files it loads, served from the installed package
 * on 127.0.0.1 only. The server counts nothing; it hands out static files: the page
 * (playground/index.html with an import map for zod), the compiled library (dist/src), the
 * pricing data (dist/data), the binary rank tables (dist/ranks) and zod's ES modules. Everything
 * else is 404; only GET and HEAD; the page's Content-Security-Policy lets it connect to its own
 * origin only, so text pasted into it cannot leave it.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";

/** The package root (this file is dist/src/node/serve.js). */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".bin": "application/octet-stream",
  ".html": "text/html; charset=utf-8",
};

/** zod's package directory (the page imports it as a bare specifier through the import map). */
function zodEntry(): { dir: string; entry: string } {
  const entry = fileURLToPath(import.meta.resolve("zod"));
  let dir = path.dirname(entry);
  while (path.basename(dir) !== "zod" && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return { dir, entry: path.relative(dir, entry).split(path.sep).join("/") };
}

/** URL prefixes and the directories they map to. */
function mounts(): Array<[string, string]> {
  return [
    ["/dist/src/", path.join(ROOT, "dist", "src")],
    ["/dist/data/", path.join(ROOT, "dist", "data")],
    ["/dist/ranks/", path.join(ROOT, "dist", "ranks")],
    ["/vendor/zod/", zodEntry().dir],
  ];
}

/** The page: playground/index.html with its import map filled in, and the CSP that goes with it. */
export async function playgroundPage(): Promise<{ html: string; csp: string }> {
  const template = await readFile(path.join(ROOT, "playground", "index.html"), "utf8");
  const map = JSON.stringify({ imports: { zod: `./vendor/zod/${zodEntry().entry}` } });
  const hash = createHash("sha256").update(map).digest("base64");
  const csp = `default-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`;
  return { html: template.replace("<!--IMPORTMAP-->", `<script type="importmap">${map}</script>`), csp };
}

/** The package's files do not change while it runs: each is read once. */
const files = new Map<string, Promise<Buffer | undefined>>();
function cached(file: string): Promise<Buffer | undefined> {
  let content = files.get(file);
  if (!content) {
    content = stat(file).then(
      (info) => (info.isFile() ? readFile(file) : undefined),
      () => undefined,
    );
    files.set(file, content);
  }
  return content;
}

/** A running playground server. */
export interface Playground {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1:`port` (0 = any free port). */
export async function startPlayground(port: number): Promise<Playground> {
  const page = await playgroundPage();
  const table = mounts();
  const handle = async (req: IncomingMessage, res: ServerResponse, actualPort: number): Promise<void> => {
    const common = { "x-content-type-options": "nosniff", "cache-control": "no-cache", "referrer-policy": "no-referrer" };
    const host = req.headers.host ?? "";
    // Only this machine's names: a page on another site cannot reach the server by DNS rebinding.
    if (host !== `127.0.0.1:${actualPort}` && host !== `localhost:${actualPort}`) {
      res.writeHead(421, { ...common, "content-type": "text/plain" }).end("misdirected request\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...common, allow: "GET, HEAD" }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      pathname = "";
    }
    const body = (status: number, type: string, content: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...common, "content-type": type, "content-length": String(Buffer.byteLength(content)), ...extra });
      res.end(req.method === "HEAD" ? undefined : content);
    };
    if (pathname === "/" || pathname === "/index.html") return body(200, TYPES[".html"], page.html, { "content-security-policy": page.csp });
    if (pathname === "/favicon.ico") return void res.writeHead(204, common).end();
    const file = resolveFile(pathname, table);
    const type = file ? TYPES[path.extname(file)] : undefined;
    if (file && type) {
      const content = await cached(file);
      if (content) return body(200, type, content);
    }
    body(404, "text/plain; charset=utf-8", "not found\n");
  };
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new UsageError(`port ${port} is in use; pick another with --port <n> (or --port 0 for any free port)`));
      else if (error.code === "EACCES") reject(new UsageError(`port ${port} needs privileges; pick one above 1023 with --port <n>`));
      else reject(error);
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, actual).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error\n");
    });
  });
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The file a URL path maps to, or undefined (outside every mount, `..`, hidden or odd names). */
export function resolveFile(pathname: string, table: ReadonlyArray<[string, string]>): string | undefined {
  if (pathname.includes("\0") || pathname.includes("\\")) return undefined;
  for (const [prefix, dir] of table) {
    if (!pathname.startsWith(prefix)) continue;
    const rest = pathname.slice(prefix.length);
    if (!rest || rest.split("/").some((part) => part === "" || part === "." || part === ".." || part.startsWith("."))) return undefined;
    const file = path.join(dir, ...rest.split("/"));
    return file.startsWith(dir + path.sep) ? file : undefined;
  }
  return undefined;
}
