/** `tokcost serve`: a static server on 127.0.0.1 that hands out the package's page and files only. */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFile } from "../src/node/serve.js";
import { binPath, runCli } from "./helpers/cli.js";

let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  server = spawn(process.execPath, [binPath, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  port = await new Promise<number>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /^tokcost playground: http:\/\/127\.0\.0\.1:(\d+)\/ {2}\(Ctrl-C to stop\)\n$/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
});
afterAll(() => void server?.kill("SIGTERM"));

function get(path: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("tokcost serve", () => {
  it("serves the page with an import map and a CSP that keeps everything on the page's origin", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="importmap">{"imports":{"zod":"./vendor/zod/');
    expect(page.headers["content-security-policy"]).toMatch(/connect-src 'self'/);
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect((await get("/dist/src/playground/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await get("/dist/ranks/o200k_base.bin", { method: "HEAD" })).headers["content-length"]).toMatch(/^\d{7,}$/);
  });

  it("serves nothing else: no traversal, no other files, GET/HEAD only, local host names only", async () => {
    for (const path of ["/package.json", "/dist/src/../../package.json", "/dist/src/%2e%2e/%2e%2e/package.json", "/dist/src/index.js.map", "/vendor/zod/LICENSE", "/etc/passwd", "/dist/ranks/"]) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect((await get("/", { method: "POST" })).status).toBe(405);
    expect((await get("/", { host: "evil.example:80" })).status).toBe(421);
    expect((await get("/", { host: `localhost:${port}` })).status).toBe(200);
    expect(resolveFile("/dist/src/a/../b.js", [["/dist/src/", "/x"]])).toBeUndefined();
    expect(resolveFile("/dist/src/.hidden.js", [["/dist/src/", "/x"]])).toBeUndefined();
    expect(resolveFile("/dist/src/a/b.js", [["/dist/src/", "/x"]])).toBe("/x/a/b.js");
  });

  it("a taken port or a bad --port is one line and exit 2", () => {
    const taken = runCli(["serve", "--port", String(port)]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(`tokcost: port ${port} is in use; pick another with --port <n> (or --port 0 for any free port)\n`);
    const bad = runCli(["serve", "--port", "70000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});
