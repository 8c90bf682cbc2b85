//! The commune dashboard's API as staff use it: the queue, a record's page, decisions pinned to
//! the version seen, and the targets — checked against figures computed here, independently,
//! straight from the raw records, and against the XLSX and CSV reports.

use calamine::Reader;
use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_tests::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

fn cleanup(area: &str, date: Day) -> Cleanup {
    let c = if area == AREA_A {
        Coord::new(105.63, 10.0)
    } else {
        Coord::new(105.67, 10.02)
    };
    Cleanup {
        area_id: area.into(),
        cleanup_date: date,
        place: Place::point(c),
        work: Work {
            sweeping: true,
            ..Default::default()
        },
        participants: Participants {
            youth_union: 12,
            ..Default::default()
        },
        waste_kg: Some(120.0),
        bags: None,
        note: String::new(),
        photos: vec![],
    }
}

/// Target (b) and (a) computed here from the raw JSON records, without the core's report code.
fn independent(
    records: &[Value],
    weekends: &BTreeSet<String>,
) -> BTreeMap<String, (u64, u64, u64, u64, u64)> {
    let approved = |r: &&Value| r["review_status"] == "approved";
    let mut out: BTreeMap<String, (u64, u64, u64, u64, u64)> = BTreeMap::new();
    for area in [
        AREA_A,
        AREA_B,
        "rs-ap-ben-dinh",
        "rs-ap-vam-xang",
        "rs-ap-rach-sung",
    ] {
        let households: Vec<&Value> = records
            .iter()
            .filter(approved)
            .filter(|r| r["kind"] == "household" && r["area_id"] == area)
            .collect();
        let mut sorting = 0;
        for h in &households {
            let latest = records
                .iter()
                .filter(approved)
                .filter(|r| r["kind"] == "sorting_check" && r["data"]["household_id"] == h["id"])
                .max_by_key(|r| {
                    (
                        r["data"]["check_date"].as_str().unwrap().to_owned(),
                        r["created_at"].as_i64().unwrap(),
                    )
                });
            if let Some(c) = latest {
                let d = &c["data"];
                if d["recyclable_sorted"] == true
                    && d["food_sorted"] == true
                    && d["other_sorted"] == true
                {
                    sorting += 1;
                }
            }
        }
        let covered: BTreeSet<String> = records
            .iter()
            .filter(approved)
            .filter(|r| r["kind"] == "cleanup" && r["area_id"] == area)
            .map(|r| Day::parse(r["data"]["cleanup_date"].as_str().unwrap()).unwrap())
            .filter(|d| d.is_weekend())
            .map(|d| d.weekend_saturday().to_string())
            .filter(|w| weekends.contains(w))
            .collect();
        let covenant = records.iter().filter(approved).any(|r| {
            r["kind"] == "covenant"
                && r["area_id"] == area
                && r["data"]["status"] == "in_force"
                && !r["data"]["clauses"].as_array().unwrap().is_empty()
        });
        out.insert(
            area.into(),
            (
                covered.len() as u64,
                weekends.len() as u64,
                sorting,
                households.len() as u64,
                covenant as u64,
            ),
        );
    }
    out
}

