//! Imports of the real exports in ../shared/data/real, checked against the
//! figures in its REFERENCE.md (computed independently, by Python, from the
//! raw CSV). Skips, saying why, where ../shared is not beside the clone.

#![allow(clippy::unwrap_used)]

mod common;

use common::Db;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real");
    if dir.join("REFERENCE.md").exists() {
        Some(dir)
    } else {
        // Straight to stderr, past the test harness's capture, so the skip shows in CI's log.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "real_data: skipped: {} is absent (the real data sits beside the clone in CI)",
            dir.display()
        );
        None
    }
}

/// A new file with `file` imported through `preset`.
fn imported(file: &Path, preset: &str) -> Db {
    let db = Db::new();
    let msg = db.run(&["import", file.to_str().unwrap(), "--preset", preset]);
    assert!(msg.contains("new"), "{msg}");
    db
}

/// `report --by BY --json` on a file.
fn report(db: &Db, by: &str) -> Value {
    db.json(&["report", "--by", by, "--json"])
}

/// Checks (cases, resolved n, median, p90) of a group against the reference's
/// row, in the reference's unit (hours / `per`), to its two decimals.
fn check(r: &Value, key: &str, per: f64, expected: (u64, u64, f64, f64)) {
    let got = figures(r, key, per);
    assert_eq!(
        (got.0, got.1),
        (expected.0, expected.1),
        "{key}: cases and resolved"
    );
    for (what, g, e) in [("median", got.2, expected.2), ("p90", got.3, expected.3)] {
        assert!(
            (g - e).abs() <= 0.005 + 1e-9,
            "{key}: {what} {g} against the reference's {e}"
        );
    }
}

fn figures(r: &Value, key: &str, per: f64) -> (u64, u64, f64, f64) {
    let g = if key == "**all**" {
        &r["overall"]
    } else {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .unwrap_or_else(|| panic!("no group {key}"))
    };
    let t = &g["ttr_hours"];
    let round = |x: f64| x / per;
    (
        g["cases"].as_u64().unwrap(),
        t["n"].as_u64().unwrap(),
        round(t["median"].as_f64().unwrap_or(f64::NAN)),
        round(t["p90"].as_f64().unwrap_or(f64::NAN)),
    )
}

#[test]
fn nyc311_sample_matches_the_reference_per_agency_and_channel() {
    let Some(dir) = data_dir() else { return };
    let db = imported(&dir.join("nyc311_sample1000.csv"), "nyc311");
    let r = report(&db, "vendor");
    // REFERENCE.md, "NYC 311 (nyc311_sample1000.csv)", per agency: requests, closed & used, median h, p90 h.
    for (agency, expected) in [
        ("**all**", (1000, 969, 12.45, 414.17)),
        ("NYPD", (347, 347, 2.20, 6.38)),
        ("HPD", (159, 157, 290.24, 797.71)),
        ("DSNY", (135, 127, 81.23, 626.05)),
        ("DOT", (119, 108, 21.36, 256.03)),
        ("DEP", (75, 74, 10.99, 167.15)),
        ("DOB", (55, 54, 137.80, 3189.24)),
        ("DPR", (33, 29, 307.32, 1363.56)),
        ("DOF", (25, 25, 44.44, 491.65)),
        ("DOHMH", (19, 17, 216.00, 1452.68)),
        ("HRA", (11, 11, 0.01, 0.07)),
    ] {
        check(&r, agency, 1.0, expected);
    }
    let r = report(&db, "channel");
    // The reference's channel types as casebook's channels: PHONE → phone,
    // ONLINE → web, MOBILE → app; UNKNOWN (160, 141, 22.38, 1559.93) and
    // OTHER (7, 7, 8.75, 314.20) both → other, whose figures are the
    // reference's method (compute_reference.py) over the two together.
    for (channel, expected) in [
        ("phone", (496, 490, 46.25, 401.81)),
        ("web", (222, 216, 5.09, 349.93)),
        ("app", (115, 115, 2.63, 68.09)),
        ("other", (167, 148, 22.31, 1549.58)),
    ] {
        check(&r, channel, 1.0, expected);
    }
    // Importing the same file again changes nothing.
    let again = db.run(&[
        "import",
        dir.join("nyc311_sample1000.csv").to_str().unwrap(),
        "--preset",
        "nyc311",
    ]);
    assert!(
        again.contains("0 new, 0 updated, 1000 unchanged"),
        "{again}"
    );
}

