// A deployment run from the browser after its first administrator: the demo's administrator
// signs in, sees both communes with their staff, makes a Department viewer whose key (shown
// once) opens the dashboard with the communes side by side, adds a new commune from its
// boundary file, and makes its first staff member, who signs in and imports the commune's
// hamlets. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDemoServer, stopServer, launchChromium, root } from "./harness.mjs";

let server, url, creds, browser;

before(async () => {
  ({ server, url, creds } = await startDemoServer());
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

async function signIn(key, lang = "vi") {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/?lang=${lang}`);
  await page.fill('[data-testid="key"]', key);
  await page.click('[data-testid="signin"]');
  return page;
}

const square = (x, y, d) => ({ type: "Polygon", coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
const file = (features) => ({
  name: "ranh_gioi.geojson",
  mimeType: "application/geo+json",
  buffer: Buffer.from(JSON.stringify({ type: "FeatureCollection", features })),
});

test("the demo's credentials say how to sign in as each person", () => {
  for (const who of ["staff", "other_staff", "viewer", "admin"]) {
    assert.ok(creds[who]?.token, `${who} has a key`);
    assert.ok(creds.sign_in.includes(`${who}.token`), `the file says what ${who} is for`);
  }
});

test("the administrator makes a viewer, a commune and its staff, who imports its hamlets", async () => {
  const admin = await signIn(creds.admin.token);
  await admin.waitForURL((u) => u.pathname === "/admin");
  assert.equal(await admin.locator('[data-testid="tab-queue"]').count(), 0, "an administrator sees no record");
  const communes = await admin.locator('[data-testid="commune"]').allInnerTexts();
  assert.ok(communes.some((c) => c.includes("Xã Rạch Sen") && c.includes(creds.staff.name)), communes.join("\n"));
  assert.ok(communes.some((c) => c.includes("Phường Cồn Sen") && c.includes(creds.other_staff.name)));

  // A Department viewer: the key is on the page once, and opens the communes side by side.
  await admin.fill('[data-testid="account-name"]', "Chuyên viên Sở Thử");
  await admin.selectOption('[data-testid="account-role"]', "province_viewer");
  await admin.click('[data-testid="account-add"]');
  const viewerKey = (await admin.locator('[data-testid="issued-key"]').innerText()).trim();
  const viewer = await signIn(viewerKey);
  await viewer.click('[data-testid="tab-targets"]');
  const ranked = await viewer.locator('[data-testid="target-row"].commune').count();
  assert.ok(ranked >= 2, "both communes side by side");
  await viewer.context().close();

  // A new commune from its boundary file; one drawn over Rạch Sen is refused first.
  await admin.fill('[data-testid="commune-name"]', "Xã Chồng Lấn");
  await admin.setInputFiles('[data-testid="commune-file"]', file([{ type: "Feature", properties: {}, geometry: square(105.63, 10.0, 0.02) }]));
  await admin.click('[data-testid="commune-add"]');
  assert.match(await admin.locator('[data-testid="message"]').innerText(), /chồng lên Xã Rạch Sen/);
  await admin.fill('[data-testid="commune-name"]', "Xã Sen Vàng");
  await admin.setInputFiles('[data-testid="commune-file"]', file([{ type: "Feature", properties: {}, geometry: square(105.4, 10.1, 0.04) }]));
  await admin.click('[data-testid="commune-add"]');
  assert.match(await admin.locator('[data-testid="message"]').innerText(), /xa-sen-vang/);

  // Its first staff member, who signs in and brings in the hamlets from QGIS.
  await admin.fill('[data-testid="account-name"]', "Cán bộ Sen Vàng");
  await admin.selectOption('[data-testid="account-role"]', "commune_staff");
  await admin.selectOption('[data-testid="account-commune"]', "xa-sen-vang");
  await admin.click('[data-testid="account-add"]');
  const staffKey = (await admin.locator('[data-testid="issued-key"]').innerText()).trim();
  const staff = await signIn(staffKey);
  await staff.click('[data-testid="tab-areas"]');
  assert.equal(await staff.locator('[data-testid="area"]').count(), 0, "a new commune has no hamlet yet");
  await staff.setInputFiles(
    '[data-testid="import-file"]',
    file([
      { type: "Feature", properties: { ten: "Ấp Một" }, geometry: square(105.4, 10.1, 0.02) },
      { type: "Feature", properties: { ten: "Ấp Hai" }, geometry: square(105.42, 10.1, 0.02) },
    ]),
  );
  await staff.click('[data-testid="import-save"]');
  assert.deepEqual(await staff.locator('[data-testid="area-name"]').allInnerTexts(), ["Ấp Hai", "Ấp Một"]);
  await staff.context().close();

  // The administrator's list now has the commune, its two hamlets and its staff; in English too.
  await admin.goto(url + "/admin?lang=en");
  const row = await admin.locator('[data-testid="commune"][data-id="xa-sen-vang"]').innerText();
  assert.match(row, /Xã Sen Vàng\s+Thành phố Cần Thơ\s+2\s+Cán bộ Sen Vàng/);
  assert.match(await admin.locator("h3").first().innerText(), /Communes and wards/);
  await admin.screenshot({ path: join(root, "docs", "admin.png"), fullPage: true });
  await admin.context().close();
});
