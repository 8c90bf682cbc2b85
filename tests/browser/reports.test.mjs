// Commune staff take the year's report through its life in the browser: prepare it (the people
// the commune must brief and its difficulties), check it, send it; the sent report is frozen,
// and a record approved afterwards shows as "changed since sent", in both languages. The
// Department sees each commune's state. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, root, until } from "./harness.mjs";

let server, url, creds, browser, page;

const api = (path, init = {}) =>
  fetch(url + path, {
    ...init,
    headers: { authorization: `Bearer ${creds.staff.token}`, "content-type": "application/json", ...(init.headers || {}) },
  }).then((r) => r.json());

before(async () => {
  ({ server, url, creds } = await startDemoServer());
  // The demo phones' households arrive for review.
  await until("households to review", async () => (await api("/api/v1/review-queue?kind=household")).lines.length >= 1);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "vi-VN", acceptDownloads: true });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

/** The due date of the report period running today (30 November). */
function dueDate() {
  const now = new Date();
  const y = now.getUTCFullYear();
  const due = new Date(Date.UTC(y, 10, 30));
  return now <= new Date(due.getTime() + 86400000 - 1) ? due : new Date(Date.UTC(y + 1, 10, 30));
}

test("staff prepare, check and send the year's report; a later approval shows as changed since sent", async () => {
  await page.goto(url + "/?lang=vi");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  const daysLeft = Math.round((dueDate() - Date.now()) / 86400000);
  if (daysLeft <= 29) {
    // The countdown shows on every page in the last month.
    assert.match(await page.locator('[data-testid="due-banner"]').innerText(), /Báo cáo năm \d{4} hạn gửi 30\/11\/\d{4}/);
  }
  await page.click('[data-testid="tab-reports"]');
  assert.equal(await page.locator('[data-testid="report-state"]').getAttribute("data-state"), "none");
  assert.equal(await page.locator('[data-testid="report-send"]').count(), 0, "nothing to send before it is prepared and checked");

  await page.fill('[data-testid="to-brief"]', "150");
  await page.fill('[data-testid="difficulties"]', "Thiếu thùng rác phân loại ở các ấp ven kênh; đề nghị hỗ trợ 40 thùng.");
  await page.click('[data-testid="report-save"]');
  await page.waitForURL((u) => u.pathname === "/reports" && u.search.includes("done"));
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Đã lưu báo cáo/);
  assert.equal(await page.locator('[data-testid="report-state"]').getAttribute("data-state"), "prepared");
  await page.click('[data-testid="report-check"]');
  await page.waitForURL((u) => u.search.includes("done"));
  assert.equal(await page.locator('[data-testid="report-state"]').getAttribute("data-state"), "checked");
  await page.click('[data-testid="report-send"]');
  await page.waitForURL((u) => u.search.includes("done"));
  assert.equal(await page.locator('[data-testid="report-state"]').getAttribute("data-state"), "sent");
  const steps = await page.locator('[data-testid="report-step"]').allInnerTexts();
  assert.equal(steps.length, 3, steps.join(" | "));
  assert.match(steps[2], /^Gửi: /);
  assert.equal(await page.locator('[data-testid="report-prepare"]').count(), 0, "a sent report's words no longer change");
  assert.equal(await page.locator('[data-testid="due-banner"]').count(), 0, "no countdown once sent");

  // A household of the period approved after sending: the sent copy stays, the page shows the
  // difference figure by figure.
  const [line] = (await api("/api/v1/review-queue?kind=household")).lines;
  const detail = await api(`/api/v1/records/${line.id}/detail`);
  const decided = await fetch(`${url}/api/v1/records/${line.id}/review`, {
    method: "POST",
    headers: { authorization: `Bearer ${creds.staff.token}`, "content-type": "application/json" },
    body: JSON.stringify({ decision: "approved", reason: "", heads: detail.record.heads }),
  });
  assert.equal(decided.status, 201);
  await page.reload();
  const changes = await page.locator('[data-testid="change"]').allInnerTexts();
  assert.ok(changes.some((c) => /Hộ phân loại đủ 3 nhóm/.test(c)), changes.join(" | "));
  await page.screenshot({ path: join(root, "docs", "reports.png"), fullPage: true });

  await page.goto(url + "/reports?lang=en");
  assert.match(await page.locator('[data-testid="report-state"]').innerText(), /^Sent$/);
  assert.match(await page.locator("h3", { hasText: "Changed since sent" }).innerText(), /Changed since sent/);
  const en = await page.locator('[data-testid="change"]').allInnerTexts();
  assert.ok(en.some((c) => /Households sorting all 3 groups/.test(c)), en.join(" | "));
  assert.match(await page.locator('[data-testid="not-measured"]').innerText(), /95\.8% of urban/);
});

test("the Department sees which communes have sent", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "vi-VN" });
  const viewer = await context.newPage();
  await viewer.goto(url + "/?lang=vi");
  await viewer.fill('[data-testid="key"]', creds.viewer.token);
  await viewer.click('[data-testid="signin"]');
  await viewer.goto(url + "/reports");
  const rows = await viewer.locator('[data-testid="commune-report"]').allInnerTexts();
  assert.ok(rows.some((r) => /Xã Rạch Sen\s+Đã gửi/.test(r)), rows.join(" | "));
  assert.ok(rows.some((r) => /Phường Cồn Sen\s+Chưa soạn/.test(r)), rows.join(" | "));
  await context.close();
});
