//! `GET /api/v1/catalog`: the core's catalogue of labels as JSON, for anything that shows the
//! campaign's data (the pages fill their filters from the same catalogue).

use crate::error::ApiError;
use axum::Json;
use sachxanh_core::catalog::{catalog, Catalog};

/// Labels only, nobody's data, so it needs no sign-in.
pub async fn get() -> Result<Json<Catalog>, ApiError> {
    Ok(Json(catalog()))
}
