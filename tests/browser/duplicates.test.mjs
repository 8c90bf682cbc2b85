// Households recorded twice, as commune staff meet them in the browser: a phone (the core's real
// client, the `phone` example) records the same household twice, the duplicates tab shows the
// pair found by the core's rule, staff mark one as the duplicate and it moves to the merged
// list; the records list finds "Nguyễn Văn Thử" from "nguyen van thu" typed without diacritics.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, target } from "./harness.mjs";

let server, url, creds, browser, page;

const phoneBin = join(target, "debug", "examples", "phone");
const phoneDir = mkdtempSync(join(tmpdir(), "sachxanh-phone-"));

/** The core's phone on the command line: one JSON answer per command. */
function phone(...args) {
  return JSON.parse(execFileSync(phoneBin, args, { encoding: "utf8" }));
}

async function staffApi(path, init = {}) {
  const r = await fetch(url + path, {
    ...init,
    headers: { authorization: `Bearer ${creds.staff.token}`, "content-type": "application/json", ...(init.headers || {}) },
  });
  return { status: r.status, body: await r.json() };
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

test("staff see a household recorded twice, mark the duplicate, and search without diacritics", async () => {
  // A volunteer's phone of the commune's first hamlet records the same household twice (the
  // example phone names it alike both times when nothing is waiting).
  const areas = await (await fetch(url + "/api/v1/areas.geojson", { headers: { authorization: `Bearer ${creds.staff.token}` } })).json();
  const area = areas.features.map((f) => f.properties.id ?? f.id).find(Boolean);
  assert.ok(area, "the commune has a hamlet");
  const issued = await staffApi("/api/v1/enrolment-codes", {
    method: "POST",
    body: JSON.stringify({ name: "Trần Văn Ghi Hai Lần", role: "volunteer", areas: [area] }),
  });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  assert.equal(phone("enrol", url, issued.body.code, phoneDir).ok, true);
  const first = phone("record", phoneDir).id;
  assert.equal(phone("sync", url, phoneDir).pushed, 1);
  const second = phone("record", phoneDir).id;
  assert.equal(phone("sync", url, phoneDir).pushed, 1);

  await page.goto(url + "/?lang=vi");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');

  // The duplicates tab shows the pair, by the core's rule, with their titles.
  await page.click('[data-testid="tab-duplicates"]');
  await page.waitForURL((u) => u.pathname === "/duplicates");
  assert.equal(await page.locator("script").count(), 0, "no script on the page");
  const pairOf = (a, b) => page.locator(`[data-testid="suspected-pair"][data-a="${a}"][data-b="${b}"]`);
  const [pair, secondSide] = (await pairOf(first, second).count()) ? [pairOf(first, second), "b"] : [pairOf(second, first), "a"];
  assert.equal(await pair.count(), 1, "the pair is suspected");
  assert.match(await pair.innerText(), /Nguyễn Văn Thử/);
  assert.equal(await page.locator(`[data-testid="merged-pair"][data-duplicate="${second}"]`).count(), 0);

  // Staff mark the second as the duplicate of the first: it moves to the merged list.
  await pair.locator(`[data-testid="mark-${secondSide}"]`).click();
  await page.waitForURL((u) => u.pathname === "/duplicates" && u.searchParams.get("done") === "1");
  assert.match(await page.locator('[data-testid="message"]').innerText(), /hộ ghi trùng/i);
  assert.equal(await pairOf(first, second).count() + (await pairOf(second, first).count()), 0, "no longer suspected");
  const merged = page.locator(`[data-testid="merged-pair"][data-duplicate="${second}"][data-kept="${first}"]`);
  assert.equal(await merged.count(), 1, "shown as merged into the first");
  const api = await staffApi("/api/v1/duplicates");
  assert.deepEqual(
    api.body.merged.map((m) => [m.duplicate.id, m.kept.id]),
    [[second, first]],
  );

  // Marked once: the other way round is refused, in words, and nothing changes.
  const back = await staffApi(`/api/v1/records/${first}/duplicate-of`, { method: "POST", body: JSON.stringify({ kept_id: second }) });
  assert.equal(back.status, 409);
  assert.ok(back.body.message.vi && back.body.message.en);

  // In English, the page's own words.
  await page.goto(url + "/duplicates?lang=en");
  assert.match(await page.locator("main").innerText(), /Suspected duplicates/);
  assert.match(await page.locator("main").innerText(), /Merged/);
  await page.goto(url + "/duplicates?lang=vi");

  // The records list, searched without diacritics, finds the household and nothing else.
  await page.click('[data-testid="tab-queue"]');
  await page.waitForURL((u) => u.pathname === "/queue");
  await page.selectOption("#fStatus", "all");
  await page.click("#fGo");
  await page.waitForURL((u) => u.searchParams.get("status") === "all");
  const everything = await page.locator('[data-testid="queue-row"]').count();
  await page.fill('[data-testid="search"]', "nguyen van thu");
  await page.click("#fGo");
  await page.waitForURL((u) => u.searchParams.get("search") === "nguyen van thu");
  const rows = page.locator('[data-testid="queue-row"]');
  const found = await rows.count();
  assert.ok(found >= 1, "found from a search typed without diacritics");
  assert.ok(found < everything, "and only those");
  for (let i = 0; i < found; i++) {
    assert.match(await rows.nth(i).locator('[data-testid="queue-link"]').innerText(), /Nguyễn Văn Thử/);
  }
  const ids = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.id));
  assert.ok(ids.includes(first), "the household kept is found");
  assert.equal(await page.locator('[data-testid="search"]').inputValue(), "nguyen van thu", "the search stays in its box");

  await page.fill('[data-testid="search"]', "khong co ai ten nay");
  await page.click("#fGo");
  await page.waitForURL((u) => u.searchParams.get("search") === "khong co ai ten nay");
  assert.equal(await rows.count(), 0);
});
