"use strict";
const T = {
  vi: {}, // filled from the page itself: Vietnamese is the default text
  en: {
    title:"sạch xanh — Commune dashboard", signout:"Sign out", signin:"Staff sign-in",
    signinHelp:"Paste your personal sign-in key (from the add-staff command or demo-credentials.json).",
    signinBtn:"Sign in", queue:"Review queue", targets:"Targets", reports:"Reports", area:"Area", all:"All",
    kind:"Kind", k_household:"Household", k_sorting_check:"Sorting check", k_cleanup:"Weekend cleanup", k_covenant:"Covenant",
    k_collection_point:"Collection point", k_black_spot:"Black spot, spontaneous dump", k_briefing:"Briefing",
    k_self_managed_model:"Self-managed model", t_cp:"Collection points meeting requirements",
    t_d:"Spontaneous dumps and black spots closed", t_br:"Briefings · people reached", t_m:"Self-managed models · members",
    from:"From", to:"To", state:"Status", s_pending:"Awaiting review", s_approved:"Approved", s_returned:"Returned",
    s_rejected:"Rejected", filter:"Filter", date:"Date", content:"Content", by:"Recorded by", empty:"No records.", more:"Show more",
    back:"← Back", values:"Values", conflicts:"Conflicting values", decide:"Decision",
    reasonHelp:"Reason (required to return or reject)", approve:"Approve", return:"Return for changes",
    reject:"Reject", place:"Place", photos:"Photos", history:"History", compute:"Compute",
    approvedOnly:"Only approved records count.", unit:"Unit", t_a:"Weekend cleanups", t_b:"Households sorting all 3 groups",
    t_c:"Areas with an environmental covenant in force", year:"Year", xlsx:"Download the yearly report (XLSX)",
    stage_before:"Before", stage_after:"After", notUploaded:"Photo not uploaded yet (the phone sends it at its next sync)",
    csv:"Download the yearly report (CSV)", geojson:"Download the map of records (GeoJSON)",
    deadline:"Due to the Department of Agriculture and Environment before 30 November.",
  },
};
const STATUS = { vi: { awaiting_review:"Chờ duyệt", changed_since_approval:"Đã sửa sau khi duyệt", approved:"Đã duyệt",
  returned:"Trả lại", rejected:"Không duyệt", draft:"Nháp" },
  en: { awaiting_review:"Awaiting review", changed_since_approval:"Changed since approval", approved:"Approved",
  returned:"Returned", rejected:"Rejected", draft:"Draft" } };
const KIND = { vi: { household:"Hộ gia đình", sorting_check:"Kiểm tra phân loại rác", cleanup:"Ra quân cuối tuần", covenant:"Hương ước", review:"Duyệt",
  collection_point:"Điểm tập kết", black_spot:"Điểm đen, bãi rác tự phát", briefing:"Phổ biến, quán triệt", self_managed_model:"Mô hình tự quản" },
  en: { household:"Household", sorting_check:"Sorting check", cleanup:"Weekend cleanup", covenant:"Covenant", review:"Review",
  collection_point:"Collection point", black_spot:"Black spot", briefing:"Briefing", self_managed_model:"Self-managed model" } };
const FIELD = { vi: { area_id:"Ấp / khu vực", address:"Địa chỉ", head_name:"Tên chủ hộ", members:"Số nhân khẩu", location:"Vị trí",
  note:"Ghi chú", household_id:"Hộ gia đình", check_date:"Ngày kiểm tra", recyclable_sorted:"Tách rác tái chế",
  food_sorted:"Tách rác thực phẩm", other_sorted:"Tách rác còn lại", hazardous_separated:"Để riêng rác nguy hại",
  served_by_collection:"Có thu gom", burning_seen:"Thấy đốt rác", dumping_seen:"Thấy đổ rác bừa bãi", checked_by:"Người kiểm tra",
  cleanup_date:"Ngày ra quân", place:"Địa điểm", work:"Nội dung công việc", participants:"Người tham gia",
  waste_kg:"Rác thu gom (kg)", bags:"Số bao", photos:"Ảnh", status:"Trạng thái", clauses:"Điều khoản về môi trường",
  drafting_started:"Bắt đầu soạn thảo", consultation_date:"Lấy ý kiến", approved_date:"Xã phê duyệt", in_force_date:"Có hiệu lực từ",
  document_sha256:"Văn bản đã ký", name:"Tên", inspection_date:"Ngày kiểm tra", sealed_floor:"Nền chống thấm", roofed:"Mái che",
  enclosed:"Tường rào", sorted_containers:"Thùng theo nhóm", collected_on_schedule:"Thu gom đúng lịch", spot_kind:"Loại điểm",
  description:"Mô tả", reported_date:"Ngày phản ánh", verified_date:"Ngày xác minh", cleaned_date:"Ngày thu dọn",
  closed_date:"Ngày xử lý dứt điểm", briefing_date:"Ngày phổ biến", topic:"Nội dung", audience:"Đối tượng",
  attendance:"Số người tham dự", start_date:"Ngày thành lập", activities:"Hoạt động" }, en: {} };
