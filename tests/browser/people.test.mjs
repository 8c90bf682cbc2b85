// Commune staff bring a person in from the browser and look after the phone: add the person,
// read the enrolment QR code off the screen (decoded from a screenshot, as a phone's camera
// would), enrol a phone with it through the core's real sync client (the `phone` example), see
// the phone in the list, print an A4 sheet of codes for two people, revoke the phone and see
// its next sync refused while its unsent record stays, enrol it again from the sheet and see
// the record arrive, and move the person to another hamlet, which the phone learns at its next
// sync. Loopback only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { startDemoServer, stopServer, launchChromium, target } from "./harness.mjs";

let server, url, creds, browser, page;
const phoneBin = join(target, "debug", "examples", "phone");
const phoneDir = mkdtempSync(join(tmpdir(), "sachxanh-phone-"));

/** The core's phone on the command line: one JSON answer per command. */
function phone(...args) {
  return JSON.parse(execFileSync(phoneBin, args, { encoding: "utf8" }));
}

/** What the QR image on screen says, read from a screenshot of it. */
async function readQr(locator) {
  const png = PNG.sync.read(await locator.screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, "the QR image decodes");
  return found.data;
}

/** The cards of an enrolment sheet: name, code as printed, and the code the QR carries. */
async function sheetCards() {
  const cards = page.locator('[data-testid="code-card"]');
  const out = [];
  for (let i = 0; i < (await cards.count()); i++) {
    const card = cards.nth(i);
    out.push({
      name: await card.locator(".name").innerText(),
      code: await card.locator('[data-testid="code-text"]').innerText(),
      qr: await readQr(card.locator('[data-testid="code-qr"] svg')),
    });
  }
  return out;
}

const personCard = (name) =>
  page.locator('[data-testid="person"]', { has: page.locator('[data-testid="person-title"]', { hasText: name }) });

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

test("staff add a person, a phone enrols from the QR code, is revoked, and enrols again", async () => {
  const name = "Lê Thị Thử Nghiệm";
  await page.goto(url + "/?lang=vi");
  await page.fill('[data-testid="key"]', creds.staff.token);
  await page.click('[data-testid="signin"]');
  await page.click('[data-testid="tab-people"]');
  await page.waitForURL((u) => u.pathname === "/people");

  // A name, a role, no area: refused in words, nothing added.
  await page.fill('[data-testid="person-name"]', name);
  await page.click('[data-testid="person-add"]');
  assert.match(await page.locator('[data-testid="message"]').innerText(), /ấp\/khu vực/);
  assert.equal(await personCard(name).count(), 0);

  // With a hamlet: the sheet shows one card whose QR image carries the printed code.
  await page.fill('[data-testid="person-name"]', name);
  const firstArea = await page.locator('[data-testid="person-area"]').first().getAttribute("value");
  await page.locator('[data-testid="person-area"]').first().check();
  await page.click('[data-testid="person-add"]');
  const [card] = await sheetCards();
  assert.equal(card.name, name);
  assert.match(card.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
  assert.equal(card.qr, `sachxanh://enrol?code=${card.code}`);
  // Printed, the sheet is the cards alone.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header").isVisible(), false, "no page header on paper");
  await page.emulateMedia({ media: "screen" });

  // The phone scans it and enrols, records a household and syncs.
  const enrolled = phone("enrol", url, card.qr, phoneDir);
  assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
  assert.deepEqual(enrolled.areas, [firstArea]);
  phone("record", phoneDir);
  assert.equal(phone("sync", url, phoneDir).pushed, 1);

  // The list shows the phone: synced, its version, one record sent, none waiting.
  await page.goto(url + "/people");
  const row = personCard(name).locator('[data-testid="phone"]');
  assert.equal(await row.count(), 1);
  assert.doesNotMatch(await row.locator('[data-testid="phone-last-sync"]').innerText(), /chưa/);
  assert.match(await row.locator('[data-testid="phone-version"]').innerText(), /^\d+\.\d+\.\d+/);
  assert.equal(await row.locator('[data-testid="phone-sent"]').innerText(), "1");
  assert.equal(await row.locator('[data-testid="phone-waiting"]').innerText(), "0");

  // A sheet for two people: two cards, two different codes, each QR carrying its own.
  const others = page.locator('[data-testid="person-select"]');
  assert.ok((await others.count()) >= 2);
  await personCard(name).locator('[data-testid="person-select"]').check();
  const someoneElse = page.locator('[data-testid="person"]').filter({ hasNot: page.locator(`text=${name}`) }).first();
  await someoneElse.locator('[data-testid="person-select"]').check();
  await page.click('[data-testid="print-sheet"]');
  const sheet = await sheetCards();
  assert.equal(sheet.length, 2);
  assert.notEqual(sheet[0].code, sheet[1].code);
  for (const c of sheet) assert.equal(c.qr, `sachxanh://enrol?code=${c.code}`);
  const fresh = sheet.find((c) => c.name === name);
  assert.ok(fresh, "the person's new code is on the sheet");

  // The phone is lost: revoked. It records one more household; its sync is refused with words
  // that say what to do, and the household stays on it.
  await page.goto(url + "/people");
  await personCard(name).locator('[data-testid="phone-revoke"]').click();
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Đã thu hồi/);
  assert.equal(await personCard(name).locator('[data-testid="phone-revoked"]').count(), 1);
  assert.equal(phone("record", phoneDir).waiting, 1);
  const refused = phone("sync", url, phoneDir);
  assert.equal(refused.ok, false);
  assert.match(refused.vi, /thu hồi/);
  assert.match(refused.en, /revoked/);
  assert.equal(refused.waiting, 1, "the unsent household stays on the phone");

  // Enrolled again with the code from the sheet: the household goes out.
  assert.equal(phone("enrol", url, fresh.qr, phoneDir).ok, true);
  const again = phone("sync", url, phoneDir);
  assert.deepEqual([again.ok, again.pushed, again.waiting], [true, 1, 0]);

  // Moved to another hamlet: the phone learns it at its next sync.
  await page.goto(url + "/people");
  const move = personCard(name).locator("details", { hasText: "Đổi địa bàn" }).first();
  await move.locator("summary").click();
  const boxes = move.locator('[data-testid="move-area"]');
  await boxes.first().uncheck();
  const secondArea = await boxes.nth(1).getAttribute("value");
  await boxes.nth(1).check();
  await move.locator('[data-testid="move-save"]').click();
  assert.match(await page.locator('[data-testid="message"]').innerText(), /Đã đổi địa bàn/);
  assert.deepEqual(phone("sync", url, phoneDir).areas, [secondArea]);

  // Everything done is on the person's audit trail, with who did it; the page reads in English.
  const trail = await personCard(name).locator(".trail li").allTextContents();
  assert.ok(trail.some((t) => /Thu hồi điện thoại/.test(t)), trail.join("\n"));
  await page.goto(url + "/people?lang=en");
  assert.equal(await page.locator('[data-testid="tab-people"]').innerText(), "People & phones");
  assert.equal(await personCard(name).locator('[data-testid="phone-revoked"]').count(), 1);
});