#[test]
fn staff_review_in_the_dashboard_and_the_figures_agree_everywhere() {
    let server = TestServer::start();
    let mut a = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut b = server.phone(Role::Volunteer, &[AREA_B], &server.url);
    let mut ids_a = vec![];
    for i in 0..4 {
        let h = a.add_household(&format!("Hộ Mỹ Hòa {i}"));
        let mut c = a.add_check(&h);
        if i % 2 == 0 {
            c = a
                .store
                .update::<SortingCheck>(&c, |c| c.other_sorted = true)
                .unwrap()
                .id;
        }
        a.store.submit::<Household>(&h).unwrap();
        a.store.submit::<SortingCheck>(&c).unwrap();
        ids_a.push((h, c));
    }
    let cu = a
        .store
        .create(cleanup(AREA_A, Day::today().latest_saturday()))
        .unwrap();
    a.store.submit::<Cleanup>(&cu).unwrap();
    let cov = a
        .store
        .create(Covenant {
            area_id: AREA_A.into(),
            status: CovenantStatus::InForce,
            clauses: vec!["Không đổ rác xuống kênh".into()],
            drafting_started: Day::ymd(2026, 1, 5),
            consultation_date: Day::ymd(2026, 2, 5),
            approved_date: Day::ymd(2026, 3, 5),
            in_force_date: Day::ymd(2026, 4, 1),
            document_sha256: None,
            note: String::new(),
        })
        .unwrap();
    a.store.submit::<Covenant>(&cov).unwrap();
    let hb = b.add_household("Hộ Cầu Tre");
    b.store.submit::<Household>(&hb).unwrap();
    a.sync().unwrap();
    b.sync().unwrap();

    // The queue: everything submitted, filterable by area and kind.
    let queue = server.staff_get("/api/v1/review-queue")["lines"].clone();
    assert_eq!(queue.as_array().unwrap().len(), 4 * 2 + 2 + 1);
    let only_b = server.staff_get(&format!("/api/v1/review-queue?area={AREA_B}"))["lines"].clone();
    assert_eq!(only_b.as_array().unwrap().len(), 1);
    assert_eq!(only_b[0]["area_name"], "Ấp Cầu Tre");
    let cleanups = server.staff_get("/api/v1/review-queue?kind=cleanup")["lines"].clone();
    assert_eq!(cleanups[0]["id"], cu.as_str());
    // A record's page: values, place, history.
    let d = server.staff_get(&format!("/api/v1/records/{cu}/detail"));
    assert_eq!(d["record"]["data"]["participants"]["youth_union"], 12);
    assert_eq!(d["geometry"]["type"], "Point");
    assert_eq!(d["history"][0]["action"]["en"], "Created");
    // The history says what each change set: the first check was ticked "other" after creation.
    let c0 = server.staff_get(&format!("/api/v1/records/{}/detail", ids_a[0].1));
    let fields: Vec<&str> = c0["history"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["en"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"Other domestic waste sorted") && fields.contains(&"Household"),
        "{fields:?}"
    );
    assert!(d["conflicts"].as_array().unwrap().is_empty());

    // Decisions: approve most, return one household with a reason; a return without a reason
    // and a decision on a version nobody saw are refused.
    for (h, c) in &ids_a {
        assert_eq!(server.staff_decide(h, "approved", "").status(), 201);
        assert_eq!(server.staff_decide(c, "approved", "").status(), 201);
    }
    assert_eq!(server.staff_decide(&cu, "approved", "").status(), 201);
    assert_eq!(server.staff_decide(&cov, "approved", "").status(), 201);
    assert_eq!(server.staff_decide(&hb, "returned", "").status(), 400);
    let stale = http()
        .post(format!("{}/api/v1/records/{hb}/review", server.url))
        .bearer_auth(&server.staff_token)
        .json(&serde_json::json!({"decision": "approved", "heads": ["00".repeat(32)]}))
        .send()
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert_eq!(
        server
            .staff_decide(&hb, "returned", "Thiếu số nhà")
            .status(),
        201
    );
    assert!(server.staff_get("/api/v1/review-queue")["lines"]
        .as_array()
        .unwrap()
        .is_empty());
    // The volunteer's phone gets the return with its reason.
    b.sync().unwrap();
    assert_eq!(
        b.store.get::<Household>(&hb).unwrap().status,
        ReviewStatus::Returned
    );
    assert_eq!(
        b.store.review_reason(&hb).unwrap().as_deref(),
        Some("Thiếu số nhà")
    );
    // A volunteer cannot use the dashboard API.
    let r = http()
        .get(format!("{}/api/v1/review-queue", server.url))
        .bearer_auth(&b.enrolment.token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);

    // The figures, three ways: the API, an independent count from the raw records, the XLSX.
    // The yearly report covers the report period (1 December to 30 November) up to today.
    let period = sachxanh_core::report::period::Period::containing(Day::today());
    let year = chrono::Datelike::year(&period.to.0);
    let report = server.staff_get(&format!("/api/v1/targets?from={}", period.from));
    let weekends: BTreeSet<String> = report["weekends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect();
    let raw = server.staff_get("/api/v1/records?limit=500");
    let expected = independent(raw["records"].as_array().unwrap(), &weekends);
    let from_api: BTreeMap<String, (u64, u64, u64, u64, u64)> = report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let n = |f: &str, k: &str| u[f][k].as_u64().unwrap();
            (
                u["unit_id"].as_str().unwrap().to_owned(),
                (
                    n("weekend_cleanups", "numerator"),
                    n("weekend_cleanups", "denominator"),
                    n("household_sorting", "numerator"),
                    n("household_sorting", "denominator"),
                    n("covenant_adoption", "numerator"),
                ),
            )
        })
        .collect();
    assert_eq!(from_api, expected);
    assert_eq!(
        expected[AREA_A].2, 2,
        "two of four households sort all groups"
    );
    assert_eq!(expected[AREA_A].3, 4);
    assert_eq!(expected[AREA_B].3, 0, "a returned household does not count");
    assert_eq!(expected[AREA_A].4, 1);

    let xlsx = http()
        .get(format!(
            "{}/api/v1/reports/yearly.xlsx?year={year}",
            server.url
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().unwrap().to_vec();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets[0], "Tổng hợp");
    assert_eq!(
        sheets.len(),
        1 + sachxanh_core::report::Target::ALL.len(),
        "a sheet of records per target: {sheets:?}"
    );
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let cell = |r: u32, c: u32| {
        summary
            .get_value((r, c))
            .cloned()
            .unwrap_or(calamine::Data::Empty)
    };
    assert_eq!(cell(2, 1), calamine::Data::String("Đơn vị".into()));
    let mut seen_areas = 0;
    for r in 3..summary.height() as u32 {
        if cell(r, 0) != calamine::Data::String("Ấp/khu vực".into()) {
            continue;
        }
        let calamine::Data::String(name) = cell(r, 1) else {
            panic!("unit name")
        };
        let area = server
            .reference
            .areas_of(COMMUNE)
            .find(|a| a.name == name)
            .unwrap();
        let e = expected[&area.id];
        let num = |c: u32| match cell(r, c) {
            calamine::Data::Float(f) => f as u64,
            other => panic!("{other:?}"),
        };
        let col = |h: &str| {
            (0..summary.width() as u32)
                .find(|c| cell(2, *c) == calamine::Data::String(h.into()))
                .unwrap_or_else(|| panic!("no column {h}"))
        };
        assert_eq!(
            (
                num(col("Ra quân cuối tuần: đạt")),
                num(col("Ra quân cuối tuần: tổng số")),
                num(col("Hộ phân loại đủ 3 nhóm: đạt")),
                num(col("Hộ phân loại đủ 3 nhóm: tổng số")),
                num(col("Hương ước về môi trường có hiệu lực: đạt"))
            ),
            (e.0, e.1, e.2, e.3, e.4),
            "{name}"
        );
        seen_areas += 1;
    }
    assert_eq!(seen_areas, 5);
    let sorting = book.worksheet_range("Hộ phân loại đủ 3 nhóm").unwrap();
    assert_eq!(
        sorting.height(),
        1 + 2,
        "a heading and the two checks behind the figure"
    );
    let csv = http()
        .get(format!(
            "{}/api/v1/reports/yearly.csv?year={year}",
            server.url
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(csv
        .lines()
        .any(|l| l.starts_with("Ấp/khu vực,Ấp Mỹ Hòa,") && l.contains(",2,4,50,")));
    // Exports carry no names or homes by default: the cleanup only, titled without people.
    let geo = server.staff_get("/api/v1/exports/records.geojson");
    assert_eq!(geo["features"].as_array().unwrap().len(), 1, "the cleanup");
    assert!(!geo.to_string().contains("Hộ Mỹ Hòa") && !geo.to_string().contains("Hộ Cầu Tre"));
    let sheet_text = |book: &mut calamine::Xlsx<_>, name: &str| {
        let range = book.worksheet_range(name).unwrap();
        range
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("|")
    };
    let sorting = sheet_text(&mut book, "Hộ phân loại đủ 3 nhóm");
    assert!(
        sorting.contains("Ấp Mỹ Hòa") && !sorting.contains("Hộ Mỹ Hòa"),
        "{sorting}"
    );
    // Names only with a reason, which the server logs with who asked.
    let no_reason = http()
        .get(format!(
            "{}/api/v1/exports/records.geojson?personal=true",
            server.url
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(no_reason.status(), 400);
    let said: serde_json::Value = no_reason.json().unwrap();
    assert!(said["message"]["vi"].as_str().unwrap().contains("lý do"));
    let reason = "Rà soát danh sách hộ với trưởng ấp";
    let named = server.staff_get(&format!(
        "/api/v1/exports/records.geojson?personal=true&reason={}",
        reason.replace(' ', "%20")
    ));
    assert_eq!(
        named["features"].as_array().unwrap().len(),
        4 + 1 + 1,
        "the households of both hamlets and the cleanup"
    );
    assert!(named.to_string().contains("Hộ Mỹ Hòa 0"));
    let bytes = http()
        .get(format!(
            "{}/api/v1/reports/yearly.xlsx?year={year}&personal=true&reason={}",
            server.url,
            reason.replace(' ', "%20")
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap()
        .bytes()
        .unwrap()
        .to_vec();
    let mut named_book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(sheet_text(&mut named_book, "Hộ phân loại đủ 3 nhóm").contains("Hộ Mỹ Hòa"));
}

#[test]
fn the_dashboard_signs_in_with_a_key_and_guards_writes() {
    let server = TestServer::start();
    let page = http()
        .get(format!("{}/", server.url))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("Bảng điều khiển xã"));
    let bad = http()
        .post(format!("{}/api/v1/session", server.url))
        .json(&serde_json::json!({"key": "sai"}))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 401);
    let ok = http()
        .post(format!("{}/api/v1/session", server.url))
        .json(&serde_json::json!({"key": server.staff_token}))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let cookie = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let session = cookie.split(';').next().unwrap().to_owned();
    let q = http()
        .get(format!("{}/api/v1/review-queue", server.url))
        .header("cookie", &session)
        .send()
        .unwrap();
    assert_eq!(q.status(), 200);
    // A write through the cookie without the dashboard's header (a forged cross-site form) fails.
    let forged = http()
        .post(format!("{}/api/v1/records/x/review", server.url))
        .header("cookie", &session)
        .json(&serde_json::json!({"decision": "approved", "heads": []}))
        .send()
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[test]
fn the_review_queue_comes_a_page_at_a_time() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let total = sachxanh_server::dashboard::QUEUE_PAGE + 7;
    for i in 0..total {
        let id = phone.add_household(&format!("Hộ số {i}"));
        phone.store.submit::<Household>(&id).unwrap();
    }
    phone.sync().unwrap();
    let first = server.staff_get("/api/v1/review-queue");
    let lines = first["lines"].as_array().unwrap();
    assert_eq!(lines.len(), sachxanh_server::dashboard::QUEUE_PAGE);
    let next = first["next"].as_str().expect("a next page");
    let second = server.staff_get(&format!("/api/v1/review-queue?after={next}"));
    let rest = second["lines"].as_array().unwrap();
    assert_eq!(rest.len(), 7);
    assert!(second.get("next").is_none());
    // Every record once, in (day, id) order across both pages.
    let ids: Vec<&str> = lines
        .iter()
        .chain(rest)
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), total);
    assert!(lines
        .iter()
        .all(|l| !l["author"].as_str().unwrap().is_empty()));
}

/// The page's text with the engine's escapes undone, to look for labels in it.
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        match tail.find(';').and_then(|j| {
            let n: u32 = tail[..j].parse().ok()?;
            Some((char::from_u32(n)?, j))
        }) {
            Some((c, j)) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push_str("&#");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// What a person reads on a page: its text without the tags (and their attributes).
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The value of the first hidden input of that name.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("a hidden {name}"));
    let v = &page[at + name.len() + 15..];
    unescape(&v[..v.find('"').unwrap()])
}

#[test]
fn the_pages_review_without_script_in_both_languages() {
    use reqwest::header::{ACCEPT, COOKIE, LOCATION, SET_COOKIE};
    let server = TestServer::start();
    let mut a = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let h = a.add_household("Hộ Trần Văn Lâm");
    a.store.submit::<Household>(&h).unwrap();
    a.sync().unwrap();
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = |p: &str| format!("{}{p}", server.url);
    let html = |p: &str, cookie: &str| {
        let r = http
            .get(url(p))
            .header(ACCEPT, "text/html")
            .header(COOKIE, cookie)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = r.text().unwrap();
        assert!(!body.contains("<script"), "{p}: no script");
        assert!(csp.contains("script-src 'none'"), "{p}: {csp}");
        (status, body)
    };

    // Signing in by the form gives the cookie the JSON sign-in gives.
    let (status, page) = html("/", "");
    assert_eq!(status, 200);
    assert!(page.contains("Bảng điều khiển xã") && page.contains("name=\"key\""));
    let wrong = http
        .post(url("/sign-in"))
        .header(ACCEPT, "text/html")
        .form(&[("key", "sai")])
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let bad_key = sachxanh_core::error::ErrorCode::BadKey.label().vi;
    assert!(unescape(&wrong.text().unwrap()).contains(&bad_key));
    let signed_in = http
        .post(url("/sign-in"))
        .header(ACCEPT, "text/html")
        .form(&[("key", server.staff_token.as_str())])
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()[LOCATION], "/queue");
    let cookie = signed_in.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let json = http
        .post(url("/api/v1/session"))
        .json(&serde_json::json!({"key": server.staff_token}))
        .send()
        .unwrap();
    let json_cookie = json.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let attributes = |c: &str| c.split_once(';').unwrap().1.to_owned();
    assert_eq!(attributes(&cookie), attributes(&json_cookie));
    let session = cookie.split(';').next().unwrap().to_owned();

    // The queue: the filter offers the core's kinds and statuses, by their labels.
    let (status, queue) = html("/queue", &session);
    assert_eq!(status, 200);
    let queue = unescape(&queue);
    for k in RecordKind::ALL.iter().filter(|k| !k.is_staff_decision()) {
        assert!(
            queue.contains(&format!("value=\"{}\" data-catalog>{}<", k, k.label().vi)),
            "{k}"
        );
    }
    for s in ReviewStatus::ALL {
        assert!(queue.contains(&format!(">{}<", s.label().vi)), "{s}");
    }
    assert!(queue.contains("Trần Văn Lâm") && queue.contains(&format!("data-id=\"{h}\"")));

    // A record's page words its fields as the core does.
    let (status, record) = html(&format!("/records/{h}"), &session);
    assert_eq!(status, 200);
    let text = unescape(&record);
    let row = server.storage.record(&h).unwrap().unwrap();
    for f in sachxanh_core::form::readable(&sachxanh_core::form::state_of(&row.record), &|_| None) {
        assert!(
            text.contains(&format!("<th>{}</th>", f.label.vi)),
            "{}",
            f.path
        );
    }
    assert!(text.contains("Ấp Mỹ Hòa") && text.contains("<svg class=\"map\""));
    // Codes sit in attributes at most, never in what a person reads.
    let shown = visible(&text);
    for code in [
        AREA_A,
        "household",
        "awaiting_review",
        "head_name",
        "create",
    ] {
        assert!(!shown.contains(code), "{code} on the page");
    }
    let csrf = hidden(&record, "csrf");
    let heads = hidden(&record, "heads");
    let decide = |form: &[(&str, &str)], extra: Option<(&str, &str)>| {
        let mut r = http
            .post(url(&format!("/records/{h}/decide")))
            .header(ACCEPT, "text/html")
            .header(COOKIE, &session)
            .form(form);
        if let Some((k, v)) = extra {
            r = r.header(k, v);
        }
        r.send().unwrap()
    };
    // No token, a wrong one, or a post from another site: refused, nothing decided.
    let approve = [("heads", heads.as_str()), ("decision", "approved")];
    assert_eq!(decide(&approve, None).status(), 403);
    let wrong = [
        ("csrf", "0".repeat(64)),
        ("heads", heads.clone()),
        ("decision", "approved".into()),
    ];
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(decide(&wrong, None).status(), 403);
    let mut good: Vec<(&str, &str)> = vec![("csrf", csrf.as_str()), ("heads", heads.as_str())];
    good.push(("decision", "approved"));
    assert_eq!(
        decide(&good, Some(("sec-fetch-site", "cross-site"))).status(),
        403
    );
    // Another session's token is not this one's.
    let other = http
        .post(url("/api/v1/session"))
        .json(&serde_json::json!({"key": server.staff_token}))
        .send()
        .unwrap();
    let other_session = other.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (_, other_page) = html(&format!("/records/{h}"), &other_session);
    assert_ne!(hidden(&other_page, "csrf"), csrf);
    assert_eq!(
        server.storage.record(&h).unwrap().unwrap().review_status,
        ReviewStatus::AwaitingReview
    );
    // A return without a reason is refused, saying so.
    let give_back = [
        ("csrf", csrf.as_str()),
        ("heads", heads.as_str()),
        ("decision", "returned"),
        ("reason", ""),
    ];
    let refused = decide(&give_back, None);
    assert_eq!(refused.status(), 400);
    assert!(unescape(&refused.text().unwrap()).contains("Lý do"));
    // Approving goes back to the page, which says so, in English when asked.
    let done = decide(&good, None);
    assert_eq!(done.status(), 303);
    let to = done.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with(&format!("/records/{h}?")), "{to}");
    let english = http
        .get(url(&format!("{to}&lang=en")))
        .header(ACCEPT, "text/html")
        .header(COOKIE, &session)
        .send()
        .unwrap();
    assert!(english.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("sx_lang=en"));
    let english = unescape(&english.text().unwrap());
    assert!(
        english.contains("Decision saved") && english.contains(&ReviewStatus::Approved.label().en)
    );
    assert_eq!(
        server.storage.record(&h).unwrap().unwrap().review_status,
        ReviewStatus::Approved
    );
    // The language stays picked.
    let (_, targets) = html("/targets", &format!("{session}; sx_lang=en"));
    assert!(targets.contains("Households sorting all 3 groups"));
    let (_, reports) = html("/reports?year=2026", &session);
    assert!(reports.contains("/api/v1/reports/yearly.xlsx?year=2026"));

    // A program asking for a page gets the API's typed errors.
    let absent = http
        .get(url(&format!("/records/{}", uuid::Uuid::now_v7())))
        .header(COOKIE, &session)
        .send()
        .unwrap();
    assert_eq!(absent.status(), 404);
    assert_eq!(absent.json::<Value>().unwrap()["code"], "not_found");
    // Without a session, a page sends the browser to sign in.
    let out = http
        .get(url("/queue"))
        .header(ACCEPT, "text/html")
        .send()
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()[LOCATION], "/");

    // Erasing the household's personal data from its page: the reason is asked for, then the
    // page shows the erased record, still approved.
    let (_, page) = html(&format!("/records/{h}"), &session);
    assert!(page.contains("data-testid=\"erase\""));
    let erase = |reason: &str| {
        http.post(url(&format!("/records/{h}/erase")))
            .header(ACCEPT, "text/html")
            .header(COOKIE, &session)
            .form(&[("csrf", csrf.as_str()), ("erase_reason", reason)])
            .send()
            .unwrap()
    };
    let no_reason = erase("");
    assert_eq!(no_reason.status(), 400);
    assert!(unescape(&no_reason.text().unwrap()).contains("hãy ghi lý do"));
    let erased = erase("Yêu cầu của chủ hộ, phiếu ngày 29/11/2026");
    assert_eq!(erased.status(), 303);
    let to = erased.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, page) = html(&to, &session);
    let page = unescape(&page);
    assert!(page.contains(sachxanh_core::erasure::ERASED) && !page.contains("Trần Văn Lâm"));
    assert!(page.contains(&AuditAction::Erase.label().vi));
    assert_eq!(
        server.storage.record(&h).unwrap().unwrap().review_status,
        ReviewStatus::Approved
    );

    // Signing out by the form ends the session.
    let bye = http
        .post(url("/sign-out"))
        .header(ACCEPT, "text/html")
        .header(COOKIE, &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(bye.status(), 303);
    assert_eq!(html("/queue", &session).0, 303);
}

