// What every browser test needs: the real server started with --demo on loopback (on
// PostgreSQL when scripts/with-postgres runs the suite), Debian's Chromium, and a wait helper.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, "target");

/** A database of its own on the test PostgreSQL server, so that each test file's demo starts
 * from nothing (and files may run side by side). */
function freshDatabase(url) {
  if (!url) return undefined;
  const name = `sx_browser_${process.pid}_${Date.now()}`;
  execFileSync("psql", [url, "-q", "-c", `CREATE DATABASE ${name}`]);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Starts `sachxanh-server --demo` in a fresh data folder: { server, url, creds, data }. */
export async function startDemoServer() {
  const serverBin = join(target, "debug", "sachxanh-server");
  assert.ok(existsSync(serverBin), `build the server first: ${serverBin}`);
  const data = mkdtempSync(join(tmpdir(), "sachxanh-browser-"));
  const pg = freshDatabase(process.env.SACHXANH_TEST_POSTGRES);
  const args = ["--demo", "--data", data, "--listen", "127.0.0.1:0", ...(pg ? ["--database", pg] : [])];
  const server = spawn(serverBin, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    server.on("exit", (c) => fail(new Error(`server exited ${c}`)));
    setTimeout(() => fail(new Error("server did not start")), 30000);
  });
  const creds = JSON.parse(readFileSync(join(data, "demo-credentials.json"), "utf8"));
  return { server, url, creds, data };
}

/** Stops the server with Ctrl-C and checks it stopped cleanly. */
export async function stopServer(server) {
  if (!server || server.exitCode !== null) return;
  // On PostgreSQL its connections close after the runtime.
  const exited = new Promise((ok) => server.on("exit", (code, signal) => ok({ code, signal })));
  server.kill("SIGINT");
  assert.deepEqual(await exited, { code: 0, signal: null }, "the server stops cleanly on Ctrl-C");
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Waits until `check` returns something truthy (polling every `every` ms), or fails saying `what`. */
export async function until(what, check, { timeout = 60000, every = 500 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
