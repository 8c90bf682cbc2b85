//! A household's requests under the personal data law: staff give it everything held about it
//! (its record and every record about it, with history, who read them and photos) as JSON and as
//! a readable page, and restrict its record while a request is handled — kept, but out of lists,
//! exports and figures — with the reason in the audit trail.

use sachxanh_core::model::*;
use sachxanh_tests::*;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

fn restrict(server: &TestServer, id: &str, on: bool, reason: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{}/api/v1/records/{id}/restrict", server.url))
        .bearer_auth(&server.staff_token)
        .json(&serde_json::json!({ "restricted": on, "reason": reason }))
        .send()
        .unwrap()
}

#[test]
fn a_household_gets_everything_held_about_it_and_can_be_restricted() {
    let server = TestServer::start();
    let mut a = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let household = a.add_household("Hộ Đoàn Văn Hỏi");
    let check = a.add_check(&household);
    let other = a.add_household("Hộ Bên Cạnh");
    a.store.submit::<Household>(&household).unwrap();
    a.sync().unwrap();

    // Everything about it, in words, with history and reads: the household and its check, not
    // its neighbour.
    let bundle = server.staff_get(&format!("/api/v1/records/{household}/access-request"));
    let records = bundle["records"].as_array().unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![household.as_str(), check.as_str()]);
    assert!(!bundle.to_string().contains(&other));
    let fields = records[0]["fields"].to_string();
    assert!(fields.contains("Hộ Đoàn Văn Hỏi") && fields.contains("Họ tên chủ hộ"));
    let history = records[0]["history"].to_string();
    assert!(history.contains("Tạo mới"), "{history}");
    assert_eq!(
        records[0]["reads"].as_array().unwrap().len(),
        1,
        "making the access request is itself a read, on record"
    );
    // The same, readable.
    let page = client()
        .get(format!("{}/records/{household}/access-request", server.url))
        .header(reqwest::header::ACCEPT, "text/html")
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().unwrap();
    assert!(page.contains("Dữ liệu đang lưu về hộ gia đình này"));
    assert_eq!(page.matches("data-testid=\"access-record\"").count(), 2);
    // Only from a household's record, only for staff.
    let from_check = client()
        .get(format!(
            "{}/api/v1/records/{check}/access-request",
            server.url
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(from_check.status(), 400);
    let by_phone = client()
        .get(format!(
            "{}/api/v1/records/{household}/access-request",
            server.url
        ))
        .bearer_auth(&a.enrolment.token)
        .send()
        .unwrap();
    assert_eq!(by_phone.status(), 403);

    // Restricted while the request is handled: kept, but out of the queue, the records list
    // and the exports; back once lifted. The reason is asked for and kept.
    assert_eq!(restrict(&server, &household, true, "ngắn").status(), 400);
    assert_eq!(
        restrict(
            &server,
            &household,
            true,
            "Chủ hộ phản đối xử lý, đơn ngày 29/11/2026"
        )
        .status(),
        200
    );
    assert!(server.storage.record(&household).unwrap().is_some(), "kept");
    let queue = server.staff_get("/api/v1/review-queue");
    assert!(!queue.to_string().contains(&household));
    let listed = |server: &TestServer| -> Vec<String> {
        let list = server.staff_get("/api/v1/records");
        let items = list
            .as_array()
            .or_else(|| list["records"].as_array())
            .cloned()
            .unwrap_or_default();
        items
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let ids = listed(&server);
    assert!(!ids.contains(&household) && ids.contains(&other), "{ids:?}");
    let geo = server.staff_get(&format!(
        "/api/v1/exports/records.geojson?personal=true&reason={}",
        "Kiểm tra hạn chế xử lý".replace(' ', "%20")
    ));
    let features: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!features.contains(&household.as_str()) && features.contains(&other.as_str()));
    let bundle = server.staff_get(&format!("/api/v1/records/{household}/access-request"));
    assert_eq!(bundle["restricted"], true);
    let audit = server.storage.audit_of(&household).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, AuditAction::Restrict);
    assert_eq!(last.person_name, "Cán bộ thử nghiệm");

    assert_eq!(
        restrict(
            &server,
            &household,
            false,
            "Đã giải quyết xong đơn ngày 29/11/2026"
        )
        .status(),
        200
    );
    assert!(listed(&server).contains(&household));
    assert_eq!(
        server
            .storage
            .audit_of(&household)
            .unwrap()
            .last()
            .unwrap()
            .action,
        AuditAction::Unrestrict
    );
    // Only records about a household are restricted this way.
    let cleanup = a
        .store
        .create(cleanup_in(AREA_A, Day::today(), vec![]))
        .unwrap();
    a.sync().unwrap();
    assert_eq!(
        restrict(&server, &cleanup, true, "Không phải hồ sơ hộ gia đình").status(),
        400
    );
}
