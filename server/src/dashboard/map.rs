//! A record's place drawn over its commune's areas as inline SVG, computed here: the commune
//! office may be offline, so there are no tiles, and the page runs no script.

use geo_types::{LineString, MultiPolygon};
use sachxanh_core::place::{Coord, Place, Shape};
use sachxanh_core::Reference;

/// Largest drawing, in SVG units; the commune's shape decides which side reaches its bound.
const WIDTH: f64 = 600.0;
const MAX_HEIGHT: f64 = 360.0;
const PAD: f64 = 12.0;

pub struct MapView {
    pub view_box: String,
    pub areas: Vec<AreaShape>,
    pub mark: Option<Mark>,
}

pub struct AreaShape {
    pub d: String,
    pub name: String,
    /// The record's own area.
    pub here: bool,
    /// Where its name is written.
    pub x: String,
    pub y: String,
}

pub enum Mark {
    Point { cx: String, cy: String },
    Line { points: String },
    Polygon { d: String },
}

/// Longitude and latitude to the drawing: equirectangular, longitudes shrunk by the cosine of
/// the latitude so a hamlet keeps its shape at 10° N.
struct Projection {
    lon0: f64,
    lat1: f64,
    k: f64,
    scale: f64,
}

impl Projection {
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            PAD + (lon - self.lon0) * self.k * self.scale,
            PAD + (self.lat1 - lat) * self.scale,
        )
    }

    fn at(&self, lon: f64, lat: f64) -> String {
        let (x, y) = self.xy(lon, lat);
        format!("{x:.1},{y:.1}")
    }

    fn ring(&self, ring: &LineString<f64>) -> String {
        let pts: Vec<String> = ring.0.iter().map(|c| self.at(c.x, c.y)).collect();
        format!("M{}Z", pts.join("L"))
    }
}

/// The record's commune's areas with the record's area marked and its place on top; `None`
/// when the record has no known area.
pub fn draw(
    reference: &Reference,
    area_id: Option<&str>,
    place: Option<&Place>,
) -> Option<MapView> {
    let area_id = area_id?;
    let commune = reference.commune_of_area(area_id)?;
    let coords = place.iter().flat_map(|p| p.coords.iter());
    let frame = Frame::of(reference, &commune.id, Some(area_id), coords)?;
    let mark = place.and_then(|p| frame.mark(p));
    Some(MapView {
        view_box: frame.view_box,
        areas: frame.areas,
        mark,
    })
}

/// A commune's areas drawn to fit the drawing, and where any place falls in it.
pub struct Frame {
    proj: Projection,
    pub view_box: String,
    pub areas: Vec<AreaShape>,
}