#[test]
fn nyc311_christmas_2013_matches_the_reference() {
    let Some(dir) = data_dir() else { return };
    let db = imported(&dir.join("nyc311_2013-12-25.csv"), "nyc311");
    let r = report(&db, "vendor");
    for (agency, expected) in [
        ("**all**", (2386, 2302, 48.00, 288.00)),
        ("HPD", (1459, 1444, 72.00, 288.00)),
        ("NYPD", (298, 298, 1.69, 5.15)),
        ("DOT", (291, 272, 20.97, 353.92)),
        ("DEP", (132, 128, 30.59, 256.60)),
        ("DSNY", (78, 60, 38.47, 284.94)),
        ("DOB", (39, 23, 184.70, 1642.29)),
        ("DOHMH", (26, 19, 948.87, 1462.95)),
        ("DCA", (10, 10, 368.28, 374.29)),
    ] {
        check(&r, agency, 1.0, expected);
    }
}

#[test]
fn helpdesk_log_matches_the_reference_per_product() {
    let Some(dir) = data_dir() else { return };
    let db = imported(&dir.join("helpdesk_finale.csv"), "helpdesk-log");
    let r = report(&db, "vendor");
    // Per product: cases, n resolved, median and p90 days opened → last Resolve ticket.
    for (product, expected) in [
        ("**all**", (4580, 4569, 6.66, 30.04)),
        ("Value 1", (1694, 1687, 14.99, 33.90)),
        ("Value 3", (1649, 1649, 4.17, 28.79)),
        ("Value 2", (606, 606, 5.03, 25.81)),
        ("Value 4", (205, 205, 2.82, 23.47)),
        ("Value 6", (75, 75, 15.70, 30.25)),
        ("Value 8", (40, 40, 0.25, 11.56)),
    ] {
        check(&r, product, 24.0, expected);
    }
    let shown: Value =
        serde_json::from_str(&db.run(&["show", "helpdesk-Case 1", "--json"])).unwrap();
    assert_eq!(
        shown["touchpoints"][0]["note"],
        "Assign seriousness (Value 1)"
    );
}

#[test]
fn cfpb_sample_counts_match_the_reference_per_company_and_channel() {
    let Some(dir) = data_dir() else { return };
    let db = imported(&dir.join("cfpb_complaints_sample.csv"), "cfpb");
    let r = report(&db, "vendor");
    let cases = |r: &Value, key: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .map(|g| g["cases"].as_u64().unwrap())
    };
    assert_eq!(r["overall"]["cases"], 6623);
    // "in progress" responses are the open ones.
    assert_eq!(r["overall"]["open"], 35);
    assert_eq!(
        cases(&r, "TRANSUNION INTERMEDIATE HOLDINGS, INC."),
        Some(1708)
    );
    assert_eq!(cases(&r, "Experian Information Solutions Inc."), Some(850));
    assert_eq!(cases(&r, "Navient Solutions, LLC."), Some(79));
    let r = report(&db, "channel");
    // Submitted via as casebook's channels: Postal mail (267) and Fax (102)
    // → mail, Referral (627) → other.
    for (channel, n) in [
        ("web", 5143),
        ("other", 627),
        ("phone", 482),
        ("mail", 369),
        ("email", 2),
    ] {
        assert_eq!(cases(&r, channel), Some(n), "{channel}");
    }
}
