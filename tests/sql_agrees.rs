//! The hand-written SQL of benches/report_by_vendor.sql computes the same
//! group figures as the report (a second, independent implementation of the
//! measures), on the demo stories and on a generated set.

#![allow(clippy::unwrap_used, clippy::type_complexity)]

use casebook::store::report::{GroupBy, Window};
use casebook::store::Store;
use chrono::{TimeZone, Utc};

fn compare(store: &Store, db: &std::path::Path) {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let report = store
        .report(
            GroupBy::Vendor,
            Window {
                since: None,
                until: None,
            },
            now,
        )
        .unwrap();
    let sql = include_str!("../benches/report_by_vendor.sql")
        .replace("0 /*NOW*/", &now.timestamp_millis().to_string());
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(&sql).unwrap();
    let rows: Vec<(
        String,
        i64,
        i64,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        f64,
        f64,
        f64,
    )> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(8)?,
                r.get(9)?,
                r.get(5)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), report.groups.len());
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-3 * (1.0 + a.abs());
    for (
        name,
        cases,
        open,
        ttr_median,
        ttr_p90,
        ttfr_median,
        vendor_wait,
        customer_wait,
        touches,
    ) in rows
    {
        let g = report.groups.iter().find(|g| g.key == name).unwrap();
        let f = &g.figures;
        assert_eq!((f.cases as i64, f.open as i64), (cases, open), "{name}");
        for (what, ours, theirs) in [
            ("ttr median", f.ttr_hours.median, ttr_median),
            ("ttr p90", f.ttr_hours.p90, ttr_p90),
            ("ttfr median", f.ttfr_hours.median, ttfr_median),
        ] {
            match (ours, theirs) {
                (Some(a), Some(b)) => assert!(near(a, b), "{name} {what}: {a} against SQL {b}"),
                (a, b) => assert_eq!(a.is_none(), b.is_none(), "{name} {what}"),
            }
        }
        assert!(
            near(f.vendor_wait_hours, vendor_wait),
            "{name} vendor wait {} against {vendor_wait}",
            f.vendor_wait_hours
        );
        assert!(
            near(f.customer_wait_hours, customer_wait),
            "{name} customer wait"
        );
        assert!(near(f.touches_per_case, touches), "{name} touches");
    }
}

#[test]
fn on_the_demo_stories() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    casebook::io::demo::load(&mut store, now).unwrap();
    compare(&store, &db);
}

#[test]
fn on_a_generated_set() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gen.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    store
        .in_transaction(|w| {
            for i in 0..600 {
                let (case, touches) = casebook::io::generate::case(&mut rng, i, now);
                w.merge_case(case, touches, None, now)?;
            }
            Ok(())
        })
        .unwrap();
    compare(&store, &db);
}

#[test]
fn kept_measures_give_the_same_report_as_live_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kept.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let mut rng = fastrand::Rng::with_seed(11);
    store
        .in_transaction(|w| {
            for i in 0..400 {
                let (case, touches) = casebook::io::generate::case(&mut rng, i, now);
                w.merge_case(case, touches, None, now)?;
            }
            Ok(())
        })
        .unwrap();
    casebook::io::demo::load(&mut store, now).unwrap();
    let all = Window {
        since: None,
        until: None,
    };
    for by in [GroupBy::Vendor, GroupBy::Category] {
        let kept: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM cases WHERE m_cached = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(kept > 250, "most generated cases are done and kept: {kept}");
        let with_kept = serde_json::to_value(store.report(by, all, now).unwrap()).unwrap();
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute("UPDATE cases SET m_cached = 0", [])
            .unwrap();
        let live = serde_json::to_value(store.report(by, all, now).unwrap()).unwrap();
        assert_eq!(with_kept, live, "{by:?}");
        // Putting them back: a refresh measures every case that is not kept.
        store.refresh_due(now).unwrap();
    }
}
