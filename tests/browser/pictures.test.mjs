// The pictures in a real browser, in both languages: a bar per target for each hamlet on the
// targets page (each agreeing with the table's figure), the chart by month (checked against
// figures computed here from the read API's raw records), and the commune map of located
// records — filtered by kind and period, coloured by status as its legend says, a click on a
// black spot opening that black spot's record, the Department picking a commune. Screenshots:
// docs/progress.png and docs/map.png. Runs the real server with --demo and Debian's Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, until, root } from "./harness.mjs";

let server, url, creds, browser, context, page, catalog;
const violations = [];

async function api(path, { method = "GET", body } = {}) {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${creds.staff.token}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: r.status, json: await r.json().catch(() => null) };
}

async function get(path) {
  const r = await api(path);
  assert.equal(r.status, 200, path);
  return r.json;
}

/** Every record of a kind the staff see (the read API, a page of 500 at a time). */
async function records(kind) {
  const out = [];
  let cursor = "";
  for (;;) {
    const p = await get(`/api/v1/records?kind=${kind}&limit=500${cursor ? `&cursor=${cursor}` : ""}`);
    out.push(...p.records);
    if (!p.next_cursor) return out;
    cursor = p.next_cursor;
  }
}

/** Staff approve what waits in the queue, as the demo's reviewer would a minute later. */
async function approveWaiting() {
  const q = await get("/api/v1/review-queue");
  for (const line of q.lines) {
    const d = await api(`/api/v1/records/${line.id}/detail`);
    if (d.status !== 200) continue;
    // A phone may change it meanwhile (409): it waits for the next round.
    await api(`/api/v1/records/${line.id}/review`, {
      method: "POST",
      body: { decision: "approved", reason: "", heads: d.json.record.heads },
    });
  }
  return q.lines.length;
}

const pad = (n) => String(n).padStart(2, "0");
const dayOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = new Date();
/** The months ("YYYY-MM") with a day in the period `from`–`to` ("YYYY-MM-DD"). */
function monthsOf(from, to) {
  const out = [];
  for (let d = new Date(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, 1); dayOf(d) <= to; d.setMonth(d.getMonth() + 1)) {
    out.push(dayOf(d).slice(0, 7));
  }
  return out;
}
const monthEnd = (m) => {
  const [y, mo] = m.split("-").map(Number);
  return dayOf(new Date(y, mo, 0));
};

/** The chart's three series for the period computed here from raw approved records, without
 * the core. */
async function expectedSeries(from, to) {
  const months = monthsOf(from, to);
  const approved = (r) => r.review_status === "approved";
  const cleanups = (await records("cleanup")).filter(approved);
  const households = new Set((await records("household")).filter(approved).map((r) => r.id));
  const checks = (await records("sorting_check")).filter(approved);
  const inMonth = (m) => (r) => r.data.cleanup_date.startsWith(m) && r.data.cleanup_date >= from && r.data.cleanup_date <= to;
  const sorting = (m) => {
    const end = monthEnd(m) < to ? monthEnd(m) : to;
    let n = 0;
    for (const h of households) {
      const latest = checks
        .filter((c) => c.data.household_id === h && c.data.check_date <= end)
        .sort((a, b) => (a.data.check_date + String(a.created_at).padStart(16, "0") + a.id)
          .localeCompare(b.data.check_date + String(b.created_at).padStart(16, "0") + b.id))
        .at(-1);
      const d = latest?.data;
      if (d && d.recyclable_sorted && d.food_sorted && d.other_sorted) n++;
    }
    return n;
  };
  return {
    cleanups: months.map((m) => cleanups.filter(inMonth(m)).length),
    kilograms: months.map((m) => cleanups.filter(inMonth(m)).reduce((s, r) => s + (r.data.waste_kg ?? 0), 0)),
    sorting_households: months.map(sorting),
  };
}

