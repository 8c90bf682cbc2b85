//! Changes staff make to a commune's areas, each dated: add, rename, merge, split, retire. A
//! change never deletes: a merged or retired area keeps its id, its records and its past
//! figures, and ends on the change's date. Checked here so the server's API, its dashboard and
//! any tool refuse the same things with the same words.

use super::{Area, FormerName, Reference};
use crate::i18n::Message;
use crate::model::Day;
use geo::{Area as _, BooleanOps, Validation};
use geo_types::MultiPolygon;

/// One change to a commune's areas.
#[derive(Debug, Clone)]
pub enum AreaChange {
    /// A new area, with a boundary or none yet (imported later).
    Add {
        commune_id: String,
        name: String,
        boundary: Option<MultiPolygon<f64>>,
    },
    Rename {
        area_id: String,
        name: String,
    },
    /// `area_id` ends and its records count in `into_id` from the change's date; the
    /// boundaries are joined.
    Merge {
        area_id: String,
        into_id: String,
    },
    /// A new area carved out of `area_id` with the given boundary; the old area keeps the rest
    /// and every record it already has.
    Split {
        area_id: String,
        name: String,
        boundary: MultiPolygon<f64>,
    },
    /// The area ends with no successor: its records count nowhere after the date.
    Retire {
        area_id: String,
    },
}

/// Why a change or an import is refused, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaProblem {
    UnknownCommune,
    UnknownArea,
    /// The area was merged or retired already.
    Ended {
        name: String,
    },
    NameRequired,
    NameTooLong {
        max: usize,
    },
    NameTaken {
        name: String,
    },
    IntoItself,
    OtherCommune,
    /// A change dated after today.
    DateInFuture,
    /// A change dated before the area's latest change: history reads in order.
    DateBeforeHistory {
        name: String,
        latest: Day,
    },
    InvalidGeometry {
        name: String,
    },
    Overlap {
        name: String,
        other: String,
    },
    OutsideCommune {
        name: String,
    },
    /// A split's new boundary reaches outside the area it is carved from.
    OutsideParent {
        name: String,
        parent: String,
    },
    /// Coordinates that are not longitude and latitude (a projected export).
    NotLonLat,
    /// The import file cannot be read at all.
    Unreadable {
        detail: String,
    },
    NoName {
        feature: usize,
    },
    NothingToImport,
    /// More polygons than a commune has areas, by far.
    TooManyFeatures {
        max: usize,
    },
    /// Boundaries so detailed that the commune's areas would not fit a phone's pull.
    TooDetailed {
        max_kb: usize,
    },
}

/// Largest a commune's areas may be as GeoJSON: phones receive them in one pull answer over
/// 2G, whose body and inflated size are bounded (`sync::protocol::Limits`).
pub const MAX_COMMUNE_BYTES: usize = 1 << 20;

/// Most points one boundary may have. Hamlets drawn in QGIS have hundreds; checking a ring for
/// self-crossings costs the square of its points (0.12 s at 5 000, 7.5 s at 40 000, measured),
/// so a larger one is refused before any geometry is done.
pub const MAX_POINTS: usize = 5_000;

/// Longest area name: longer than any real hamlet's, short enough for a phone's list.
pub const MAX_NAME: usize = 80;

/// Overlap or overhang below this share of the smaller area is a digitising slip along a
/// shared edge, not a real overlap: QGIS exports of hand-drawn hamlets have such slivers.
const SLIVER: f64 = 0.01;

