//! Reference data: the communes and their residential areas (ấp, khu vực, tổ dân phố) with
//! boundary polygons, read from and written to GeoJSON. Records name an area by id; validation
//! uses the boundaries to catch a place recorded outside the commune.
//!
//! Areas are dated: staff add, rename, merge, split and retire them ([`history`]) and import
//! boundaries ([`import`]), and a figure for a past period uses the areas as they were on its
//! last day, so a merger in 2027 leaves 2026's figures as they were sent.

pub mod history;
pub mod import;

use crate::error::{Error, Result};
use crate::model::Day;
use crate::place::Place;
use geo::Intersects;
use geo_types::{Geometry, MultiPolygon, Point};
use serde::Serialize;
use std::collections::BTreeMap;

/// A commune or ward (xã / phường).
#[derive(Debug, Clone, Serialize)]
pub struct Commune {
    pub id: String,
    pub name: String,
    pub province: String,
    #[serde(skip)]
    pub boundary: MultiPolygon<f64>,
}

/// A residential area (ấp / khu vực / tổ dân phố): the unit whose head records.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub id: String,
    pub name: String,
    pub commune_id: String,
    /// Empty until staff import one: such an area is never proposed from GPS.
    #[serde(skip)]
    pub boundary: MultiPolygon<f64>,
    /// Its first day; `None`: it existed before the app.
    pub from: Option<Day>,
    /// The first day it no longer exists (merged or retired); `None`: in force.
    pub until: Option<Day>,
    /// The area that took it over when it was merged: its records count there from `until`.
    pub merged_into: Option<String>,
    /// Names it had before, oldest first, each with the first day of the next name.
    pub former_names: Vec<FormerName>,
}

/// A name an area had until a rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FormerName {
    pub name: String,
    /// The first day of the name that replaced it.
    pub until: Day,
}

impl Area {
    /// Whether the area exists on `day`.
    pub fn exists_on(&self, day: Day) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }

    /// Whether the area exists now (neither merged nor retired).
    pub fn in_force(&self) -> bool {
        self.until.is_none()
    }

    /// Its name on `day`: a report for a past period names hamlets as they were named then.
    pub fn name_on(&self, day: Day) -> &str {
        self.former_names
            .iter()
            .find(|n| day < n.until)
            .map_or(self.name.as_str(), |n| n.name.as_str())
    }

    /// The outer ring of the area's largest polygon, for drawing it on a phone's map.
    pub fn outline(&self) -> Vec<crate::place::Coord> {
        use geo::Area as _;
        self.boundary
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .map(|p| {
                p.exterior()
                    .coords()
                    .map(|c| crate::place::Coord::new(c.x, c.y))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Communes and areas known to a device or the server.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    communes: BTreeMap<String, Commune>,
    areas: BTreeMap<String, Area>,
}

/// The invented demo commune shipped with the product (Xã Rạch Sen, Cần Thơ; five hamlets).
pub const DEMO_GEOJSON: &str = include_str!("../../data/demo-commune.geojson");

/// Why a polygon cannot be read, before the geojson crate converts it (it indexes positions
/// without checking and panics on a point of one number, a fuzzer found).
fn unreadable_geometry(value: &geojson::GeometryValue) -> Option<&'static str> {
    let ring_ok = |ring: &Vec<geojson::Position>| {
        ring.len() >= 4
            && ring
                .iter()
                .all(|p| p.len() >= 2 && p.as_slice().iter().all(|n| n.is_finite()))
    };
    let polygon_ok = |rings: &geojson::PolygonType| !rings.is_empty() && rings.iter().all(ring_ok);
    let ok = match value {
        geojson::GeometryValue::Polygon { coordinates } => polygon_ok(coordinates),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            !coordinates.is_empty() && coordinates.iter().all(polygon_ok)
        }
        _ => return Some("boundary must be a polygon"),
    };
    (!ok).then_some("a boundary ring needs at least four points of two numbers each")
}

