// The commune dashboard in a real browser: sign in, open the queue, approve one record and
// return another, see the figures change, download the XLSX and check its cells, see a
// cleanup's photos, switch to English; then every kind's record page, word for word against the
// core's catalogue (/api/v1/catalog) in both languages, with no raw code on screen. The pages
// are rendered on the server and run no script. Runs the real server with --demo (simulated
// phones syncing through the real protocol) and Debian's Chromium. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, until, root } from "./harness.mjs";

let server, url, creds, data, browser, context, page, catalog;

async function api(path) {
  const r = await fetch(url + path, { headers: { authorization: `Bearer ${creds.staff.token}` } });
  assert.equal(r.status, 200, path);
  return r.json();
}

const reviewedKinds = () => catalog.kinds.filter((k) => k.reviewed);
const choice = (list, code) => {
  const c = list.find((x) => x.code === code);
  assert.ok(c, `the catalogue has ${code}`);
  return c;
};

before(async () => {
  ({ server, url, creds, data } = await startDemoServer());
  catalog = await (await fetch(url + "/api/v1/catalog")).json();
  // Wait for the simulated phones' first households to arrive.
  assert.ok(catalog.kinds.some((k) => k.kind === "household"));
  await until("three households", async () => {
    const q = await api("/api/v1/review-queue?kind=household");
    return q.lines.length >= 3;
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: "vi-VN" });
  page = await context.newPage();
  // The pages run no script and need nothing the policy forbids: a violation shows here.
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/.test(m.text())) violations.push(m.text());
  });
});

const violations = [];

after(async () => {
  await browser?.close();
  await stopServer(server);
});

/** The commune row's figure for a target (its code), as shown on screen: [numerator, denominator]. */
async function communeFigure(target) {
  const row = page.locator('[data-testid="target-row"][data-unit="rach-sen"]');
  const text = await row.locator(`td[data-target="${target}"]`).locator("a").innerText();
  return text.split("/").map((s) => Number(s.trim()));
}

/** Opens the queue with these filters (by the page's own form). */
async function filterQueue({ kind = "", status = "pending" } = {}) {
  await page.click('[data-testid="tab-queue"]');
  await page.waitForURL((u) => u.pathname === "/queue");
  await page.selectOption("#fKind", kind);
  await page.selectOption("#fStatus", status);
  await page.click("#fGo");
  await page.waitForURL((u) => u.searchParams.get("kind") === kind && u.searchParams.get("status") === status);
}