impl AreaProblem {
    pub fn message(&self) -> Message {
        match self {
            AreaProblem::UnknownCommune => Message::new("Không có xã này", "No such commune"),
            AreaProblem::UnknownArea => Message::new("Không có khu vực này", "No such area"),
            AreaProblem::Ended { name } => Message::new(
                format!("{name} đã được sáp nhập hoặc giải thể"),
                format!("{name} was already merged or retired"),
            ),
            AreaProblem::NameRequired => Message::new("Cần nhập tên khu vực", "Enter the area's name"),
            AreaProblem::NameTooLong { max } => Message::new(
                format!("Tên khu vực dài quá {max} ký tự"),
                format!("The area's name is longer than {max} characters"),
            ),
            AreaProblem::NameTaken { name } => Message::new(
                format!("Xã đã có khu vực tên “{name}”"),
                format!("The commune already has an area named “{name}”"),
            ),
            AreaProblem::IntoItself => Message::new(
                "Không thể sáp nhập một khu vực vào chính nó",
                "An area cannot be merged into itself",
            ),
            AreaProblem::OtherCommune => Message::new(
                "Hai khu vực phải cùng một xã",
                "Both areas must be in the same commune",
            ),
            AreaProblem::DateInFuture => Message::new(
                "Ngày hiệu lực không được sau hôm nay",
                "The date it takes effect cannot be after today",
            ),
            AreaProblem::DateBeforeHistory { name, latest } => Message::new(
                format!("{name} đã có thay đổi ngày {latest}: ngày hiệu lực phải từ ngày đó trở đi"),
                format!("{name} changed on {latest}: the date must be that day or later"),
            ),
            AreaProblem::InvalidGeometry { name } => Message::new(
                format!("Ranh giới của {name} không hợp lệ (cạnh tự cắt nhau hoặc vòng không khép kín)"),
                format!("The boundary of {name} is not valid (it crosses itself or a ring is not closed)"),
            ),
            AreaProblem::Overlap { name, other } => Message::new(
                format!("Ranh giới của {name} chồng lên {other}"),
                format!("The boundary of {name} overlaps {other}"),
            ),
            AreaProblem::OutsideCommune { name } => Message::new(
                format!("Ranh giới của {name} nằm ngoài địa giới xã"),
                format!("The boundary of {name} lies outside the commune"),
            ),
            AreaProblem::OutsideParent { name, parent } => Message::new(
                format!("Ranh giới của {name} phải nằm trong {parent}, khu vực được tách"),
                format!("The boundary of {name} must lie inside {parent}, the area it is split from"),
            ),
            AreaProblem::NotLonLat => Message::new(
                "Tọa độ không phải kinh độ, vĩ độ: trong QGIS hãy xuất với hệ tọa độ EPSG:4326 (WGS 84)",
                "The coordinates are not longitude and latitude: export from QGIS with CRS EPSG:4326 (WGS 84)",
            ),
            AreaProblem::Unreadable { detail } => Message::new(
                format!("Không đọc được tệp GeoJSON: {detail}"),
                format!("The GeoJSON file cannot be read: {detail}"),
            ),
            AreaProblem::NoName { feature } => Message::new(
                format!("Vùng thứ {} không có tên (thuộc tính name hoặc ten)", feature + 1),
                format!("Feature {} has no name (a name or ten attribute)", feature + 1),
            ),
            AreaProblem::NothingToImport => Message::new(
                "Tệp không có vùng (Polygon) nào",
                "The file has no polygon features",
            ),
            AreaProblem::TooDetailed { max_kb } => Message::new(
                format!(
                    "Ranh giới quá chi tiết: khu vực của xã vượt {max_kb} KB khi gửi xuống điện thoại. \
                     Trong QGIS hãy đơn giản hóa (Vector › Geometry Tools › Simplify) rồi nhập lại"
                ),
                format!(
                    "The boundaries are too detailed: the commune's areas exceed {max_kb} KB sent to \
                     phones. Simplify them in QGIS (Vector › Geometry Tools › Simplify) and import again"
                ),
            ),
            AreaProblem::TooManyFeatures { max } => Message::new(
                format!("Tệp có hơn {max} vùng: một xã không có nhiều khu vực đến vậy"),
                format!("The file has more than {max} polygons: no commune has that many areas"),
            ),
        }
    }
}

impl std::fmt::Display for AreaProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.message();
        write!(f, "{} / {}", m.vi, m.en)
    }
}

impl std::error::Error for AreaProblem {}

/// What a change did, for the audit trail and the page that follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The area made, renamed or ended (for a merge or split, the one named first).
    pub area_id: String,
    pub summary: Message,
}