/** A number as the page writes it, read back ("1.234,5" in Vietnamese, "1,234.5" in English). */
const readNumber = (text, lang) =>
  Number(lang === "vi" ? text.replaceAll(".", "").replace(",", ".") : text.replaceAll(",", ""));

/** The values of each chart on the page, by measure. */
async function chartValues(lang) {
  const out = {};
  for (const chart of await page.locator('[data-testid="chart"]').all()) {
    const measure = await chart.getAttribute("data-measure");
    const texts = await chart.locator('[data-testid="chart-value"]').allTextContents();
    out[measure] = texts.map((t) => readNumber(t, lang));
  }
  return out;
}

before(async () => {
  ({ server, url, creds } = await startDemoServer());
  catalog = await (await fetch(url + "/api/v1/catalog")).json();
  // The demo's phones send this year's earlier months from their logbooks, a month a round:
  // cleanups from the area heads, dumps from the volunteers. The logbooks stay within the report
  // period (1 December to 30 November), so in December, the period's first month, they hold no
  // earlier month.
  const wanted = today.getMonth() === 11 ? 1 : Math.max(1, Math.min(5, today.getMonth()));
  await until("earlier cleanups and black spots", async () => {
    const cleanups = await records("cleanup");
    const spots = await records("black_spot");
    const months = new Set(cleanups.map((r) => r.data.cleanup_date.slice(0, 7)));
    return months.size >= wanted && spots.length >= 2;
  }, { timeout: 120000 });
  for (let round = 0; round < 3 && (await approveWaiting()) > 0; round++);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "vi-VN" });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/.test(m.text())) violations.push(m.text());
  });
  await page.goto(url + "/?lang=vi");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  await page.waitForSelector('[data-testid="queue"]');
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

/** The table's headings and each hamlet's figures, as shown. */
async function table() {
  const headings = (await page.locator('[data-testid="targets"] thead th').allInnerTexts()).slice(1);
  const rows = {};
  for (const row of await page.locator('[data-testid="target-row"]').all()) {
    const cells = await row.locator("td").allInnerTexts();
    rows[await row.getAttribute("data-unit")] = cells.slice(1).map((c) => c.split("\n")[0].trim());
  }
  return { headings, rows };
}

test("each hamlet has a bar per target, agreeing with the table, in both languages", async () => {
  for (const lang of ["vi", "en"]) {
    await page.goto(`${url}/targets?lang=${lang}`);
    await page.waitForSelector('[data-testid="progress-unit"]');
    assert.equal(await page.locator("script").count(), 0);
    const { headings, rows } = await table();
    const units = page.locator('[data-testid="progress-unit"]');
    assert.equal(await units.count(), Object.keys(rows).length, "a card for each row of the table");
    for (const unit of await units.all()) {
      const id = await unit.getAttribute("data-unit");
      const bars = unit.locator('[data-testid="bar"]');
      // One bar per target, in the table's order and words.
      assert.deepEqual(await bars.locator(".bar-label").allInnerTexts(), headings);
      const figures = await bars.locator('[data-testid="bar-figure"]').allInnerTexts();
      assert.deepEqual(figures, rows[id], `${id}: the bars say what the table says`);
      for (const bar of await bars.all()) {
        const figure = await bar.locator('[data-testid="bar-figure"]').innerText();
        assert.ok((await bar.getAttribute("title")).includes(figure), "the title carries the figure");
        assert.ok((await bar.locator("svg title").textContent()).includes(figure));
        // A share fills its bar as far as its numerator goes into its denominator.
        const share = figure.match(/^(\d+) \/ (\d+)/);
        if (!share) continue;
        const [n, d] = [Number(share[1]), Number(share[2])];
        const track = await bar.locator("rect.track").boundingBox();
        const fill = await bar.locator("rect.fill").boundingBox();
        const want = d > 0 ? n / d : 0;
        assert.ok(Math.abs((fill?.width ?? 0) / track.width - want) < 0.02, `${id} ${figure}: ${fill?.width}/${track.width}`);
      }
    }
    if (lang === "vi") assert.ok(headings.some((h) => /Hộ phân loại/.test(h)));
    else assert.ok(headings.some((h) => /Households sorting/.test(h)));
  }
  assert.deepEqual(violations, []);
});