test("staff review in the browser and the figures follow", async () => {
  const household = "household";
  const approve = choice(catalog.decisions, "approved");
  const giveBack = choice(catalog.decisions, "returned");
  const approved = choice(catalog.review_statuses, "approved");
  const returned = choice(catalog.review_statuses, "returned");

  await page.goto(url + "/?lang=vi");
  assert.equal(await page.locator("script").count(), 0, "no script on the page");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  await page.waitForSelector('[data-testid="queue-row"]');

  await page.click('[data-testid="tab-targets"]');
  await page.waitForSelector('[data-testid="target-row"][data-unit="rach-sen"]');
  const [sortedBefore, householdsBefore] = await communeFigure("household_sorting");

  // Approve a household: it starts to count.
  await filterQueue({ kind: household });
  const rows = page.locator('[data-testid="queue-row"]');
  const firstId = await rows.nth(0).getAttribute("data-id");
  await rows.nth(0).locator("a").click();
  await page.waitForSelector('[data-testid="values"] tr');
  assert.match(await page.locator("#rTitle").innerText(), /—/);
  const approveButton = page.locator(`[data-testid="decide-button"][value="${approve.code}"]`);
  assert.equal(await approveButton.innerText(), approve.label.vi);
  await approveButton.click();
  await page.waitForSelector(`[data-testid="status"][data-status="${approved.code}"]`);
  assert.equal(await page.locator('[data-testid="status"]').innerText(), approved.label.vi);
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Đã lưu quyết định/);

  // Return another with a reason; back to the same filtered queue, which no longer holds the
  // approved household.
  await page.click("#back");
  await page.waitForSelector('[data-testid="queue-row"]');
  assert.equal(await page.locator("#fKind").inputValue(), household);
  assert.equal(await page.locator(`[data-testid="queue-row"][data-id="${firstId}"]`).count(), 0);
  const next = page.locator('[data-testid="queue-row"]').first();
  const secondId = await next.getAttribute("data-id");
  assert.notEqual(secondId, firstId);
  await next.locator("a").click();
  await page.waitForSelector('[data-testid="values"] tr');
  const returnButton = page.locator(`[data-testid="decide-button"][value="${giveBack.code}"]`);
  await returnButton.click();
  await page.waitForSelector('[data-testid="message"]');
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Lý do/);
  assert.notEqual(await page.locator('[data-testid="status"]').getAttribute("data-status"), returned.code);
  await page.fill('[data-testid="reason"]', "Thiếu số nhà, xin ghi rõ");
  await page.locator(`[data-testid="decide-button"][value="${giveBack.code}"]`).click();
  await page.waitForSelector(`[data-testid="status"][data-status="${returned.code}"]`);
  const reviews = await page.locator('[data-testid="review"]').allInnerTexts();
  assert.ok(reviews.some((r) => r.includes("Thiếu số nhà, xin ghi rõ") && r.includes(giveBack.label.vi)), reviews.join("\n"));

  // The figures changed: at least one more approved household (the demo's own reviewer may
  // approve more meanwhile, never fewer).
  await page.click('[data-testid="tab-targets"]');
  await page.waitForSelector('[data-testid="target-row"][data-unit="rach-sen"]');
  const [sortedAfter, householdsAfter] = await communeFigure("household_sorting");
  assert.ok(householdsAfter >= householdsBefore + 1, `${householdsBefore} → ${householdsAfter}`);
  assert.ok(sortedAfter >= sortedBefore);
  await page.screenshot({ path: join(root, "docs", "dashboard.png") });

  // The XLSX says what the screen says (read again if the demo's reviewer decided in between).
  let agreed = null;
  for (let attempt = 0; attempt < 5 && !agreed; attempt++) {
    await page.click('[data-testid="tab-targets"]');
    await page.waitForSelector('[data-testid="target-row"][data-unit="rach-sen"]');
    const screen = [
      ...(await communeFigure("weekend_cleanups")),
      ...(await communeFigure("household_sorting")),
      ...(await communeFigure("covenant_adoption")),
    ];
    await page.click('[data-testid="tab-reports"]');
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="xlsx"]')]);
    const file = join(data, `report-${attempt}.xlsx`);
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const names = book.worksheets.map((w) => w.name);
    assert.equal(names[0], "Tổng hợp");
    assert.ok(names.includes("Hộ phân loại đủ 3 nhóm") && names.includes("Bãi rác tự phát đã đóng cửa"), names.join(", "));
    const sheet = book.getWorksheet("Tổng hợp");
    assert.equal(sheet.getCell("B3").value, "Đơn vị");
    const column = (heading) => {
      let found = 0;
      sheet.getRow(3).eachCell((cell, n) => {
        if (cell.value === heading) found = n;
      });
      assert.ok(found, `the column ${heading}`);
      return found;
    };
    const columns = [
      "Ra quân cuối tuần: đạt", "Ra quân cuối tuần: tổng số",
      "Hộ phân loại đủ 3 nhóm: đạt", "Hộ phân loại đủ 3 nhóm: tổng số",
      "Hương ước về môi trường có hiệu lực: đạt", "Hương ước về môi trường có hiệu lực: tổng số",
    ].map(column);
    let communeRow = null;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === "Xã/phường" && row.getCell(2).value === "Xã Rạch Sen") communeRow = row;
    });
    assert.ok(communeRow, "the commune's row");
    const cells = columns.map((c) => communeRow.getCell(c).value);
    if (JSON.stringify(cells) === JSON.stringify(screen)) agreed = cells;
  }
  assert.ok(agreed, "the XLSX agrees with the screen");

  // A cleanup's photos show on its page (the demo phones send them after the records, so the
  // page may say "not uploaded yet" until they are in).
  await filterQueue({ kind: "cleanup", status: "all" });
  await page.locator('[data-testid="queue-row"] a').first().click();
  await page.waitForSelector('[data-testid="values"] tr');
  const shown = await until("the cleanup's photos", async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="values"] tr');
    // Photos load lazily: bring them in, then count those the browser could decode.
    const n = await page.locator('[data-testid="photo"]').evaluateAll(async (imgs) => {
      imgs.forEach((i) => (i.loading = "eager"));
      await Promise.all(imgs.map((i) => i.decode().catch(() => {})));
      return imgs.filter((i) => i.complete && i.naturalWidth > 0).length;
    });
    return n > 0 && (await page.locator('[data-testid="photo-missing"]').count()) === 0 ? n : 0;
  });
  assert.ok(shown >= 1, "the cleanup's photos are shown");
  const map = page.locator('[data-testid="map"]');
  assert.equal(await map.locator("path.area").count() >= 2, true, "the commune's areas are drawn");
  assert.equal(await map.locator('[data-testid="map-line"], [data-testid="map-point"], [data-testid="map-polygon"]').count(), 1);

  // English is one click away, and back.
  await page.click('[data-testid="lang"]');
  await page.locator(`html[lang="en"]`).waitFor({ state: "attached" });
  assert.equal(await page.locator('[data-testid="tab-queue"]').innerText(), "Review queue");
  await page.click('[data-testid="lang"]');
  await page.locator(`html[lang="vi"]`).waitFor({ state: "attached" });
  assert.equal(await page.locator('[data-testid="tab-queue"]').innerText(), "Hàng chờ duyệt");
  assert.deepEqual(violations, []);
});

