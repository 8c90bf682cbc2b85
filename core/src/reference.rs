//! Reference data: the communes and their residential areas (ấp, khu vực, tổ dân phố) with
//! boundary polygons, loaded from GeoJSON. Records name an area by id; validation uses the
//! boundaries to catch a place recorded outside the commune.

use crate::error::{Error, Result};
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
    #[serde(skip)]
    pub boundary: MultiPolygon<f64>,
}

impl Area {
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
pub const DEMO_GEOJSON: &str = include_str!("../data/demo-commune.geojson");

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
            let geometry = f
                .geometry
                .clone()
                .ok_or_else(|| Error::Reference(format!("feature {i}: no geometry")))?;
            if let Some(problem) = unreadable_geometry(&geometry.value) {
                return Err(Error::Reference(format!("feature {i}: {problem}")));
            }
            let geometry: Geometry<f64> = geometry
                .try_into()
                .map_err(|e: geojson::Error| Error::Reference(format!("feature {i}: {e}")))?;
            let boundary = to_multipolygon(geometry).ok_or_else(|| {
                Error::Reference(format!("feature {i}: boundary must be a polygon"))
            })?;
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
                    r.areas.insert(
                        id.clone(),
                        Area {
                            id,
                            name,
                            commune_id,
                            boundary,
                        },
                    );
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
        Ok(r)
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

    pub fn areas_of<'a>(&'a self, commune_id: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        self.areas
            .values()
            .filter(move |a| a.commune_id == commune_id)
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