impl Reference {
    /// The reference after `change`, dated `on` (no later than `today`). `self` is untouched,
    /// so a refused change leaves nothing half done.
    pub fn change(
        &self,
        change: &AreaChange,
        on: Day,
        today: Day,
    ) -> Result<(Reference, Changed), AreaProblem> {
        if on > today {
            return Err(AreaProblem::DateInFuture);
        }
        let mut next = self.clone();
        let changed = match change {
            AreaChange::Add {
                commune_id,
                name,
                boundary,
            } => {
                let name = self.free_name(commune_id, name, None)?;
                let area = Area {
                    id: self.new_id(commune_id, &name),
                    name: name.clone(),
                    commune_id: commune_id.clone(),
                    boundary: boundary.clone().unwrap_or(MultiPolygon(vec![])),
                    from: Some(on),
                    until: None,
                    merged_into: None,
                    former_names: vec![],
                };
                let id = area.id.clone();
                next.areas.insert(id.clone(), area);
                next.check_boundary(&id, None)?;
                Changed {
                    area_id: id,
                    summary: Message::new(format!("Thêm {name}"), format!("Added {name}")),
                }
            }
            AreaChange::Rename { area_id, name } => {
                let old = self.live(area_id, on)?;
                let name = self.free_name(&old.commune_id, name, Some(area_id))?;
                let area = next
                    .areas
                    .get_mut(area_id)
                    .ok_or(AreaProblem::UnknownArea)?;
                let summary = Message::new(
                    format!("Đổi tên {} thành {name}", area.name),
                    format!("Renamed {} to {name}", area.name),
                );
                let former = std::mem::replace(&mut area.name, name);
                area.former_names.push(FormerName {
                    name: former,
                    until: on,
                });
                Changed {
                    area_id: area_id.clone(),
                    summary,
                }
            }
            AreaChange::Merge { area_id, into_id } => {
                if area_id == into_id {
                    return Err(AreaProblem::IntoItself);
                }
                let gone = self.live(area_id, on)?;
                let kept = self.live(into_id, on)?;
                if gone.commune_id != kept.commune_id {
                    return Err(AreaProblem::OtherCommune);
                }
                let joined = if gone.boundary.0.is_empty() {
                    kept.boundary.clone()
                } else if kept.boundary.0.is_empty() {
                    gone.boundary.clone()
                } else {
                    kept.boundary.union(&gone.boundary)
                };
                let summary = Message::new(
                    format!("Sáp nhập {} vào {}", gone.name, kept.name),
                    format!("Merged {} into {}", gone.name, kept.name),
                );
                if let Some(a) = next.areas.get_mut(into_id) {
                    a.boundary = joined;
                }
                if let Some(a) = next.areas.get_mut(area_id) {
                    a.until = Some(on);
                    a.merged_into = Some(into_id.clone());
                }
                Changed {
                    area_id: area_id.clone(),
                    summary,
                }
            }
            AreaChange::Split {
                area_id,
                name,
                boundary,
            } => {
                let parent = self.live(area_id, on)?;
                let name = self.free_name(&parent.commune_id, name, None)?;
                check_valid(&name, boundary)?;
                if !parent.boundary.0.is_empty()
                    && boundary.difference(&parent.boundary).unsigned_area()
                        > SLIVER * boundary.unsigned_area()
                {
                    return Err(AreaProblem::OutsideParent {
                        name,
                        parent: parent.name.clone(),
                    });
                }
                let id = self.new_id(&parent.commune_id, &name);
                if let Some(p) = next.areas.get_mut(area_id) {
                    if !p.boundary.0.is_empty() {
                        p.boundary = p.boundary.difference(boundary);
                    }
                }
                let summary = Message::new(
                    format!("Tách {name} từ {}", parent.name),
                    format!("Split {name} from {}", parent.name),
                );
                next.areas.insert(
                    id.clone(),
                    Area {
                        id: id.clone(),
                        name,
                        commune_id: parent.commune_id.clone(),
                        boundary: boundary.clone(),
                        from: Some(on),
                        until: None,
                        merged_into: None,
                        former_names: vec![],
                    },
                );
                next.check_boundary(&id, None)?;
                Changed {
                    area_id: id,
                    summary,
                }
            }
            AreaChange::Retire { area_id } => {
                let area = self.live(area_id, on)?;
                let summary = Message::new(
                    format!("Giải thể {}", area.name),
                    format!("Retired {}", area.name),
                );
                if let Some(a) = next.areas.get_mut(area_id) {
                    a.until = Some(on);
                }
                Changed {
                    area_id: area_id.clone(),
                    summary,
                }
            }
        };
        let commune = next
            .area(&changed.area_id)
            .map(|a| a.commune_id.clone())
            .unwrap_or_default();
        next.check_size(&commune)?;
        Ok((next, changed))
    }