test("the filters and every kind's page say what the catalogue says, in both languages", async () => {
  const kinds = reviewedKinds();
  const optionsOf = (select) =>
    page.$$eval(`${select} option[data-catalog]`, (os) => os.map((o) => [o.value, o.textContent.trim()]));
  for (const lang of ["vi", "en"]) {
    await page.goto(`${url}/queue?lang=${lang}`);
    assert.deepEqual(await optionsOf("#fKind"), kinds.map((k) => [k.kind, k.label[lang]]), `kinds (${lang})`);
    assert.deepEqual(
      await optionsOf("#fStatus"),
      catalog.review_statuses.map((s) => [s.code, s.label[lang]]),
      `statuses (${lang})`,
    );
    // Besides the catalogue's, only "all" (and "needs review") are offered.
    assert.equal(await page.locator("#fKind option:not([data-catalog])").count(), 1);
    assert.equal(await page.locator("#fStatus option:not([data-catalog])").count(), 2);
  }

  // Every code the core has (kinds, statuses, choices, roles, actions, field paths) and every
  // area id: none of them may be read on a record page.
  const codes = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      if (typeof v.code === "string" && v.label) codes.add(v.code);
      Object.values(v).forEach(walk);
    }
  };
  walk(catalog);
  for (const k of catalog.kinds) {
    codes.add(k.kind);
    k.fields.forEach((f) => codes.add(f.path));
  }
  const areas = await api("/api/v1/areas.geojson");
  areas.features.forEach((f) => codes.add(f.properties.id));
  for (const c of ["rs-ap-my-hoa", "in_force", "create"]) assert.ok(codes.has(c), c);
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const raw = new RegExp(`(?<![\\p{L}\\p{N}_-])(${[...codes].map(escape).join("|")})(?![\\p{L}\\p{N}_-])`, "u");

  // The demo records all eight kinds; the rarer ones (briefings, dumps) come within a minute or
  // two.
  const idOf = {};
  await until(
    "a record of every kind",
    async () => {
      for (const k of kinds) {
        if (idOf[k.kind]) continue;
        const q = await api(`/api/v1/review-queue?status=all&kind=${k.kind}`);
        if (q.lines.length) idOf[k.kind] = q.lines[0].id;
      }
      return kinds.every((k) => idOf[k.kind]);
    },
    { timeout: 180000, every: 1000 },
  );

  const fieldLabel = (kind, path, lang) => kind.fields.find((f) => f.path === path)?.label[lang];
  for (const kind of kinds) {
    const id = idOf[kind.kind];
    await page.goto(`${url}/records/${id}?lang=vi`);
    for (const lang of ["vi", "en"]) {
      if (lang === "en") {
        await page.click('[data-testid="lang"]');
        await page.locator(`html[lang="en"]`).waitFor({ state: "attached" });
      }
      const where = `${kind.kind} ${id} (${lang})`;
      const fields = await page.$$eval('[data-testid="field"]', (rows) =>
        rows.map((r) => [r.dataset.path, r.querySelector("th").textContent.trim()]),
      );
      assert.ok(fields.length > 0, `${where}: values shown`);
      for (const [path, label] of fields) {
        assert.equal(label, fieldLabel(kind, path, lang), `${where}: the label of ${path}`);
      }
      const meta = await page.locator('[data-testid="meta"]').innerText();
      assert.ok(meta.startsWith(kind.label[lang]), `${where}: the kind's label in "${meta}"`);
      const status = await page.locator('[data-testid="status"]').innerText();
      assert.ok(catalog.review_statuses.some((s) => s.label[lang] === status), `${where}: status "${status}"`);
      const actions = await page.locator('[data-testid="history-action"]').allInnerTexts();
      assert.ok(actions.length > 0, `${where}: history`);
      for (const a of actions) {
        assert.ok(catalog.audit_actions.some((x) => x.label[lang] === a), `${where}: action "${a}"`);
      }
      const sections = kind.fields.flatMap((f) => (f.section ? [f.section[lang]] : []));
      for (const name of await page.locator('[data-testid="history-field"]').allInnerTexts()) {
        assert.ok(
          kind.fields.some((f) => f.label[lang] === name) || sections.includes(name),
          `${where}: history names "${name}"`,
        );
      }
      const buttons = await page.$$eval('[data-testid="decide-button"]', (bs) => bs.map((b) => [b.value, b.textContent.trim()]));
      assert.deepEqual(buttons, catalog.decisions.map((d) => [d.code, d.label[lang]]), `${where}: decisions`);
      if (lang === "vi") {
        const text = await page.locator("body").innerText();
        const found = text.match(raw);
        assert.equal(found, null, `${where}: raw code "${found?.[1]}" on screen`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test("the Department's viewer sees every commune side by side, ranked, and writes nothing", async () => {
  assert.ok(creds.viewer, "the demo has a Department viewer");
  const own = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "vi-VN" });
  const viewer = await own.newPage();
  await viewer.goto(url + "/?lang=vi");
  await viewer.fill('[data-testid="key"]', creds.viewer.token);
  await viewer.click('[data-testid="signin"]');
  await viewer.waitForSelector('[data-testid="tab-targets"]');
  assert.equal(await viewer.locator('[data-testid="tab-people"]').count(), 0, "no people to manage");

  // Both communes of the province, each ranked on each target.
  await viewer.click('[data-testid="tab-targets"]');
  const communes = viewer.locator('[data-testid="target-row"].commune');
  const units = await communes.evaluateAll((rows) => rows.map((r) => r.dataset.unit));
  assert.ok(units.includes("rach-sen") && units.includes("con-sen"), units.join(", "));
  const ranks = await communes.locator('[data-testid="rank"]').allInnerTexts();
  assert.ok(ranks.length >= units.length, ranks.join(", "));
  for (const r of ranks) assert.match(r, new RegExp(`^Hạng [1-${units.length}]/${units.length}$`));

  // Any record opens, without a decision to make (a household of the commune, whether the demo's
  // reviewer has decided on it yet or not: the queue may be empty by now).
  const listed = await api("/api/v1/records?kind=household");
  const id = listed.records[0].id;
  await viewer.goto(`${url}/records/${id}`);
  await viewer.waitForSelector('[data-testid="values"] tr');
  assert.equal(await viewer.locator('[data-testid="decide-button"]').count(), 0);

  // Posting a decision or a person anyway, with the session's own form token: refused.
  const csrf = await viewer.locator('form[action="/sign-out"] input[name="csrf"]').getAttribute("value");
  for (const [path, form] of [
    [`/records/${id}/decide`, { csrf, decision: "approved", reason: "" }],
    ["/people", { csrf, name: "Người lạ", role: "volunteer" }],
  ]) {
    const r = await viewer.request.post(url + path, { form, maxRedirects: 0 });
    assert.equal(r.status(), 403, path);
  }
  await own.close();
});
