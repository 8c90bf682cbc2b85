//! `/openapi.json` describes exactly the routes the server has, and every described route
//! answers (no 404 from the router, no 405).

use sachxanh_tests::*;
use std::collections::BTreeSet;

#[test]
fn openapi_matches_the_routes() {
    let server = TestServer::start();
    let spec: serde_json::Value = reqwest::blocking::get(format!("{}/openapi.json", server.url))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(spec["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    let mut described = BTreeSet::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            described.insert((method.clone(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = sachxanh_server::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(described, routed, "openapi.json and the router disagree");
    let http = reqwest::blocking::Client::new();
    for (method, path) in &routed {
        let url = format!(
            "{}{}",
            server.url,
            path.replace("{id}", &uuid::Uuid::now_v7().to_string())
                .replace("{sha256}", &"0".repeat(64))
        );
        let req = match method.as_str() {
            "get" => http.get(&url),
            "post" => http.post(&url),
            "put" => http.put(&url),
            other => panic!("method {other}"),
        };
        let resp = req.bearer_auth(&server.staff_token).send().unwrap();
        let status = resp.status().as_u16();
        assert_ne!(status, 405, "{method} {path}");
        if status == 404 {
            // Our handlers' 404s carry a typed body; the router's own 404 does not.
            let body: serde_json::Value = resp.json().unwrap_or_default();
            assert_eq!(body["code"], "not_found", "{method} {path} is not routed");
        }
    }
}