    /// The commune's areas fit what a phone receives in one pull.
    pub(crate) fn check_size(&self, commune_id: &str) -> Result<(), AreaProblem> {
        if self.to_geojson(Some(commune_id)).len() > MAX_COMMUNE_BYTES {
            return Err(AreaProblem::TooDetailed {
                max_kb: MAX_COMMUNE_BYTES >> 10,
            });
        }
        Ok(())
    }

    /// The reference with a new commune (or ward) of `province`, its boundary overlapping no
    /// other commune's. Its areas are staff's to add or import. Returns the new commune's id.
    pub fn add_commune(
        &self,
        name: &str,
        province: &str,
        boundary: MultiPolygon<f64>,
    ) -> Result<(Reference, String), AreaProblem> {
        let name = clean_name(name)?;
        let province = clean_name(province)?;
        let key = crate::text::search_key(&name);
        if self
            .communes()
            .any(|c| crate::text::search_key(&c.name) == key && c.province == province)
        {
            return Err(AreaProblem::NameTaken { name });
        }
        check_valid(&name, &boundary)?;
        if let Some(other) = self.communes().find(|c| overlap(&boundary, &c.boundary)) {
            return Err(AreaProblem::Overlap {
                name,
                other: other.name.clone(),
            });
        }
        let id = unique_id(slug(&name), |id| self.commune(id).is_some());
        let mut next = self.clone();
        next.communes.insert(
            id.clone(),
            super::Commune {
                id: id.clone(),
                name,
                province,
                boundary,
            },
        );
        next.check_size(&id)?;
        Ok((next, id))
    }

    /// An area in force whose history has nothing after `on`.
    fn live(&self, area_id: &str, on: Day) -> Result<&Area, AreaProblem> {
        let area = self.area(area_id).ok_or(AreaProblem::UnknownArea)?;
        if !area.in_force() {
            return Err(AreaProblem::Ended {
                name: area.name.clone(),
            });
        }
        let latest = area
            .former_names
            .iter()
            .map(|n| n.until)
            .chain(area.from)
            .max();
        match latest {
            Some(latest) if on < latest => Err(AreaProblem::DateBeforeHistory {
                name: area.name.clone(),
                latest,
            }),
            _ => Ok(area),
        }
    }

    /// The name as stored, if no other area of the commune in force has it (ignoring case and
    /// diacritics: "Ấp Mỹ Hòa" and "ap my hoa" are one hamlet to the people who live there).
    pub(crate) fn free_name(
        &self,
        commune_id: &str,
        name: &str,
        except: Option<&str>,
    ) -> Result<String, AreaProblem> {
        if self.commune(commune_id).is_none() {
            return Err(AreaProblem::UnknownCommune);
        }
        let name = clean_name(name)?;
        let key = crate::text::search_key(&name);
        if self
            .areas_of(commune_id)
            .any(|a| Some(a.id.as_str()) != except && crate::text::search_key(&a.name) == key)
        {
            return Err(AreaProblem::NameTaken { name });
        }
        Ok(name)
    }

    /// A stable id for a new area: the commune's id and the folded name, made unique.
    pub(crate) fn new_id(&self, commune_id: &str, name: &str) -> String {
        unique_id(format!("{commune_id}-{}", slug(name)), |id| {
            self.areas.contains_key(id)
        })
    }