fn to_multipolygon(g: Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

/// A feature's polygon or multipolygon, checked before conversion.
fn read_boundary(i: usize, geometry: geojson::Geometry) -> Result<MultiPolygon<f64>> {
    if let Some(problem) = unreadable_geometry(&geometry.value) {
        return Err(Error::Reference(format!("feature {i}: {problem}")));
    }
    let geometry: Geometry<f64> = geometry
        .try_into()
        .map_err(|e: geojson::Error| Error::Reference(format!("feature {i}: {e}")))?;
    to_multipolygon(geometry)
        .ok_or_else(|| Error::Reference(format!("feature {i}: boundary must be a polygon")))
}

impl Reference {
    pub fn demo() -> Self {
        // The file is part of the binary and covered by tests; failing here is a build defect.
        Self::from_geojson(DEMO_GEOJSON).expect("the shipped demo commune is valid GeoJSON")
    }

    /// Reads a FeatureCollection whose features carry `level` = `commune` or `area`, an `id`, a
    /// `name`, and (for areas) a `commune_id`; geometries are Polygon or MultiPolygon.
    pub fn from_geojson(text: &str) -> Result<Self> {
        let fc: geojson::FeatureCollection = text
            .parse()
            .map_err(|e: geojson::Error| Error::Reference(e.to_string()))?;
        let mut r = Reference::default();
        for (i, f) in fc.features.into_iter().enumerate() {
            let prop = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .map(crate::text::normalize)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| Error::Reference(format!("feature {i}: missing property `{k}`")))
            };
            let level = prop("level")?;
            let id = prop("id")?;
            let name = prop("name")?;
            let day = |k: &str| match f.property(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => serde_json::from_value::<Day>(v.clone())
                    .map(Some)
                    .map_err(|_| Error::Reference(format!("feature {i}: `{k}` is not a date"))),
            };
            let boundary = match f.geometry.clone() {
                // An area may have no boundary yet; a commune always has one.
                None if level == "area" => MultiPolygon(vec![]),
                None => return Err(Error::Reference(format!("feature {i}: no geometry"))),
                Some(geometry) => read_boundary(i, geometry)?,
            };
            match level.as_str() {
                "commune" => {
                    let province = prop("province").unwrap_or_default();
                    r.communes.insert(
                        id.clone(),
                        Commune {
                            id,
                            name,
                            province,
                            boundary,
                        },
                    );
                }
                "area" => {
                    let commune_id = prop("commune_id")?;
                    let former_names = match f.property("former_names") {
                        None | Some(serde_json::Value::Null) => vec![],
                        Some(v) => {
                            serde_json::from_value::<Vec<FormerName>>(v.clone()).map_err(|_| {
                                Error::Reference(format!("feature {i}: bad `former_names`"))
                            })?
                        }
                    };
                    let area = Area {
                        id: id.clone(),
                        name,
                        commune_id,
                        boundary,
                        from: day("valid_from")?,
                        until: day("valid_until")?,
                        merged_into: prop("merged_into").ok(),
                        former_names,
                    };
                    if area.from.zip(area.until).is_some_and(|(f, u)| u <= f) {
                        return Err(Error::Reference(format!(
                            "feature {i}: `valid_until` is not after `valid_from`"
                        )));
                    }
                    r.areas.insert(id, area);
                }
                other => {
                    return Err(Error::Reference(format!(
                        "feature {i}: unknown level `{other}`"
                    )))
                }
            }
        }
        if let Some(a) = r
            .areas
            .values()
            .find(|a| !r.communes.contains_key(&a.commune_id))
        {
            return Err(Error::Reference(format!(
                "area {} names unknown commune {}",
                a.id, a.commune_id
            )));
        }
        // A merger names an area of the same commune that outlived it, so following mergers
        // always ends (no cycle) and stays in the commune.
        for a in r.areas.values() {
            if let Some(into) = &a.merged_into {
                let ok = a.until.is_some()
                    && r.areas.get(into).is_some_and(|b| {
                        b.commune_id == a.commune_id && b.until.is_none_or(|u| Some(u) > a.until)
                    });
                if !ok {
                    return Err(Error::Reference(format!(
                        "area {} is merged into {into}, which did not outlive it",
                        a.id
                    )));
                }
            }
        }
        Ok(r)
    }

    /// The reference as GeoJSON (all communes, or one with its areas): what the server keeps
    /// and what a phone receives at sync. [`Reference::from_geojson`] reads it back whole.
    pub fn to_geojson(&self, commune: Option<&str>) -> String {
        use serde_json::{json, Map, Value};
        let geometry = |m: &MultiPolygon<f64>| -> Value {
            if m.0.is_empty() {
                Value::Null
            } else {
                serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(m)))
                    .unwrap_or(Value::Null)
            }
        };
        let mut features = vec![];
        for c in self
            .communes
            .values()
            .filter(|c| commune.is_none_or(|id| id == c.id))
        {
            features.push(json!({
                "type": "Feature",
                "properties": {"level": "commune", "id": c.id, "name": c.name, "province": c.province},
                "geometry": geometry(&c.boundary),
            }));
            for a in self.areas.values().filter(|a| a.commune_id == c.id) {
                let mut p = Map::new();
                p.insert("level".into(), json!("area"));
                p.insert("id".into(), json!(a.id));
                p.insert("name".into(), json!(a.name));
                p.insert("commune_id".into(), json!(a.commune_id));
                if let Some(d) = a.from {
                    p.insert("valid_from".into(), json!(d));
                }
                if let Some(d) = a.until {
                    p.insert("valid_until".into(), json!(d));
                }
                if let Some(m) = &a.merged_into {
                    p.insert("merged_into".into(), json!(m));
                }
                if !a.former_names.is_empty() {
                    p.insert("former_names".into(), json!(a.former_names));
                }
                features.push(
                    json!({"type": "Feature", "properties": p, "geometry": geometry(&a.boundary)}),
                );
            }
        }
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    pub fn commune(&self, id: &str) -> Option<&Commune> {
        self.communes.get(id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.get(id)
    }

    pub fn communes(&self) -> impl Iterator<Item = &Commune> {
        self.communes.values()
    }

    /// The commune's areas in force now (neither merged nor retired).
    pub fn areas_of<'a>(&'a self, commune_id: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        self.areas
            .values()
            .filter(move |a| a.commune_id == commune_id && a.in_force())
    }

    /// Every area the commune has had, in force or not: the history staff read.
    pub fn all_areas_of<'a>(&'a self, commune_id: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        self.areas
            .values()
            .filter(move |a| a.commune_id == commune_id)
    }

    /// The commune's areas as they were on `day`: the units of a report for a period ending then.
    pub fn areas_on<'a>(
        &'a self,
        commune_id: &'a str,
        day: Day,
    ) -> impl Iterator<Item = &'a Area> + 'a {
        self.all_areas_of(commune_id)
            .filter(move |a| a.exists_on(day))
    }

    /// The area in force now that `area_id` is, or was merged into (following several
    /// mergers); `None` for an area retired without a successor.
    pub fn successor(&self, area_id: &str) -> Option<&Area> {
        let mut area = self.area(area_id)?;
        for _ in 0..=self.areas.len() {
            if area.in_force() {
                return Some(area);
            }
            area = self.area(area.merged_into.as_deref()?)?;
        }
        None
    }

    /// `areas` and every area merged into one of them: whose records their people now see.
    pub fn with_merged(&self, areas: &[String]) -> Vec<String> {
        let mut all = areas.to_vec();
        for a in self.areas.values().filter(|a| !a.in_force()) {
            if self.successor(&a.id).is_some_and(|s| areas.contains(&s.id)) && !all.contains(&a.id)
            {
                all.push(a.id.clone());
            }
        }
        all
    }

    /// The area a record made in `area_id` counts in on `day`: itself, or the area it was merged
    /// into (following several mergers). `None` when it was retired, or not yet made, by then.
    pub fn area_on(&self, area_id: &str, day: Day) -> Option<&Area> {
        let mut area = self.area(area_id)?;
        // Bounded by the number of areas: mergers were checked to form no cycle.
        for _ in 0..=self.areas.len() {
            if area.exists_on(day) {
                return Some(area);
            }
            match (&area.merged_into, area.until) {
                (Some(into), Some(until)) if until <= day => area = self.area(into)?,
                _ => return None,
            }
        }
        None
    }

    /// The commune an area belongs to.
    pub fn commune_of_area(&self, area_id: &str) -> Option<&Commune> {
        self.area(area_id).and_then(|a| self.commune(&a.commune_id))
    }

    /// Whether every vertex of `place` lies within (or on the edge of) the area's commune.
    pub fn place_in_commune_of(&self, area_id: &str, place: &Place) -> bool {
        let Some(commune) = self.commune_of_area(area_id) else {
            return false;
        };
        place
            .coords
            .iter()
            .all(|c| commune.boundary.intersects(&Point::new(c.lon, c.lat)))
    }

    /// Which area of the commune a point falls in, if any: lets a phone propose the area from GPS.
    pub fn area_at<'a>(&'a self, commune_id: &'a str, lon: f64, lat: f64) -> Option<&'a Area> {
        let p = Point::new(lon, lat);
        self.areas_of(commune_id)
            .find(|a| a.boundary.intersects(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::Coord;

    #[test]
    fn demo_commune_has_five_hamlets_that_tile_it() {
        let r = Reference::demo();
        let c = r.commune("rach-sen").expect("demo commune");
        assert_eq!(c.name, "Xã Rạch Sen");
        let areas: Vec<_> = r.areas_of("rach-sen").collect();
        assert_eq!(areas.len(), 5);
        // A point in the middle of a hamlet is found in that hamlet.
        assert_eq!(
            r.area_at("rach-sen", 105.63, 10.0).map(|a| a.id.as_str()),
            Some("rs-ap-my-hoa")
        );
        assert!(r.place_in_commune_of("rs-ap-my-hoa", &Place::point(Coord::new(105.67, 10.02))));
        // Hà Nội is not in a Cần Thơ commune.
        assert!(!r.place_in_commune_of("rs-ap-my-hoa", &Place::point(Coord::new(105.85, 21.03))));
    }

    #[test]
    fn bad_geojson_is_a_clear_error() {
        assert!(matches!(
            Reference::from_geojson("{"),
            Err(Error::Reference(_))
        ));
        let no_level = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x","name":"X"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let e = Reference::from_geojson(no_level).unwrap_err().to_string();
        assert!(e.contains("level"), "{e}");
    }
}
