//! Boundaries drawn in QGIS (or any GIS) brought into a commune: a FeatureCollection of
//! polygons, each named by a `name` or `ten` attribute (QGIS keeps a layer's own column names)
//! and optionally an `id`. A feature naming an area in force replaces its boundary; any other
//! is a new area from the import's date. All or nothing: one problem and nothing changes, and
//! every problem found is listed so staff fix the file once.

use super::history::AreaProblem;
use super::{read_boundary, Area, Reference};
use crate::model::Day;
use crate::text::search_key;
use geo_types::MultiPolygon;

/// Attribute names read as the area's name, in order (QGIS layers made in Vietnam often use
/// `ten` or `TEN`).
const NAME_KEYS: &[&str] = &[
    "name", "Name", "NAME", "ten", "Ten", "TEN", "ten_ap", "TEN_AP",
];

/// Most polygons one import takes: communes have tens of areas, and each new polygon is checked
/// against every other, so a file of thousands would only cost the server time.
pub const MAX_FEATURES: usize = 300;

/// What an import would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Areas whose boundary was replaced, by name.
    pub updated: Vec<String>,
    /// Areas added, by name.
    pub added: Vec<String>,
}

/// Most points one import may hold in all: about a megabyte of GeoJSON, what phones receive.
pub const MAX_IMPORT_POINTS: usize = 30_000;

/// How many positions a geometry holds.
fn positions(value: &geojson::GeometryValue) -> usize {
    use geojson::GeometryValue as G;
    match value {
        G::Point { .. } => 1,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => coordinates.len(),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().map(Vec::len).sum()
        }
        G::MultiPolygon { coordinates } => coordinates
            .iter()
            .flat_map(|p| p.iter().map(Vec::len))
            .sum(),
        G::GeometryCollection { geometries } => {
            geometries.iter().map(|g| positions(&g.value)).sum()
        }
    }
}

/// A feature's boundary, checked as staff need it: readable, longitude and latitude, valid.
fn checked_boundary(
    i: usize,
    name: &str,
    geometry: Option<geojson::Geometry>,
) -> Result<MultiPolygon<f64>, AreaProblem> {
    let invalid = || AreaProblem::InvalidGeometry {
        name: name.to_owned(),
    };
    let boundary = read_boundary(i, geometry.ok_or_else(invalid)?).map_err(|_| invalid())?;
    if boundary
        .0
        .iter()
        .flat_map(|p| p.exterior().coords())
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
    {
        return Err(AreaProblem::NotLonLat);
    }
    super::history::check_valid(name, &boundary)?;
    Ok(boundary)
}

/// One boundary given as a GeoJSON geometry (a Polygon or MultiPolygon, as an API sends it),
/// checked as each feature of an import is.
pub fn boundary_from_json(
    name: &str,
    value: serde_json::Value,
) -> Result<MultiPolygon<f64>, AreaProblem> {
    let geometry: geojson::Geometry =
        serde_json::from_value(value).map_err(|e| AreaProblem::Unreadable {
            detail: e.to_string(),
        })?;
    checked_boundary(0, name, Some(geometry))
}