    /// Checks an area's boundary against its commune and the commune's other areas in force
    /// (all but `except`): valid, inside the commune, overlapping none.
    pub(crate) fn check_boundary(
        &self,
        area_id: &str,
        except: Option<&str>,
    ) -> Result<(), AreaProblem> {
        let area = self.area(area_id).ok_or(AreaProblem::UnknownArea)?;
        if area.boundary.0.is_empty() {
            return Ok(());
        }
        check_valid(&area.name, &area.boundary)?;
        let commune = self
            .commune(&area.commune_id)
            .ok_or(AreaProblem::UnknownCommune)?;
        let size = area.boundary.unsigned_area();
        if area.boundary.difference(&commune.boundary).unsigned_area() > SLIVER * size {
            return Err(AreaProblem::OutsideCommune {
                name: area.name.clone(),
            });
        }
        for other in self.areas_of(&area.commune_id) {
            if other.id == area.id
                || Some(other.id.as_str()) == except
                || other.boundary.0.is_empty()
            {
                continue;
            }
            if overlap(&area.boundary, &other.boundary) {
                return Err(AreaProblem::Overlap {
                    name: area.name.clone(),
                    other: other.name.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Whether two boundaries overlap by more than a sliver of the smaller one. Boundaries whose
/// bounding boxes do not meet are told apart without polygon arithmetic.
fn overlap(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    use geo::{BoundingRect, Intersects};
    let boxes_meet = match (a.bounding_rect(), b.bounding_rect()) {
        (Some(x), Some(y)) => x.intersects(&y),
        _ => false,
    };
    boxes_meet
        && a.intersection(b).unsigned_area() > SLIVER * a.unsigned_area().min(b.unsigned_area())
}

/// A name as stored: normalised, present, short enough, no control characters.
fn clean_name(name: &str) -> Result<String, AreaProblem> {
    let name = crate::text::normalize(name);
    if name.is_empty() {
        return Err(AreaProblem::NameRequired);
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(AreaProblem::NameTooLong { max: MAX_NAME });
    }
    Ok(name)
}

/// The folded words of a name joined by hyphens: "Ấp Mỹ Hòa" → "ap-my-hoa".
fn slug(name: &str) -> String {
    crate::text::search_key(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// `base`, or the first of `base-2`, `base-3`… that is not `taken`.
fn unique_id(base: String, taken: impl Fn(&str) -> bool) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// A boundary that geometry can work with: closed rings that do not cross themselves.
pub(super) fn check_valid(name: &str, boundary: &MultiPolygon<f64>) -> Result<(), AreaProblem> {
    use geo::CoordsIter;
    if boundary.coords_count() > MAX_POINTS {
        return Err(AreaProblem::TooDetailed {
            max_kb: MAX_COMMUNE_BYTES >> 10,
        });
    }
    if boundary.0.is_empty() || !boundary.is_valid() {
        return Err(AreaProblem::InvalidGeometry {
            name: name.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        serde_json::from_value(serde_json::json!(s)).expect("a date")
    }

    fn ring(points: &[(f64, f64)]) -> MultiPolygon<f64> {
        let line = geo_types::LineString::from(points.to_vec());
        MultiPolygon(vec![geo_types::Polygon::new(line, vec![])])
    }

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        ring(&[
            (x, y),
            (x + size, y),
            (x + size, y + size),
            (x, y + size),
            (x, y),
        ])
    }

    #[test]
    fn a_merger_ends_one_area_and_its_records_count_in_the_other_from_that_day() {
        let r = Reference::demo();
        let (gone, kept) = ("rs-ap-my-hoa", "rs-ap-ben-dinh");
        let merge = AreaChange::Merge {
            area_id: gone.into(),
            into_id: kept.into(),
        };
        let (next, changed) = r
            .change(&merge, day("2027-01-01"), day("2027-01-05"))
            .expect("merged");
        assert!(changed.summary.vi.starts_with("Sáp nhập"));
        assert_eq!(next.areas_of("rach-sen").count(), 4);
        // Before the merger both existed and each counts its own records.
        assert_eq!(next.areas_on("rach-sen", day("2026-12-31")).count(), 5);
        assert_eq!(
            next.area_on(gone, day("2026-12-31")).map(|a| a.id.as_str()),
            Some(gone)
        );
        assert_eq!(
            next.area_on(gone, day("2027-01-01")).map(|a| a.id.as_str()),
            Some(kept)
        );
        // The kept hamlet's boundary now covers the merged one's.
        let inside_gone = next.area(gone).and_then(|a| a.outline().first().copied());
        let c = inside_gone.expect("outline");
        assert!(next.area(kept).is_some_and(|a| a.boundary.0.len() <= 2));
        let _ = next.area_at("rach-sen", c.lon, c.lat);
        // Merged twice is refused, in both languages.
        let again = next.change(&merge, day("2027-02-01"), day("2027-02-01"));
        assert!(matches!(again, Err(AreaProblem::Ended { .. })));
        // And the history survives the round trip through GeoJSON.
        let back = Reference::from_geojson(&next.to_geojson(None)).expect("reads back");
        assert_eq!(
            back.area_on(gone, day("2027-03-01")).map(|a| a.id.as_str()),
            Some(kept)
        );
        assert_eq!(
            back.area(gone).and_then(|a| a.until),
            Some(day("2027-01-01"))
        );
    }

    #[test]
    fn a_renamed_area_keeps_its_old_name_for_past_days() {
        let r = Reference::demo();
        let id = "rs-ap-my-hoa";
        let old = r.area(id).map(|a| a.name.clone()).expect("area");
        let rename = AreaChange::Rename {
            area_id: id.into(),
            name: "Ấp Mỹ Hòa Mới".into(),
        };
        let (next, _) = r
            .change(&rename, day("2027-03-01"), day("2027-03-01"))
            .expect("renamed");
        let area = next.area(id).expect("same id");
        assert_eq!(area.name, "Ấp Mỹ Hòa Mới");
        assert_eq!(area.name_on(day("2027-02-28")), old);
        assert_eq!(area.name_on(day("2027-03-01")), "Ấp Mỹ Hòa Mới");
        let back = Reference::from_geojson(&next.to_geojson(Some("rach-sen"))).expect("reads back");
        assert_eq!(
            back.area(id)
                .map(|a| a.name_on(day("2026-01-01")).to_owned()),
            Some(old)
        );
        // A name another hamlet has, written without diacritics, is refused.
        let other = r
            .area("rs-ap-ben-dinh")
            .map(|a| crate::text::fold(&a.name))
            .expect("area");
        let taken = next.change(
            &AreaChange::Rename {
                area_id: id.into(),
                name: other,
            },
            day("2027-03-02"),
            day("2027-03-02"),
        );
        assert!(
            matches!(taken, Err(AreaProblem::NameTaken { .. })),
            "{taken:?}"
        );
        // A change dated before the rename, or after today, is refused.
        let early = next.change(&rename, day("2027-02-01"), day("2027-03-05"));
        assert!(
            matches!(early, Err(AreaProblem::DateBeforeHistory { .. })),
            "{early:?}"
        );
        let future = next.change(&rename, day("2027-04-01"), day("2027-03-05"));
        assert_eq!(future.err(), Some(AreaProblem::DateInFuture));
    }

    #[test]
    fn boundaries_must_be_valid_inside_the_commune_and_not_overlap() {
        let r = Reference::demo();
        let today = day("2027-01-01");
        let my_hoa = r.area("rs-ap-my-hoa").expect("area").boundary.clone();
        let add = |boundary| AreaChange::Add {
            commune_id: "rach-sen".into(),
            name: "Ấp Mới".into(),
            boundary: Some(boundary),
        };
        // Hà Nội is not in Rạch Sen.
        let far = r.change(&add(square(105.8, 21.0, 0.01)), today, today);
        assert!(
            matches!(far, Err(AreaProblem::OutsideCommune { .. })),
            "{far:?}"
        );
        let over = r.change(&add(my_hoa.clone()), today, today);
        assert!(matches!(over, Err(AreaProblem::Overlap { .. })), "{over:?}");
        let bow_tie = ring(&[
            (105.62, 10.0),
            (105.64, 10.01),
            (105.64, 10.0),
            (105.62, 10.01),
            (105.62, 10.0),
        ]);
        let bad = r.change(&add(bow_tie), today, today);
        assert!(
            matches!(bad, Err(AreaProblem::InvalidGeometry { .. })),
            "{bad:?}"
        );
        // An area with no boundary yet is fine.
        let none = AreaChange::Add {
            commune_id: "rach-sen".into(),
            name: "Ấp Mới".into(),
            boundary: None,
        };
        let (next, changed) = r.change(&none, today, today).expect("added");
        assert_eq!(changed.area_id, "rach-sen-ap-moi");
        assert_eq!(next.areas_of("rach-sen").count(), 6);
        assert_eq!(next.areas_on("rach-sen", day("2026-12-31")).count(), 5);
    }

    #[test]
    fn a_new_commune_needs_a_name_a_valid_boundary_and_no_overlap() {
        let r = Reference::demo();
        let rach_sen = r.commune("rach-sen").expect("commune").boundary.clone();
        let over = r.add_commune("Xã Mới", "Thành phố Cần Thơ", rach_sen);
        assert!(matches!(over, Err(AreaProblem::Overlap { .. })), "{over:?}");
        let taken = r.add_commune(
            "xa rach sen",
            "Thành phố Cần Thơ",
            square(105.0, 10.0, 0.02),
        );
        assert!(
            matches!(taken, Err(AreaProblem::NameTaken { .. })),
            "{taken:?}"
        );
        let (next, id) = r
            .add_commune(
                "Xã Sen Vàng",
                "Thành phố Cần Thơ",
                square(105.0, 10.0, 0.02),
            )
            .expect("added");
        assert_eq!(id, "xa-sen-vang");
        assert_eq!(next.areas_of(&id).count(), 0);
        // Its first hamlet may be added and found by GPS.
        let add = AreaChange::Add {
            commune_id: id.clone(),
            name: "Ấp Một".into(),
            boundary: Some(square(105.0, 10.0, 0.01)),
        };
        let today = day("2027-01-01");
        let (next, changed) = next.change(&add, today, today).expect("hamlet");
        assert_eq!(
            next.area_at(&id, 105.005, 10.005).map(|a| a.id.as_str()),
            Some(changed.area_id.as_str())
        );
        let back = Reference::from_geojson(&next.to_geojson(Some(&id))).expect("reads back");
        assert_eq!(back.communes().count(), 1);
    }

    #[test]
    fn a_split_carves_a_new_area_and_the_old_keeps_the_rest() {
        let r = Reference::demo();
        let today = day("2027-01-01");
        let parent = r.area("rs-ap-my-hoa").expect("area");
        let c = parent.outline()[0];
        // A small square around a point well inside the hamlet.
        let centre = geo::Centroid::centroid(&parent.boundary).expect("centroid");
        let piece = square(centre.x() - 0.002, centre.y() - 0.002, 0.004);
        let split = AreaChange::Split {
            area_id: parent.id.clone(),
            name: "Ấp Mỹ Hòa B".into(),
            boundary: piece,
        };
        let (next, changed) = r.change(&split, today, today).expect("split");
        assert_eq!(
            next.area_at("rach-sen", centre.x(), centre.y())
                .map(|a| a.id.as_str()),
            Some(changed.area_id.as_str())
        );
        assert!(next.area(&parent.id).is_some_and(Area::in_force));
        let _ = c;
        // A piece reaching outside the hamlet is refused.
        let outside = AreaChange::Split {
            area_id: parent.id.clone(),
            name: "Ấp Ngoài".into(),
            boundary: r.area("rs-ap-ben-dinh").expect("area").boundary.clone(),
        };
        let e = r.change(&outside, today, today).unwrap_err();
        assert!(matches!(e, AreaProblem::OutsideParent { .. }), "{e:?}");
        assert!(e.message().vi.contains("phải nằm trong"));
    }
}
