//! One bad record never holds the others back: a record too large for any request is refused on
//! its own, with a reason the person can act on, and every other record in the outbox goes.

use rand::{Rng, SeedableRng};
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::{Household, Role};
use sachxanh_core::sync::protocol::Limits;
use sachxanh_core::sync::SyncClient;
use sachxanh_tests::*;

/// Text as long as the household form allows, of letters that do not compress.
fn incompressible(chars: usize, seed: u64) -> String {
    let letters: Vec<char> = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậéèẻẽẹốồổỗộớờởỡợ0123456789"
        .chars()
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..chars)
        .map(|_| letters[rng.random_range(0..letters.len())])
        .collect()
}

fn add_big_household(phone: &mut Phone) -> String {
    let area = phone.area().to_owned();
    phone
        .store
        .create(Household {
            area_id: area,
            address: incompressible(200, 1),
            head_name: "Hộ có ghi chú rất dài".into(),
            members: 3,
            location: None,
            note: incompressible(1000, 2),
        })
        .unwrap()
}

fn assert_set_aside_alone(server: &TestServer, phone: &Phone, big: &str, small: &[String]) {
    // The others reached the server; the big one did not, and left the outbox.
    for id in small {
        assert!(
            server.storage.record(id).unwrap().is_some(),
            "record {id} was held back by the big one"
        );
    }
    assert!(server.storage.record(big).unwrap().is_none());
    assert_eq!(phone.store.outbox_len().unwrap(), 0);
    // The person sees why, in both languages, with what to do, and can still read what they wrote.
    let refused = phone.store.refused().unwrap();
    let r = refused
        .iter()
        .find(|r| r.record_id == big)
        .expect("refusal kept");
    assert_eq!(r.code, ErrorCode::RecordTooLarge);
    assert!(r.message.vi.contains("quá lớn") && r.message.vi.contains("rút ngắn"));
    assert!(r.message.en.contains("too large") && r.message.en.contains("Shorten"));
    let kept = phone.store.refused_record(big).unwrap();
    assert!(format!("{kept:?}").contains(&incompressible(1000, 2)));
}

#[test]
fn a_server_with_smaller_limits_refuses_the_big_record_alone_and_takes_the_rest() {
    // This server takes bodies of at most 1.5 KB: a few plain households fit, the big one never.
    let server = TestServer::start_with(|st| st.limits.max_body = 1536);
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut small = vec![];
    for i in 0..3 {
        small.push(phone.add_household(&format!("Hộ trước {i}")));
    }
    let big = add_big_household(&mut phone);
    for i in 0..3 {
        small.push(phone.add_household(&format!("Hộ sau {i}")));
    }
    let report = phone.sync().expect("the sync finishes");
    assert_eq!(report.pushed, small.len() as u64);
    assert_eq!(report.refused, 1);
    assert_set_aside_alone(&server, &phone, &big, &small);
    // Nothing more waits: the next sync sends nothing and refuses nothing.
    let again = phone.sync().unwrap();
    assert_eq!((again.pushed, again.refused), (0, 0));
}

#[test]
fn a_change_over_the_wire_bound_is_set_aside_before_any_request() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    // The phone's own bound for one change (the server's is the same or larger).
    let limits = Limits {
        max_change_bytes: 2048,
        ..Limits::default()
    };
    let client = std::mem::replace(&mut phone.client, SyncClient::new(&server.url, "").unwrap());
    phone.client = client.with_limits(limits);
    let mut small = vec![phone.add_household("Hộ một")];
    let big = add_big_household(&mut phone);
    small.push(phone.add_household("Hộ hai"));
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.refused), (2, 1));
    assert_set_aside_alone(&server, &phone, &big, &small);
}