test("the chart by month counts what the records say, months named in each language", async () => {
  const names = {
    vi: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"],
    en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  };
  for (const lang of ["vi", "en"]) {
    // Read again if the demo's reviewer or its phones changed something in between.
    let agreed = false, last = null, months = [];
    for (let attempt = 0; attempt < 5 && !agreed; attempt++) {
      await page.goto(`${url}/targets?lang=${lang}`);
      await page.waitForSelector('[data-testid="chart"]');
      // The page's own period (its default, shown in the form).
      const [from, to] = [await page.inputValue("#tFrom"), await page.inputValue("#tTo")];
      months = monthsOf(from, to);
      const shown = await chartValues(lang);
      const want = await expectedSeries(from, to);
      last = { shown, want };
      agreed = JSON.stringify(shown) === JSON.stringify(want);
    }
    assert.ok(agreed, `the chart agrees with the records: ${JSON.stringify(last)}`);
    assert.ok(last.want.cleanups.filter((n) => n > 0).length >= Math.min(3, months.length), "several months have cleanups");
    const charts = page.locator('[data-testid="chart"]');
    assert.equal(await charts.count(), 3);
    for (const chart of await charts.all()) {
      assert.equal(await chart.locator('[data-testid="chart-bar"]').count(), months.length, "a bar a month");
      const shownNames = await chart.locator('[data-testid="chart-month"]').allTextContents();
      assert.equal(shownNames[0], names[lang][Number(months[0].slice(5)) - 1]);
      for (const n of shownNames) assert.ok(names[lang].includes(n), `${n} is a ${lang} month`);
      // Labelled axes: round ticks from 0, a title under the months, the measure up the side.
      const ticks = await chart.locator('[data-testid="chart-tick"]').allTextContents();
      assert.equal(ticks[0], "0");
      const caption = await chart.locator("figcaption").innerText();
      assert.ok((await chart.locator("text.axis-title").allTextContents()).includes(caption));
      // The tallest bar is the largest value.
      const values = await chart.locator('[data-testid="chart-value"]').allTextContents();
      const heights = await chart.locator("rect.bar").evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("height"))));
      const top = values.map((v) => readNumber(v, lang)).reduce((a, b, i, all) => (b > all[a] ? i : a), 0);
      assert.equal(Math.max(...heights), heights[top]);
    }
    await page.locator('[data-testid="monthly"]').scrollIntoViewIfNeeded();
    if (lang === "vi") {
      await page.screenshot({ path: join(root, "docs", "progress.png"), fullPage: true });
    }
  }
});

/** The map's marks: { id, kind, status, fill } each. */
const marks = () =>
  page.locator('[data-testid="map-mark"]').evaluateAll((as) =>
    as.map((a) => ({
      id: a.dataset.id,
      href: a.getAttribute("href"),
      kind: a.dataset.kind,
      status: a.dataset.status,
      fill: a.querySelector(".mark").getAttribute("fill") ?? a.querySelector(".mark").getAttribute("stroke"),
    })));