impl Reference {
    /// The reference with the file's boundaries in `commune_id`, or every problem found.
    pub fn import_boundaries(
        &self,
        commune_id: &str,
        text: &str,
        on: Day,
        today: Day,
    ) -> Result<(Reference, Imported), Vec<AreaProblem>> {
        if on > today {
            return Err(vec![AreaProblem::DateInFuture]);
        }
        if self.commune(commune_id).is_none() {
            return Err(vec![AreaProblem::UnknownCommune]);
        }
        let fc: geojson::FeatureCollection = text.parse().map_err(|e: geojson::Error| {
            vec![AreaProblem::Unreadable {
                detail: e.to_string(),
            }]
        })?;
        if fc.features.len() > MAX_FEATURES {
            return Err(vec![AreaProblem::TooManyFeatures { max: MAX_FEATURES }]);
        }
        // Counted before any geometry: what a phone could not take is not worth checking.
        let points: usize = fc
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .map(|g| positions(&g.value))
            .sum();
        if points > MAX_IMPORT_POINTS {
            return Err(vec![AreaProblem::TooDetailed {
                max_kb: super::history::MAX_COMMUNE_BYTES >> 10,
            }]);
        }
        let mut problems = vec![];
        let mut next = self.clone();
        let mut touched = vec![];
        let mut done = Imported {
            updated: vec![],
            added: vec![],
        };
        for (i, f) in fc.features.into_iter().enumerate() {
            let name = NAME_KEYS
                .iter()
                .find_map(|k| f.property(k).and_then(|v| v.as_str()))
                .map(crate::text::normalize)
                .filter(|n| !n.is_empty());
            let Some(name) = name else {
                problems.push(AreaProblem::NoName { feature: i });
                continue;
            };
            let boundary = match checked_boundary(i, &name, f.geometry.clone()) {
                Ok(b) => b,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let id = f.property("id").and_then(|v| v.as_str());
            let key = search_key(&name);
            let existing = self
                .areas_of(commune_id)
                .find(|a| Some(a.id.as_str()) == id || search_key(&a.name) == key)
                .map(|a| a.id.clone());
            let area_id = match existing {
                Some(id) => {
                    if let Some(a) = next.areas.get_mut(&id) {
                        a.boundary = boundary;
                        done.updated.push(a.name.clone());
                    }
                    id
                }
                None => match next.free_name(commune_id, &name, None) {
                    Ok(name) => {
                        let id = next.new_id(commune_id, &name);
                        done.added.push(name.clone());
                        next.areas.insert(
                            id.clone(),
                            Area {
                                id: id.clone(),
                                name,
                                commune_id: commune_id.to_owned(),
                                boundary,
                                from: Some(on),
                                until: None,
                                merged_into: None,
                                former_names: vec![],
                            },
                        );
                        id
                    }
                    Err(p) => {
                        problems.push(p);
                        continue;
                    }
                },
            };
            touched.push(area_id);
        }
        if touched.is_empty() && problems.is_empty() {
            problems.push(AreaProblem::NothingToImport);
        }
        // Each pair is reported once: the later area in the file against those before it.
        for (n, id) in touched.iter().enumerate() {
            let others_later: Vec<&str> = touched[n + 1..].iter().map(String::as_str).collect();
            let checked = next.check_boundary_against(id, &others_later);
            if let Err(p) = checked {
                if !problems.contains(&p) {
                    problems.push(p);
                }
            }
        }
        if problems.is_empty() {
            if let Err(p) = next.check_size(commune_id) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok((next, done))
        } else {
            Err(problems)
        }
    }

    /// [`Reference::check_boundary`] skipping the areas in `skip`, which are checked in their
    /// own turn (so an overlap between two imported areas is named once).
    fn check_boundary_against(&self, id: &str, skip: &[&str]) -> Result<(), AreaProblem> {
        if skip.is_empty() {
            return self.check_boundary(id, None);
        }
        let mut without = self.clone();
        without.areas.retain(|k, _| !skip.contains(&k.as_str()));
        without.check_boundary(id, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Reference;

    fn day(s: &str) -> Day {
        serde_json::from_value(serde_json::json!(s)).expect("a date")
    }

    fn feature(name: &str, ring: &[(f64, f64)]) -> serde_json::Value {
        let coords: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| [x, y]).collect();
        serde_json::json!({"type": "Feature", "properties": {"ten": name, "fid": 3},
            "geometry": {"type": "MultiPolygon", "coordinates": [[coords]]}})
    }

    fn file(features: Vec<serde_json::Value>) -> String {
        // As QGIS writes it: a name, a CRS member, and the layer's own attributes.
        serde_json::json!({"type": "FeatureCollection", "name": "ranh_gioi_ap",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            "features": features})
        .to_string()
    }

    #[test]
    fn a_qgis_export_replaces_known_boundaries_and_adds_new_areas() {
        let r = Reference::demo();
        let today = day("2027-01-10");
        // Mỹ Hòa, redrawn a little smaller, and a new hamlet drawn over a corner of the
        // commune where hamlets already are: refused, naming it.
        let my_hoa = [
            (105.62, 9.99),
            (105.639, 9.99),
            (105.64, 10.0095),
            (105.62, 10.0099),
            (105.62, 9.99),
        ];
        let corner = [
            (105.66, 10.02),
            (105.67, 10.02),
            (105.67, 10.03),
            (105.66, 10.03),
            (105.66, 10.02),
        ];
        let text = file(vec![
            feature("ap my hoa", &my_hoa),
            feature("Ấp Sen Hồng", &corner),
        ]);
        let problems = r
            .import_boundaries("rach-sen", &text, today, today)
            .unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, AreaProblem::Overlap { name, .. } if name == "Ấp Sen Hồng")),
            "{problems:?}"
        );
        // Only Mỹ Hòa: matched by its name without diacritics.
        let (next, done) = r
            .import_boundaries(
                "rach-sen",
                &file(vec![feature("ap my hoa", &my_hoa)]),
                today,
                today,
            )
            .expect("imported");
        assert_eq!(done.updated, vec!["Ấp Mỹ Hòa".to_string()]);
        assert_eq!(
            r.area_at("rach-sen", 105.6398, 9.992)
                .map(|a| a.id.as_str()),
            Some("rs-ap-my-hoa")
        );
        assert!(done.added.is_empty());
        assert_eq!(
            next.area_at("rach-sen", 105.6398, 9.992)
                .map(|a| a.id.as_str()),
            None,
            "the sliver given up is no longer Mỹ Hòa's"
        );
    }

    #[test]
    fn boundaries_too_detailed_for_a_phones_pull_are_refused_with_what_to_do() {
        let r = Reference::demo();
        let today = day("2027-01-10");
        // Mỹ Hòa as a circle of 40 000 points inside its old boundary: valid, no overlap, but
        // well over a megabyte of GeoJSON; refused by its points, before any geometry.
        let n = 40_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
                (105.63 + 0.004 * a.cos(), 10.0 + 0.004 * a.sin())
            })
            .collect();
        let e = r
            .import_boundaries(
                "rach-sen",
                &file(vec![feature("ap my hoa", &ring)]),
                today,
                today,
            )
            .unwrap_err();
        assert_eq!(e, vec![AreaProblem::TooDetailed { max_kb: 1024 }]);
        assert!(e[0].message().en.contains("Simplify"));
        // A hundred points is fine.
        let fine: Vec<(f64, f64)> = ring.iter().step_by(400).copied().chain([ring[0]]).collect();
        assert!(r
            .import_boundaries(
                "rach-sen",
                &file(vec![feature("ap my hoa", &fine)]),
                today,
                today
            )
            .is_ok());
    }

    #[test]
    fn every_problem_of_a_bad_file_is_listed_in_both_languages() {
        let r = Reference::demo();
        let today = day("2027-01-10");
        let projected = [
            (587000.0, 1105000.0),
            (588000.0, 1105000.0),
            (588000.0, 1106000.0),
            (587000.0, 1105000.0),
        ];
        let bow_tie = [
            (105.62, 10.0),
            (105.64, 10.01),
            (105.64, 10.0),
            (105.62, 10.01),
            (105.62, 10.0),
        ];
        let mut nameless = feature("x", &bow_tie);
        nameless["properties"] = serde_json::json!({"fid": 1});
        let text = file(vec![
            feature("Ấp Xa", &projected),
            feature("Ấp Chéo", &bow_tie),
            nameless,
        ]);
        let problems = r
            .import_boundaries("rach-sen", &text, today, today)
            .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].message().vi.contains("EPSG:4326"));
        assert!(matches!(&problems[1], AreaProblem::InvalidGeometry { name } if name == "Ấp Chéo"));
        assert!(problems[2].message().en.contains("Feature 3"));
        let e = r
            .import_boundaries("rach-sen", "not json", today, today)
            .unwrap_err();
        assert!(matches!(e[0], AreaProblem::Unreadable { .. }));
        let empty = r
            .import_boundaries("rach-sen", &file(vec![]), today, today)
            .unwrap_err();
        assert_eq!(empty, vec![AreaProblem::NothingToImport]);
    }
}
