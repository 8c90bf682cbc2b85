//! A volunteer's offline day in Ấp Mỹ Hòa: she records households she visits, checks their waste
//! sorting, records Saturday's canal cleanup, submits, and looks at her hamlet's figures — all in a
//! store on disk, with no network. Run it twice: the figures grow, the store keeps everything.
//!
//!     cargo run -p sachxanh-core --example offline_day [-- path/to/store.db]

use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::{Reference, Store};
use std::sync::Arc;

const AREA: &str = "rs-ap-my-hoa";

/// Invented names: plausible for the Mekong delta, belonging to nobody.
const HEADS: &[&str] = &[
    "Nguyễn Văn Tư",
    "Trần Thị Bảy",
    "Lê Văn Út",
    "Phạm Thị Mười",
    "Huỳnh Văn Sáu",
    "Võ Thị Năm",
    "Đặng Văn Tám",
    "Bùi Thị Chín",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/offline-day.db".into());
    let reference = Arc::new(Reference::demo());
    let mut store = Store::open(&path, reference.clone())?;
    store.set_person("p-demo-volunteer")?;
    let area = reference.area(AREA).ok_or("demo area missing")?;
    println!("Sổ ghi chép offline / offline store: {path}");
    println!("Địa bàn / area: {} ({})\n", area.name, area.id);

    let today = Day::today();
    let mut checked = 0;
    for (i, head) in HEADS.iter().enumerate() {
        let house = store.create(Household {
            area_id: AREA.into(),
            address: format!("Số {}, đường ven kênh Rạch Sen", 10 + i * 3),
            head_name: (*head).into(),
            members: 2 + (i as u32 % 5),
            location: Some(Coord::new(
                105.622 + 0.002 * i as f64,
                9.992 + 0.0015 * i as f64,
            )),
            note: String::new(),
        })?;
        // Most households sort all three groups; some still mix the "other" group.
        let all = i % 3 != 0;
        let check = store.create(SortingCheck {
            household_id: house.clone(),
            area_id: AREA.into(),
            check_date: today,
            recyclable_sorted: true,
            food_sorted: true,
            other_sorted: all,
            hazardous_separated: i % 2 == 0,
            served_by_collection: true,
            burning_seen: i == 5,
            dumping_seen: false,
            note: if all {
                String::new()
            } else {
                "Hướng dẫn lại cách tách rác còn lại".into()
            },
            checked_by: "p-demo-volunteer".into(),
        })?;
        store.submit::<Household>(&house)?;
        store.submit::<SortingCheck>(&check)?;
        checked += 1;
    }

    let saturday = today.latest_saturday();
    let cleanup = store.create(Cleanup {
        area_id: AREA.into(),
        cleanup_date: saturday,
        place: Place::line(vec![
            Coord::new(105.624, 9.994),
            Coord::new(105.630, 9.999),
            Coord::new(105.636, 10.004),
        ]),
        work: Work {
            sweeping: true,
            waterways: true,
            drains: true,
            trees: false,
        },
        participants: Participants {
            fatherland_front: 3,
            womens_union: 14,
            youth_union: 22,
            veterans: 5,
            residents: 31,
            ..Default::default()
        },
        waste_kg: Some(420.0),
        bags: Some(56),
        note: "Vớt lục bình và rác nhựa dọc kênh".into(),
        photos: vec![],
    })?;
    store.submit::<Cleanup>(&cleanup)?;

    let f = store.area_figures(AREA)?;
    println!("Hôm nay đã ghi / recorded today: {checked} hộ kiểm tra, 1 buổi ra quân\n");
    println!("| Chỉ số / figure                                   | giá trị |");
    println!("|---------------------------------------------------|--------:|");
    println!(
        "| Hộ gia đình / households                          | {:>7} |",
        f.households
    );
    println!(
        "| Hộ đã kiểm tra / households checked               | {:>7} |",
        f.households_checked
    );
    println!(
        "| Hộ phân loại đủ 3 nhóm / sorting all three groups | {:>7} |",
        f.households_sorting_all
    );
    println!(
        "| Buổi ra quân / cleanups                           | {:>7} |",
        f.cleanups
    );
    println!(
        "| Cuối tuần có ra quân / weekends with a cleanup    | {:>7} |",
        f.weekends_with_cleanup
    );
    println!(
        "| Lượt người tham gia / participants                | {:>7} |",
        f.participants
    );
    println!(
        "| Rác thu gom (kg) / waste collected (kg)           | {:>7.0} |",
        f.waste_kg
    );
    println!(
        "| Hương ước / covenant                              | {:>7} |",
        f.covenant.map(|c| c.as_str()).unwrap_or("—")
    );
    println!(
        "\nChờ gửi lên máy chủ / waiting to sync: {} thay đổi / changes",
        store.outbox_len()?
    );
    Ok(())
}
