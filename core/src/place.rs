//! Where things are: a point (a household, a black spot), a line (a street, a canal bank) or a
//! polygon (a market square), stored in documents as plain `[lon, lat]` lists — the GeoJSON order —
//! and turned into geo-types for geometry checks and exports.

use crate::error::{FieldError, Rule};
use autosurgeon::{Hydrate, Reconcile};
use geo_types::{Coord as GeoCoord, Geometry, LineString, Point, Polygon};
use serde::{Deserialize, Serialize};

/// A WGS 84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Coord {
    pub lon: f64,
    pub lat: f64,
}

impl Coord {
    pub fn new(lon: f64, lat: f64) -> Self {
        Coord { lon, lat }
    }

    pub fn is_valid(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }

    pub fn to_geo(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

crate::string_enum! {
    /// The shape of a place.
    pub enum Shape {
        Point = "point" ("Một điểm", "A point"),
        Line = "line" ("Một đoạn đường", "A line"),
        Polygon = "polygon" ("Một khu vực", "An area"),
    }
}

/// A place as drawn on the phone: GPS fix, a traced line, or a tapped polygon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Place {
    pub shape: Shape,
    /// For a polygon, the outer ring without repeating the first point.
    pub coords: Vec<Coord>,
}

/// Most vertices a drawn place may have: a phone user taps a few dozen at most.
pub const MAX_VERTICES: usize = 500;

impl Place {
    pub fn point(c: Coord) -> Self {
        Place {
            shape: Shape::Point,
            coords: vec![c],
        }
    }

    pub fn line(coords: Vec<Coord>) -> Self {
        Place {
            shape: Shape::Line,
            coords,
        }
    }

    pub fn polygon(coords: Vec<Coord>) -> Self {
        Place {
            shape: Shape::Polygon,
            coords,
        }
    }

    /// Checks coordinates and vertex counts; pushes errors under `field`.
    pub fn check(&self, field: &str, errors: &mut Vec<FieldError>) -> bool {
        if self.coords.iter().any(|c| !c.is_valid()) {
            errors.push(FieldError::new(field, Rule::InvalidCoordinate));
            return false;
        }
        let n = self.coords.len();
        let ok = match self.shape {
            Shape::Point => n == 1,
            Shape::Line => (2..=MAX_VERTICES).contains(&n),
            Shape::Polygon => (3..=MAX_VERTICES).contains(&n),
        };
        if !ok {
            errors.push(FieldError::new(field, Rule::InvalidGeometry));
        }
        ok
    }

    pub fn to_geometry(&self) -> Geometry<f64> {
        let coords: Vec<GeoCoord<f64>> = self
            .coords
            .iter()
            .map(|c| GeoCoord { x: c.lon, y: c.lat })
            .collect();
        match self.shape {
            Shape::Point => Geometry::Point(Point(coords.first().copied().unwrap_or_default())),
            Shape::Line => Geometry::LineString(LineString(coords)),
            // geo-types closes the ring itself.
            Shape::Polygon => Geometry::Polygon(Polygon::new(LineString(coords), vec![])),
        }
    }

    /// GeoJSON geometry, for exports and the dashboard map.
    pub fn to_geojson(&self) -> serde_json::Value {
        let ring = |close: bool| {
            let mut v: Vec<[f64; 2]> = self.coords.iter().map(|c| [c.lon, c.lat]).collect();
            if close {
                if let Some(first) = v.first().copied() {
                    v.push(first);
                }
            }
            v
        };
        match self.shape {
            Shape::Point => {
                serde_json::json!({"type": "Point", "coordinates": ring(false).first()})
            }
            Shape::Line => serde_json::json!({"type": "LineString", "coordinates": ring(false)}),
            Shape::Polygon => serde_json::json!({"type": "Polygon", "coordinates": [ring(true)]}),
        }
    }
}