test("the map draws located records as links, coloured by status, filtered by kind and period", async () => {
  const spotKind = catalog.kinds.find((k) => k.kind === "black_spot");
  const statusField = spotKind.fields.find((f) => f.path === "status");
  const steps = statusField.input.Choice.options;
  // Area heads have moved some dumps up the ladder since: staff approve that too.
  await approveWaiting();
  await page.goto(url + "/queue?lang=vi");
  await page.click('[data-testid="tab-map"]');
  await page.waitForSelector('[data-testid="records-map"]');
  // The commune's hamlets are drawn and named.
  const areaNames = await page.locator('[data-testid="records-map"] text.name').allTextContents();
  assert.ok(areaNames.includes("Ấp Mỹ Hòa") && areaNames.includes("Ấp Cầu Tre"), areaNames.join(", "));

  // Every approved black spot of the period is drawn, and only those (read again if a phone
  // moved one up its ladder in between: it waits for review again).
  let all = [], same = false, seen = null;
  for (let attempt = 0; attempt < 5 && !same; attempt++) {
    if (attempt > 0) await approveWaiting();
    await page.reload();
    all = await marks();
    const approvedSpots = (await records("black_spot")).filter((r) => r.review_status === "approved");
    const shown = all.filter((m) => m.kind === "black_spot").map((m) => m.id).sort();
    const [from, to] = [await page.inputValue("#mFrom"), await page.inputValue("#mTo")];
    const dated = (r) => r.data.reported_date >= from && r.data.reported_date <= to;
    const want = approvedSpots.filter(dated).map((r) => r.id).sort();
    seen = { shown, want };
    same = shown.length >= 1 && JSON.stringify(shown) === JSON.stringify(want);
  }
  assert.ok(same, `the approved black spots, each once: ${JSON.stringify(seen)}`);
  assert.ok(all.some((m) => m.kind === "cleanup"), "cleanups on the map");
  for (const m of all) assert.equal(m.href, `/records/${m.id}`);

  // The legend: each kind and each black-spot status, with the colour the marks have and how many.
  const legend = await page.locator('[data-testid="legend-item"]').evaluateAll((lis) =>
    lis.map((li) => ({
      kind: li.dataset.kind,
      status: li.dataset.status,
      label: li.querySelector("span").textContent,
      count: Number(li.querySelector('[data-testid="legend-count"]').textContent.replace(/\D/g, "")),
      fill: li.querySelector("svg *").getAttribute("fill"),
    })));
  assert.deepEqual(
    legend.filter((l) => l.kind === "black_spot" && l.status).map((l) => l.label),
    steps.map((s) => s.label.vi),
  );
  for (const l of legend.filter((l) => !l.status)) {
    assert.equal(l.label, catalog.kinds.find((k) => k.kind === l.kind).label.vi);
    assert.equal(l.count, all.filter((m) => m.kind === l.kind).length, `${l.kind} count`);
  }
  for (const m of all.filter((m) => m.kind === "black_spot")) {
    const key = legend.find((l) => l.kind === m.kind && l.status === m.status);
    assert.ok(key, `a legend line for ${m.status}`);
    assert.equal(m.fill, key.fill, "the mark has its status's colour");
  }
  const stepFills = new Set(legend.filter((l) => l.status).map((l) => l.fill));
  assert.equal(stepFills.size, steps.length, "each status its own colour");
  await page.screenshot({ path: join(root, "docs", "map.png"), fullPage: true });

  // By kind, with the page's own form.
  await page.selectOption("#mKind", "black_spot");
  await page.click("#mGo");
  await page.waitForURL((u) => u.searchParams.get("kind") === "black_spot");
  all = await marks();
  assert.ok(all.length >= 1 && all.every((m) => m.kind === "black_spot"));
  assert.deepEqual((await page.locator('[data-testid="legend-item"]').evaluateAll((l) => l.map((x) => x.dataset.kind)))
    .filter((k, i, a) => a.indexOf(k) === i), ["black_spot"]);

  // A click on a black spot (one no other mark covers) opens that black spot's record.
  const target = await page.locator('[data-testid="map-mark"]').evaluateAll((as) => {
    for (const a of as) {
      const b = a.querySelector(".mark").getBoundingClientRect();
      const [x, y] = [b.x + b.width / 2, b.y + b.height / 2];
      if (document.elementFromPoint(x, y)?.closest("a") === a) return { id: a.dataset.id, x, y };
    }
    return null;
  });
  assert.ok(target, "a black spot no other mark covers");
  await page.mouse.click(target.x, target.y);
  await page.waitForURL((u) => u.pathname === `/records/${target.id}`);
  await page.waitForSelector('[data-testid="values"] tr');
  assert.ok((await page.locator("body").innerText()).includes(spotKind.label.vi), "the black spot's page");

  // A period with nothing recorded: nothing drawn, and the page says so.
  await page.goto(`${url}/map?from=2021-01-01&to=2021-01-31`);
  assert.equal(await page.locator('[data-testid="map-mark"]').count(), 0);
  assert.match(await page.locator('[data-testid="no-marks"]').innerText(), /Không có hồ sơ/);
  assert.deepEqual(violations, []);
});