impl Frame {
    /// The commune's areas (`here` marked) in a drawing that also holds `extra` points (the
    /// places to draw over them, even one a little outside the boundaries); `None` when there
    /// is nothing to draw.
    pub fn of<'a>(
        reference: &Reference,
        commune_id: &str,
        here: Option<&str>,
        extra: impl Iterator<Item = &'a Coord>,
    ) -> Option<Frame> {
        let areas: Vec<_> = reference.areas_of(commune_id).collect();
        let mut lons = vec![];
        let mut lats = vec![];
        for a in &areas {
            for p in &a.boundary.0 {
                for c in &p.exterior().0 {
                    lons.push(c.x);
                    lats.push(c.y);
                }
            }
        }
        for c in extra {
            lons.push(c.lon);
            lats.push(c.lat);
        }
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lon0, lon1, lat0, lat1) = (min(&lons), max(&lons), min(&lats), max(&lats));
        if !(lon0.is_finite() && lat0.is_finite()) {
            return None;
        }
        let k = ((lat0 + lat1) / 2.0).to_radians().cos();
        let (w, h) = (((lon1 - lon0) * k).max(1e-9), (lat1 - lat0).max(1e-9));
        let scale = ((WIDTH - 2.0 * PAD) / w).min((MAX_HEIGHT - 2.0 * PAD) / h);
        let proj = Projection {
            lon0,
            lat1,
            k,
            scale,
        };
        // The drawing is as wide and as high as the commune's shape needs.
        let (width, height) = (w * scale + 2.0 * PAD, h * scale + 2.0 * PAD);
        let shapes = areas
            .iter()
            .map(|a| {
                let d = a
                    .boundary
                    .0
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .map(|r| proj.ring(r))
                    .collect::<Vec<_>>()
                    .join(" ");
                let (cx, cy) = label_point(&a.boundary);
                let (x, y) = proj.xy(cx, cy);
                AreaShape {
                    d,
                    name: a.name.clone(),
                    here: Some(a.id.as_str()) == here,
                    x: format!("{x:.1}"),
                    y: format!("{y:.1}"),
                }
            })
            .collect();
        Some(Frame {
            proj,
            view_box: format!("0 0 {width:.0} {height:.0}"),
            areas: shapes,
        })
    }

    /// A place as drawn here; `None` when it has no point.
    pub fn mark(&self, p: &Place) -> Option<Mark> {
        let first = p.coords.first()?;
        let pts: Vec<String> = p
            .coords
            .iter()
            .map(|c| self.proj.at(c.lon, c.lat))
            .collect();
        Some(match p.shape {
            Shape::Point => {
                let (cx, cy) = self.proj.xy(first.lon, first.lat);
                Mark::Point {
                    cx: format!("{cx:.1}"),
                    cy: format!("{cy:.1}"),
                }
            }
            Shape::Line => Mark::Line {
                points: pts.join(" "),
            },
            Shape::Polygon => Mark::Polygon {
                d: format!("M{}Z", pts.join("L")),
            },
        })
    }
}

/// Where to write an area's name: the centroid of its largest polygon's outline (the shoelace
/// formula), or the middle of its points when the outline has no area.
fn label_point(m: &MultiPolygon<f64>) -> (f64, f64) {
    let mut best: Option<(f64, (f64, f64))> = None;
    for p in &m.0 {
        let pts = &p.exterior().0;
        let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for w in pts.windows(2) {
            let cross = w[0].x * w[1].y - w[1].x * w[0].y;
            a += cross;
            cx += (w[0].x + w[1].x) * cross;
            cy += (w[0].y + w[1].y) * cross;
        }
        if a.abs() > 1e-15 && best.is_none_or(|(b, _)| a.abs() > b) {
            best = Some((a.abs(), (cx / (3.0 * a), cy / (3.0 * a))));
        }
    }
    best.map(|(_, c)| c).unwrap_or_else(|| {
        let pts: Vec<_> = m.0.iter().flat_map(|p| p.exterior().0.iter()).collect();
        let n = pts.len().max(1) as f64;
        (
            pts.iter().map(|c| c.x).sum::<f64>() / n,
            pts.iter().map(|c| c.y).sum::<f64>() / n,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_drawn_inside_its_communes_areas() {
        let reference = Reference::demo();
        let commune = reference.communes().next().expect("a demo commune");
        let area = reference.areas_of(&commune.id).next().expect("a demo area");
        let (lon, lat) = label_point(&area.boundary);
        let map = draw(
            &reference,
            Some(&area.id),
            Some(&Place::point(Coord::new(lon, lat))),
        )
        .expect("a map");
        assert!(map.areas.iter().filter(|a| a.here).count() == 1);
        let Some(Mark::Point { cx, cy }) = map.mark else {
            panic!("a point")
        };
        let (cx, cy): (f64, f64) = (cx.parse().unwrap(), cy.parse().unwrap());
        let dims: Vec<f64> = map
            .view_box
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(cx > 0.0 && cx < dims[2] && cy > 0.0 && cy < dims[3]);
        assert!(draw(&reference, None, None).is_none());
    }
}