let lang = localStorage.getItem("lang") || "vi";
const viText = {};
document.querySelectorAll("[data-t]").forEach(e => viText[e.dataset.t] = e.textContent);
const t = k => (lang === "en" ? T.en[k] : viText[k]) || k;
function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach(e => e.textContent = t(e.dataset.t));
  document.getElementById("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt";
}
const $ = id => document.getElementById(id);
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
async function api(path, opts = {}) {
  const r = await fetch(path, { credentials: "same-origin", ...opts,
    headers: { "content-type": "application/json", "x-sachxanh": "1", ...(opts.headers || {}) } });
  if (!r.ok) {
    let body = {}; try { body = await r.json(); } catch (_) {}
    const m = body.message ? (lang === "en" ? body.message.en : body.message.vi) : ("HTTP " + r.status);
    const e = new Error(m); e.status = r.status; throw e;
  }
  return r.status === 204 ? null : r.json();
}
const msg = (el, text, ok) => { el.innerHTML = `<div class="msg ${ok ? "ok" : "err"}" data-testid="message">${esc(text)}</div>`; };
let areas = [], current = null;

async function start() {
  try {
    const geo = await api("/api/v1/areas.geojson");
    areas = geo.features;
    $("signin").classList.add("hidden"); $("app").classList.remove("hidden"); $("signout").classList.remove("hidden");
    const sel = $("fArea");
    sel.querySelectorAll("option:not(:first-child)").forEach(o => o.remove());
    areas.forEach(a => sel.insertAdjacentHTML("beforeend", `<option value="${esc(a.properties.id)}">${esc(a.properties.name)}</option>`));
    const y = new Date().getFullYear();
    $("year").value = y; $("tFrom").value = `${y}-01-01`; $("tTo").value = new Date().toISOString().slice(0, 10);
    updateLinks(); loadQueue();
  } catch (e) {
    $("signin").classList.remove("hidden"); $("app").classList.add("hidden");
  }
}
$("signinForm").onsubmit = async ev => {
  ev.preventDefault();
  try {
    const who = await api("/api/v1/session", { method: "POST", body: JSON.stringify({ key: $("key").value }) });
    $("who").textContent = who.name; $("key").value = ""; start();
  } catch (e) { msg($("signinMsg"), e.message, false); }
};
$("signout").onclick = async () => { await api("/api/v1/session/end", { method: "POST" }); location.reload(); };
$("lang").onclick = () => { lang = lang === "vi" ? "en" : "vi"; localStorage.setItem("lang", lang); applyLang(); if (!$("app").classList.contains("hidden")) { loadQueue(); if (current) openRecord(current.record.id); } };
document.querySelectorAll("nav button").forEach(b => b.onclick = () => show(b.dataset.tab));
function show(tab) {
  ["queue", "record", "targets", "reports"].forEach(s => $(s).classList.toggle("hidden", s !== tab));
  document.querySelectorAll("nav button").forEach(b => b.classList.toggle("on", b.dataset.tab === tab));
  if (tab === "targets") loadTargets();
}
$("fGo").onclick = () => loadQueue(false);
let queueNext = null;
const queueRow = r => `<tr class="click" data-id="${esc(r.id)}" data-testid="queue-row"><td>${esc(r.date)}</td><td>${esc(r.area_name)}</td><td>${esc(r.kind_label[lang])}</td><td>${esc(r.title[lang])}</td><td>${esc(r.author)}</td><td><span class="badge ${esc(r.status)}">${esc(r.status_label[lang])}</span></td></tr>`;
// The queue comes a page at a time; "more" appends the next page.
async function loadQueue(more) {
  const q = new URLSearchParams({ area: $("fArea").value, kind: $("fKind").value, from: $("fFrom").value, to: $("fTo").value, status: $("fStatus").value });
  if (more && queueNext) q.set("after", queueNext);
  const page = await api("/api/v1/review-queue?" + q);
  const html = page.lines.map(queueRow).join("");
  if (more) $("qBody").insertAdjacentHTML("beforeend", html); else $("qBody").innerHTML = html;
  queueNext = page.next || null;
  $("qMore").classList.toggle("hidden", !queueNext);
  $("qEmpty").classList.toggle("hidden", $("qBody").children.length > 0);
  $("qBody").querySelectorAll("tr").forEach(tr => tr.onclick = () => openRecord(tr.dataset.id));
}
$("qMore").onclick = () => loadQueue(true);
$("back").onclick = () => { current = null; show("queue"); loadQueue(); };
async function openRecord(id) {
  const d = await api(`/api/v1/records/${encodeURIComponent(id)}/detail`);
  current = d;
  show("record");
  $("rMsg").innerHTML = "";
  $("rTitle").textContent = d.title[lang];
  $("rMeta").innerHTML = `${esc(d.kind_label[lang])} · ${esc(d.area_name)} · ${esc(d.author)} · <span class="badge ${esc(d.record.review_status)}" data-testid="status">${esc(d.status_label[lang])}</span>`;
  $("rValues").innerHTML = d.fields.map(f => `<tr><th>${esc(f.label[lang])}</th><td>${esc(f.value[lang])}</td></tr>`).join("");
  $("rConflictsCard").classList.toggle("hidden", d.conflicts.length === 0);
  $("rConflicts").innerHTML = d.conflicts.map(c => `<tr><th>${esc(c.field)}</th><td>${c.values.map(esc).join(" | ")}</td></tr>`).join("");
  $("rPhotos").innerHTML = d.photos.length ? d.photos.map(p => `<li><span>${esc(p.label[lang])}</span><br><a href="/api/v1/photos/${esc(p.sha256)}" target="_blank"><img class="photo" data-testid="photo" alt="${esc(p.sha256.slice(0, 12))}" src="/api/v1/photos/${esc(p.sha256)}" loading="lazy"></a></li>`).join("") : `<li class="muted">—</li>`;
  // A photo not uploaded yet says so (no inline handlers: the page's CSP forbids them).
  $("rPhotos").querySelectorAll("img.photo").forEach(img => img.addEventListener("error", () => img.replaceWith(Object.assign(document.createElement("span"), { className: "muted", textContent: t("notUploaded") }))));
  $("rHistory").innerHTML = d.history.map(h => `<tr><td>${esc(new Date(h.at).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB"))}</td><td>${esc(h.person_name)}</td><td>${esc(h.action[lang])}</td><td data-testid="history-fields">${esc(h.fields.map(f => f[lang]).join(", "))}</td></tr>`).join("")
    + d.reviews.map(r => `<tr><td>${esc(r.date)}</td><td>${esc(r.author)}</td><td>${esc(r.kind_label[lang])}</td><td>${esc(r.title[lang])}</td></tr>`).join("");
  drawMap(d.geometry, d.record.area_id);
}
function drawMap(geometry, areaId) {
  const svg = $("rMap");
  const rings = areas.flatMap(a => (a.geometry.type === "Polygon" ? [a.geometry.coordinates] : a.geometry.coordinates).map(p => ({ a, ring: p[0] })));
  const pts = rings.flatMap(r => r.ring);
  if (!pts.length) { svg.innerHTML = ""; return; }
  const xs = pts.map(p => p[0]), ys = pts.map(p => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const s = Math.min(580 / (x1 - x0 || 1), 280 / (y1 - y0 || 1));
  const P = ([x, y]) => `${(10 + (x - x0) * s).toFixed(1)},${(290 - (y - y0) * s).toFixed(1)}`;
  let out = rings.map(({ a, ring }) => `<path class="area${a.properties.id === areaId ? " here" : ""}" d="M${ring.map(P).join("L")}Z"><title>${esc(a.properties.name)}</title></path>`).join("");
  out += areas.map(a => { const r = (a.geometry.type === "Polygon" ? a.geometry.coordinates : a.geometry.coordinates[0])[0];
    const c = [r.reduce((s, p) => s + p[0], 0) / r.length, r.reduce((s, p) => s + p[1], 0) / r.length];
    const [cx, cy] = P(c).split(","); return `<text x="${cx}" y="${cy}" text-anchor="middle">${esc(a.properties.name)}</text>`; }).join("");
  if (geometry) {
    if (geometry.type === "Point") { const [cx, cy] = P(geometry.coordinates).split(","); out += `<circle class="rec" cx="${cx}" cy="${cy}" r="6" data-testid="map-point"/>`; }
    if (geometry.type === "LineString") out += `<polyline class="rec" fill="none" points="${geometry.coordinates.map(P).join(" ")}" data-testid="map-line"/>`;
    if (geometry.type === "Polygon") out += `<path class="rec" d="M${geometry.coordinates[0].map(P).join("L")}Z"/>`;
  }
  svg.innerHTML = out;
}
async function decide(decision) {
  try {
    await api(`/api/v1/records/${encodeURIComponent(current.record.id)}/review`, { method: "POST",
      body: JSON.stringify({ decision, reason: $("reason").value, heads: current.record.heads }) });
    $("reason").value = "";
    await openRecord(current.record.id);
    msg($("rMsg"), lang === "vi" ? "Đã lưu quyết định." : "Decision saved.", true);
  } catch (e) { msg($("rMsg"), e.message, false); }
}
$("approve").onclick = () => decide("approved");
$("return").onclick = () => decide("returned");
$("reject").onclick = () => decide("rejected");
$("tGo").onclick = () => loadTargets();
function fig(f, key) {
  const p = f.denominator ? (100 * f.numerator / f.denominator).toFixed(1) + "%" : "—";
  return `<td class="fig"><a href="#" data-key="${key}">${f.numerator} / ${f.denominator}</a> · ${p}</td>`;
}
function tally(c, key) {
  return `<td class="fig"><a href="#" data-key="${key}">${c.count}</a> · ${c.people}</td>`;
}
let report = null;
async function loadTargets() {
  const q = new URLSearchParams({ from: $("tFrom").value, to: $("tTo").value });
  report = await api("/api/v1/targets?" + q);
  const rows = [...report.areas.map((u, i) => ["a", i, u]), ...report.communes.map((u, i) => ["c", i, u])];
  $("tBody").innerHTML = rows.map(([lvl, i, u]) => `<tr data-testid="target-row" data-unit="${esc(u.unit_id)}"><td>${lvl === "c" ? "<b>" + esc(u.unit_name) + "</b>" : esc(u.unit_name)}</td>${fig(u.weekend_cleanups, `${lvl}:${i}:weekend_cleanups`)}${fig(u.household_sorting, `${lvl}:${i}:household_sorting`)}${fig(u.covenant_adoption, `${lvl}:${i}:covenant_adoption`)}${fig(u.collection_points, `${lvl}:${i}:collection_points`)}${fig(u.dumps_closed, `${lvl}:${i}:dumps_closed`)}${tally(u.briefings, `${lvl}:${i}:briefings`)}${tally(u.self_managed_models, `${lvl}:${i}:self_managed_models`)}</tr>`).join("");
  $("tBody").querySelectorAll("a").forEach(a => a.onclick = ev => { ev.preventDefault(); drill(a.dataset.key); });
  $("drill").classList.add("hidden");
}
function drill(key) {
  const [lvl, i, f] = key.split(":");
  const u = (lvl === "a" ? report.areas : report.communes)[+i];
  $("drillTitle").textContent = `${u.unit_name}: ${t({ weekend_cleanups: "t_a", household_sorting: "t_b", covenant_adoption: "t_c", collection_points: "t_cp", dumps_closed: "t_d", briefings: "t_br", self_managed_models: "t_m" }[f])}`;
  $("drillList").innerHTML = u[f].records.map(id => `<li><a href="#" data-id="${esc(id)}">${esc(id)}</a></li>`).join("") || "<li>—</li>";
  $("drillList").querySelectorAll("a").forEach(a => a.onclick = ev => { ev.preventDefault(); openRecord(a.dataset.id); });
  $("drill").classList.remove("hidden");
}
function updateLinks() {
  const y = $("year").value;
  $("dlXlsx").href = `/api/v1/reports/yearly.xlsx?year=${encodeURIComponent(y)}`;
  $("dlCsv").href = `/api/v1/reports/yearly.csv?year=${encodeURIComponent(y)}`;
  $("dlGeo").href = `/api/v1/exports/records.geojson`;
}
$("year").oninput = updateLinks;
applyLang();
start();
