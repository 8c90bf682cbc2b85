// Commune staff manage the residential areas from the browser, and phones follow: a hamlet is
// renamed and another merged into it on the areas page, a phone (the core's real sync client,
// the `phone` example) receives both at its next sync with its person moved to the hamlet that
// took theirs over, last year's targets still list both hamlets under their names of the time
// while this year's count them as one, and a boundary file with problems is refused with each
// problem named and nothing changed. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, target, root } from "./harness.mjs";

let server, url, creds, browser, page;
const phoneBin = join(target, "debug", "examples", "phone");
const phoneDir = mkdtempSync(join(tmpdir(), "sachxanh-phone-"));
const MY_HOA = "rs-ap-my-hoa";
const BEN_DINH = "rs-ap-ben-dinh";

function phone(...args) {
  return JSON.parse(execFileSync(phoneBin, args, { encoding: "utf8" }));
}

const day = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));

/** The hamlet rows of the targets page for a period: { unit id: name shown }. */
async function hamletsOf(from, to) {
  await page.goto(`${url}/targets?from=${from}&to=${to}`);
  const rows = page.locator('[data-testid="target-row"]:not(.commune)');
  const out = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const r = rows.nth(i);
    out[await r.getAttribute("data-unit")] = (await r.locator("th, td").first().innerText()).trim();
  }
  return out;
}

before(async () => {
  assert.ok(existsSync(phoneBin), `build the phone example first: ${phoneBin}`);
  ({ server, url, creds } = await startDemoServer());
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "vi-VN" });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

test("a hamlet renamed and another merged into it reach a phone; last year's figures keep both", async () => {
  // A volunteer of Ấp Mỹ Hòa, enrolled with a code staff issued, syncs once.
  const issued = await fetch(url + "/api/v1/enrolment-codes", {
    method: "POST",
    headers: { authorization: `Bearer ${creds.staff.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Võ Thị Thử", role: "volunteer", areas: [MY_HOA] }),
  }).then((r) => r.json());
  assert.equal(phone("enrol", url, issued.code, phoneDir).ok, true);
  const first = phone("sync", url, phoneDir);
  assert.deepEqual(first.area_names, ["Ấp Mỹ Hòa"]);

  await page.goto(url + "/?lang=vi");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  const lastYear = [daysAgo(730), daysAgo(365)];
  const before = await hamletsOf(...lastYear);
  assert.equal(before[MY_HOA], "Ấp Mỹ Hòa");
  assert.equal(before[BEN_DINH], "Ấp Bến Đình");

  await page.goto(url + "/areas");
  await page.selectOption('[data-testid="rename-area"]', BEN_DINH);
  await page.fill('[data-testid="rename-name"]', "Ấp Bến Đình Mới");
  await page.click('[data-testid="rename-save"]');
  await page.waitForURL((u) => u.pathname === "/areas" && u.search.includes("done"));
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Đã lưu thay đổi khu vực/);

  await page.selectOption('[data-testid="merge-area"]', MY_HOA);
  await page.selectOption('[data-testid="merge-into"]', BEN_DINH);
  await page.click('[data-testid="merge-save"]');
  await page.waitForURL((u) => u.pathname === "/areas");
  const inForce = await page.locator('[data-testid="area-name"]').allInnerTexts();
  assert.ok(inForce.includes("Ấp Bến Đình Mới") && !inForce.includes("Ấp Mỹ Hòa"), inForce.join(", "));
  assert.match(await page.locator('[data-testid="areas-ended"]').innerText(), /Ấp Mỹ Hòa — sáp nhập vào Ấp Bến Đình Mới/);
  const history = await page.locator('[data-testid="areas-history"] li').allInnerTexts();
  assert.match(history[0], /Sáp nhập Ấp Mỹ Hòa vào Ấp Bến Đình Mới/);
  assert.match(history[1], /Đổi tên Ấp Bến Đình thành Ấp Bến Đình Mới/);
  await page.screenshot({ path: join(root, "docs", "areas.png"), fullPage: true });

  // The phone learns both at its next sync: the hamlet's new name, and its person moved there.
  const after = phone("sync", url, phoneDir);
  assert.equal(after.ok, true);
  assert.deepEqual(after.areas, [BEN_DINH]);
  assert.deepEqual(after.area_names, ["Ấp Bến Đình Mới"]);
  assert.ok(after.areas_version > first.areas_version);
  // A household recorded now, in the hamlet it works in, is taken.
  assert.equal(phone("record", phoneDir).ok, true);
  assert.equal(phone("sync", url, phoneDir).pushed, 1);

  // Last year: both hamlets, under their names of the time. This year: one.
  const past = await hamletsOf(...lastYear);
  assert.equal(past[MY_HOA], "Ấp Mỹ Hòa");
  assert.equal(past[BEN_DINH], "Ấp Bến Đình");
  const now = await hamletsOf(daysAgo(364), daysAgo(0));
  assert.equal(now[MY_HOA], undefined);
  assert.equal(now[BEN_DINH], "Ấp Bến Đình Mới");
});

test("a boundary file with problems is refused whole, each problem named, in both languages", async () => {
  await page.goto(url + "/areas?lang=en");
  const before = await page.locator('[data-testid="area-name"]').allInnerTexts();
  const ring = (pts) => [pts.map(([x, y]) => [x, y])];
  const file = {
    type: "FeatureCollection",
    features: [
      { type: "Feature", properties: { ten: "Ấp Xa" }, geometry: { type: "Polygon", coordinates: ring([[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.0]]) } },
      { type: "Feature", properties: { ten: "Ấp Chéo" }, geometry: { type: "Polygon", coordinates: ring([[105.62, 10.0], [105.64, 10.01], [105.64, 10.0], [105.62, 10.01], [105.62, 10.0]]) } },
    ],
  };
  await page.setInputFiles('[data-testid="import-file"]', {
    name: "ranh_gioi_ap.geojson",
    mimeType: "application/geo+json",
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await page.click('[data-testid="import-save"]');
  const message = await page.locator('[data-testid="message"]').innerText();
  assert.match(message, /Ấp Xa lies outside the commune/);
  assert.match(message, /Ấp Chéo is not valid/);
  assert.deepEqual(await page.locator('[data-testid="area-name"]').allInnerTexts(), before, "nothing changed");
  await page.goto(url + "/areas?lang=vi");
  await page.setInputFiles('[data-testid="import-file"]', {
    name: "ranh_gioi_ap.geojson",
    mimeType: "application/geo+json",
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await page.click('[data-testid="import-save"]');
  assert.match(await page.locator('[data-testid="message"]').innerText(), /nằm ngoài địa giới xã/);
});

test("the Department's viewer and volunteers have no areas page", async () => {
  const viewer = await fetch(url + "/api/v1/areas/changes", {
    method: "POST",
    headers: { authorization: `Bearer ${creds.viewer.token}`, "content-type": "application/json" },
    body: JSON.stringify({ change: "retire", area_id: BEN_DINH }),
  });
  assert.equal(viewer.status, 403);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(url + "/?lang=vi");
  await p.fill('[data-testid="key"]', creds.viewer.token);
  await p.click('[data-testid="signin"]');
  assert.equal(await p.locator('[data-testid="tab-areas"]').count(), 0);
  const r = await p.goto(url + "/areas");
  assert.equal(r.status(), 403);
  await ctx.close();
});
