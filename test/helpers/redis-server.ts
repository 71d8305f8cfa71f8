/**
 * A real `redis-server` for the Redis store tests: 127.0.0.1, a free port, a temporary directory,
 * AOF on with `appendfsync always` (what docs/preflight.md recommends for production). Throws —
 * so the tests fail, never skip — when redis-server is not installed or does not start
 * (`.ci/run` installs it from the Debian packages).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RedisHandle {
  port: number;
  url: string;
  dir: string;
  /** SIGKILL (no shutdown save: only what AOF already has on disk survives). */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (AOF replayed). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves when the server answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      out += d.toString();
      if (out.includes("\r\n")) {
        socket.destroy();
        resolve(out.startsWith("+PONG"));
      }
    });
    socket.on("error", () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "tokcost-redis-"));
  let child: ChildProcess | undefined;
  let stderr = "";

  const launch = async (): Promise<void> => {
    stderr = "";
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "no"];
    const proc = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout!.on("data", (d) => (stderr += d));
    proc.stderr!.on("data", (d) => (stderr += d));
    const failed = new Promise<string>((resolve) => {
      proc.on("error", (error) => resolve(`cannot run redis-server (${error.message}); install it: apt-get install -y redis-server`));
      proc.on("exit", (code) => resolve(`redis-server exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const outcome = await Promise.race([failed, ping(port).then((ok) => (ok ? "ok" : ""))]);
      if (outcome === "ok") return;
      if (outcome) throw new Error(outcome);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 20 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGKILL");
    await exited;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
