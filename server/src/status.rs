//! The page at `/`: what has arrived, for a newcomer watching the demo. (The commune dashboard
//! with review and figures replaces it.)

use crate::error::ApiError;
use crate::storage::RecordFilter;
use crate::AppState;
use axum::extract::State;
use axum::response::Html;
use std::sync::Arc;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn page(State(st): State<Arc<AppState>>) -> Result<Html<String>, ApiError> {
    let storage = st.storage.clone();
    let (counts, rows) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let counts = storage.counts()?;
        let rows = storage.records(&RecordFilter {
            limit: 10_000,
            ..Default::default()
        })?;
        Ok((counts, rows))
    })
    .await??;
    let mut by_area: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for r in &rows {
        let area = r
            .area_id
            .as_deref()
            .and_then(|a| st.reference.area(a))
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "—".into());
        *by_area.entry((area, r.kind.clone())).or_default() += 1;
    }
    let mut table = String::new();
    for ((area, kind), n) in &by_area {
        table.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{n}</td></tr>",
            esc(area),
            esc(kind)
        ));
    }
    Ok(Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5"><title>sạch xanh — máy chủ đồng bộ</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}td,th{{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body><h1>sạch xanh — máy chủ đồng bộ / sync server</h1>
<p>{} hồ sơ / records · {} thay đổi trong nhật ký / log entries · {} thiết bị / devices</p>
<table><tr><th>Ấp / area</th><th>Loại / kind</th><th>Số / count</th></tr>{table}</table>
<p><a href="/openapi.json">/openapi.json</a> · <a href="/healthz">/healthz</a></p>
</body></html>"#,
        counts.0, counts.1, counts.2
    )))
}