test("the map in English, its bad filters refused in words, and the Department picks a commune", async () => {
  await page.goto(`${url}/map?lang=en`);
  await page.waitForSelector('[data-testid="records-map"]');
  assert.equal(await page.locator('[data-testid="tab-map"]').innerText(), "Map");
  const kinds = await page.locator('[data-testid="legend-item"]:not(.step) span:first-of-type').allInnerTexts();
  for (const k of kinds) assert.ok(catalog.kinds.some((c) => c.label.en === k), `${k} is the catalogue's English`);
  const steps = await page.locator('[data-testid="legend-item"].step span:first-of-type').allInnerTexts();
  assert.ok(steps.includes("Reported") && steps.includes("Closed for good"), steps.join(", "));
  const titles = await page.locator('[data-testid="map-mark"] title').allTextContents();
  assert.ok(titles.length > 0 && titles.every((t) => catalog.kinds.some((k) => t.startsWith(k.label.en))), titles[0]);

  // Wrong parameters: a page saying why, in the page's language.
  for (const [query, en, vi] of [
    ["kind=household", /not drawn on the map/, /không vẽ trên bản đồ/],
    ["kind=nothing", /unknown record kind/, /loại hồ sơ không tồn tại/],
    ["from=2026-02-30", /invalid date/, /ngày không hợp lệ/],
    ["from=2026-05-01&to=2026-04-01", /starts after it ends/, /ngày bắt đầu sau ngày kết thúc/],
    ["commune=con-sen", /./, /./],
  ]) {
    const r = await page.goto(`${url}/map?${query}&lang=en`);
    assert.ok([400, 403].includes(r.status()), `${query}: ${r.status()}`);
    assert.match(await page.locator('[data-testid="message"]').innerText(), en);
    await page.goto(`${url}/map?${query}&lang=vi`);
    assert.match(await page.locator('[data-testid="message"]').innerText(), vi);
  }

  // The Department's viewer: a commune to pick, and that commune's hamlets drawn.
  const own = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "vi-VN" });
  const viewer = await own.newPage();
  await viewer.goto(url + "/?lang=vi");
  await viewer.fill('[data-testid="key"]', creds.viewer.token);
  await viewer.click('[data-testid="signin"]');
  await viewer.waitForSelector('[data-testid="tab-map"]');
  await viewer.click('[data-testid="tab-map"]');
  await viewer.waitForSelector("#mCommune");
  const options = await viewer.locator("#mCommune option").evaluateAll((os) => os.map((o) => o.value));
  assert.ok(options.includes("rach-sen") && options.includes("con-sen"), options.join(", "));
  const before = await viewer.locator('[data-testid="records-map"] text.name').allTextContents();
  await viewer.selectOption("#mCommune", options.find((o) => o !== (options[0])));
  await viewer.click("#mGo");
  await viewer.waitForURL((u) => u.searchParams.get("commune") === options[1]);
  const after = await viewer.locator('[data-testid="records-map"] text.name').allTextContents();
  assert.ok(after.length > 0 && after.every((n) => !before.includes(n)), `${before} → ${after}`);
  await own.close();
  assert.deepEqual(violations, []);
});
