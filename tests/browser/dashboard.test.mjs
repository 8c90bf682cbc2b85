// The commune dashboard in a real browser: sign in, open the queue, approve one record and
// return another, see the figures change, download the XLSX and check its cells, switch to
// English. Runs the real server with --demo (simulated phones syncing through the real protocol)
// and Debian's Chromium. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import ExcelJS from "exceljs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, "target");
const serverBin = join(target, "debug", "sachxanh-server");
const data = mkdtempSync(join(tmpdir(), "sachxanh-browser-"));
let server, url, creds, browser, page;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(path) {
  const r = await fetch(url + path, { headers: { authorization: `Bearer ${creds.staff.token}` } });
  assert.equal(r.status, 200, path);
  return r.json();
}

before(async () => {
  assert.ok(existsSync(serverBin), `build the server first: ${serverBin}`);
  server = spawn(serverBin, ["--demo", "--data", data, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((ok, fail) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    server.on("exit", (c) => fail(new Error(`server exited ${c}`)));
    setTimeout(() => fail(new Error("server did not start")), 30000);
  });
  creds = JSON.parse(readFileSync(join(data, "demo-credentials.json"), "utf8"));
  // Wait for the simulated phones' first records to arrive.
  for (let i = 0; i < 120; i++) {
    const q = await api("/api/v1/review-queue?kind=household");
    if (q.lines.length >= 3) break;
    await sleep(500);
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: "vi-VN" });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  server?.kill("SIGINT");
});

/** The commune row's figure for a target, as shown on screen: [numerator, denominator]. */
async function communeFigure(column) {
  const row = page.locator('[data-testid="target-row"][data-unit="rach-sen"]');
  const text = await row.locator("td").nth(column).locator("a").innerText();
  return text.split("/").map((s) => Number(s.trim()));
}

test("staff review in the browser and the figures follow", async () => {
  await page.goto(url + "/");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  await page.waitForSelector('[data-testid="queue-row"]');

  await page.click('[data-testid="tab-targets"]');
  await page.waitForSelector('[data-testid="target-row"][data-unit="rach-sen"]');
  const [sortedBefore, householdsBefore] = await communeFigure(2);

  // Approve a household: it starts to count.
  await page.click('[data-testid="tab-queue"]');
  await page.selectOption("#fKind", "household");
  await page.click("#fGo");
  await page.waitForSelector('[data-testid="queue-row"]');
  const rows = page.locator('[data-testid="queue-row"]');
  const firstId = await rows.nth(0).getAttribute("data-id");
  await rows.nth(0).click();
  await page.waitForSelector('[data-testid="values"] tr');
  assert.match(await page.locator("#rTitle").innerText(), /—/);
  await page.click('[data-testid="approve"]');
  await page.waitForSelector('[data-testid="status"].approved');
  assert.equal(await page.locator('[data-testid="status"]').innerText(), "Đã duyệt");

  // Return another with a reason.
  await page.click("#back");
  // The queue reloads without the approved household (until then the old rows are shown).
  await page.waitForFunction(
    (approved) => {
      const first = document.querySelector('[data-testid="queue-row"]');
      return first && first.dataset.id !== approved;
    },
    firstId,
  );
  const next = page.locator('[data-testid="queue-row"]').first();
  const secondId = await next.getAttribute("data-id");
  assert.notEqual(secondId, firstId);
  await next.click();
  await page.waitForSelector('[data-testid="values"] tr');
  await page.click('[data-testid="return"]');
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Lý do/);
  await page.fill('[data-testid="reason"]', "Thiếu số nhà, xin ghi rõ");
  await page.click('[data-testid="return"]');
  await page.waitForSelector('[data-testid="status"].returned');

  // The figures changed: one more approved household.
  await page.click('[data-testid="tab-targets"]');
  await page.waitForFunction(
    (before) => {
      const a = document.querySelector('[data-testid="target-row"][data-unit="rach-sen"] td:nth-child(3) a');
      return a && Number(a.textContent.split("/")[1]) > before;
    },
    householdsBefore,
  );
  const [sortedAfter, householdsAfter] = await communeFigure(2);
  assert.equal(householdsAfter, householdsBefore + 1);
  assert.ok(sortedAfter >= sortedBefore);
  const [weekendsNum, weekendsDen] = await communeFigure(1);
  const [covNum, covDen] = await communeFigure(3);
  await page.screenshot({ path: join(root, "docs", "dashboard.png") });

  // The XLSX says what the screen says.
  await page.click('[data-testid="tab-reports"]');
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="xlsx"]')]);
  const file = join(data, "report.xlsx");
  await download.saveAs(file);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  assert.deepEqual(book.worksheets.map((w) => w.name), [
    "Tổng hợp", "Ra quân cuối tuần", "Phân loại rác", "Hương ước",
    "Điểm tập kết", "Điểm đen đã xử lý", "Phổ biến", "Mô hình tự quản",
  ]);
  const sheet = book.getWorksheet("Tổng hợp");
  assert.equal(sheet.getCell("B3").value, "Đơn vị");
  let communeRow = null;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === "Xã/phường" && row.getCell(2).value === "Xã Rạch Sen") communeRow = row;
  });
  assert.ok(communeRow, "the commune's row");
  const cells = [3, 4, 6, 7, 9, 10].map((c) => communeRow.getCell(c).value);
  assert.deepEqual(cells, [weekendsNum, weekendsDen, sortedAfter, householdsAfter, covNum, covDen]);

  // A cleanup's photos show on its page (the demo phones send them after the records, so the
  // page may need opening again until they are in).
  await page.click('[data-testid="tab-queue"]');
  await page.selectOption("#fKind", "cleanup");
  await page.selectOption("#fStatus", "all");
  await page.click("#fGo");
  await page.waitForSelector('[data-testid="queue-row"]');
  const cleanupId = await page.locator('[data-testid="queue-row"]').first().getAttribute("data-id");
  let shown = 0;
  for (let i = 0; i < 20 && shown === 0; i++) {
    await page.evaluate((id) => openRecord(id), cleanupId);
    await page.waitForSelector('[data-testid="values"] tr');
    shown = await page
      .waitForFunction(() => {
        const imgs = [...document.querySelectorAll('[data-testid="photo"]')];
        return imgs.length > 0 && imgs.every((i) => i.complete) ? imgs.filter((i) => i.naturalWidth > 0).length : false;
      }, null, { timeout: 3000 })
      .then((h) => h.jsonValue())
      .catch(() => 0);
    if (shown === 0) await new Promise((r) => setTimeout(r, 1000));
  }
  assert.ok(shown >= 1, "the cleanup's photos are shown");

  // English is one click away.
  await page.click('[data-testid="lang"]');
  assert.equal(await page.locator('[data-testid="tab-queue"]').innerText(), "Review queue");
  await page.click('[data-testid="lang"]');
  assert.equal(await page.locator('[data-testid="tab-queue"]').innerText(), "Hàng chờ duyệt");
});