#[test]
fn the_catalogue_is_the_cores() {
    let server = TestServer::start();
    let catalog: Value = reqwest::blocking::get(format!("{}/api/v1/catalog", server.url))
        .unwrap()
        .json()
        .unwrap();
    let kinds = catalog["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), RecordKind::ALL.len());
    for (k, json) in RecordKind::ALL.iter().zip(kinds) {
        assert_eq!(json["kind"], k.as_str());
        assert_eq!(json["label"]["vi"], k.label().vi);
        assert_eq!(json["reviewed"], !k.is_staff_decision());
        let fields = json["fields"].as_array().unwrap();
        assert_eq!(fields.len(), k.fields().len());
        for (f, jf) in k.fields().iter().zip(fields) {
            assert_eq!(jf["path"], f.path);
            assert_eq!(jf["label"]["en"], f.label.en);
            assert_eq!(jf["required"], f.required);
        }
    }
    let codes = |key: &str| -> Vec<String> {
        catalog[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let of = |all: Vec<sachxanh_core::i18n::Choice>| -> Vec<String> {
        all.into_iter().map(|c| c.code).collect()
    };
    assert_eq!(codes("review_statuses"), of(ReviewStatus::choices()));
    assert_eq!(codes("lifecycles"), of(Lifecycle::choices()));
    assert_eq!(codes("roles"), of(Role::choices()));
    assert_eq!(codes("decisions"), of(Decision::choices()));
    assert_eq!(codes("audit_actions"), of(AuditAction::choices()));
}

#[test]
fn every_staff_read_of_a_household_is_on_record_and_shown() {
    let server = TestServer::start();
    let mut a = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let household = a.add_household("Hộ Lý Thị Riêng");
    let check = a.add_check(&household);
    let cleanup = a.store.create(cleanup(AREA_A, Day::today())).unwrap();
    a.sync().unwrap();
    assert!(server.storage.reads_of(&household).unwrap().is_empty());

    // Opening the household's page (or its detail through the API) is recorded with who.
    let page = |id: &str| {
        let r = http()
            .get(format!("{}/records/{id}", server.url))
            .header(reqwest::header::ACCEPT, "text/html")
            .bearer_auth(&server.staff_token)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        unescape(&r.text().unwrap())
    };
    page(&household);
    server.staff_get(&format!("/api/v1/records/{household}/detail"));
    let shown = page(&household);
    let reads = server.storage.reads_of(&household).unwrap();
    assert_eq!(reads.len(), 3);
    assert!(reads.iter().all(|(_, who)| who == "Cán bộ thử nghiệm"));
    assert!(shown.contains("Ai đã xem hồ sơ này"));
    assert_eq!(shown.matches("data-testid=\"read-row\"").count(), 3);
    // A check names the household: reading it is a read of personal data too.
    page(&check);
    assert_eq!(server.storage.reads_of(&check).unwrap().len(), 1);
    // A cleanup names nobody: not logged, no such section.
    let cleanup_page = page(&cleanup);
    assert!(server.storage.reads_of(&cleanup).unwrap().is_empty());
    assert!(!cleanup_page.contains("Ai đã xem hồ sơ này"));
    // Out of scope stays absent and logs nothing.
    let other = server.staff_key_in(OTHER_COMMUNE);
    let r = http()
        .get(format!("{}/api/v1/records/{household}/detail", server.url))
        .bearer_auth(&other)
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(server.storage.reads_of(&household).unwrap().len(), 3);
}
