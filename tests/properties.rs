//! Property tests: the time parser, the query language, the importers and
//! the measures' invariants on generated cases. Case counts are kept modest
//! so that the whole file runs in seconds on a 2-core machine.
#![allow(clippy::unwrap_used)]

use casebook::domain::case::in_time_order;
use casebook::domain::friction::{flags, CaseView, Pattern, Thresholds};
use casebook::domain::measures::{clock_end, is_vendor_answer, measure};
use casebook::domain::query::Query;
use casebook::domain::time::{hours, parse_at, to_rfc3339};
use casebook::domain::{
    Ask, Case, Channel, StartedBy, Status, TouchOutcome, Touchpoint, WaitingOn,
};
use casebook::io::csv_map::Mapping;
use casebook::io::json::{parse_with_now, Format};
use casebook::store::query::SortKey;
use casebook::store::Store;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use proptest::prelude::*;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------- times

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn the_time_parser_never_panics(text in "\\PC{0,40}", local_hours in -12i32..14) {
        let zone = FixedOffset::east_opt(local_hours * 3600).unwrap();
        let _ = parse_at(&text, base(), &zone);
        let _ = parse_at(&text, base(), &Utc);
    }

    #[test]
    fn near_misses_of_every_form_never_panic(
        text in "[-+]?[0-9]{0,6}[-/T: ]?[0-9]{0,3}[-:]?[0-9]{0,3}[ T]?[0-9]{0,2}:?[0-9]{0,2}[zZhdwm]?"
    ) {
        let _ = parse_at(&text, base(), &Utc);
    }

    /// RFC 3339 round-trips to the millisecond, in any offset.
    #[test]
    fn rfc3339_round_trips(ms in -2_000_000_000_000i64..4_000_000_000_000, offset_min in -720i32..=840) {
        let t = DateTime::from_timestamp_millis(ms).unwrap();
        prop_assert_eq!(parse_at(&to_rfc3339(t), base(), &Utc).unwrap(), t);
        let zone = FixedOffset::east_opt(offset_min * 60).unwrap();
        let shown = t.with_timezone(&zone).to_rfc3339();
        prop_assert_eq!(parse_at(&shown, base(), &Utc).unwrap(), t);
    }
}

// ---------------------------------------------------------------- queries

fn query_text() -> impl Strategy<Value = String> {
    let term = prop_oneof![
        "\\PC{0,12}",
        "!?-?(vendor|status|channel|category|priority|owner|tag|flag):[a-z_,\"' %]{0,12}",
        "age(<|>|<=|>=|=)[0-9]{0,4}[mhdwy]?",
        "\"[^\"]{0,8}\"?",
        // A NUL inside a word once ended the full-text phrase early.
        "[a-z]{0,3}\u{0}[a-z\"]{0,3}",
        "[*%_'\"\\\\()-]{1,4}",
    ];
    prop::collection::vec(term, 0..5).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(config(250))]

    /// Any text: the parser answers (a query or a reason), and every query it
    /// accepts compiles to SQL that SQLite runs.
    #[test]
    fn every_query_that_parses_runs_on_sqlite(text in query_text()) {
        let store = STORE.with(|s| s.clone());
        let store = store.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(q) = Query::parse(&text) {
            store.case_count(&q, base()).unwrap();
            store
                .case_page(&q, SortKey::Urgency, false, 0, 5, base())
                .unwrap();
        }
    }
}

thread_local! {
    static STORE: std::sync::Arc<std::sync::Mutex<Store>> = {
        let mut store = Store::in_memory().unwrap();
        casebook::io::demo::load(&mut store, base()).unwrap();
        std::sync::Arc::new(std::sync::Mutex::new(store))
    };
}

// ---------------------------------------------------------------- imports

/// Text that looks like case JSON often enough to reach the deeper checks.
fn jsonish() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"2024-01-01\"".to_string()),
        Just("\"now\"".to_string()),
        Just("null".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        "-?[0-9]{1,5}(\\.[0-9]{0,3})?",
        "\"\\PC{0,10}\"",
    ];
    let key = prop_oneof![
        Just("title"),
        Just("vendor"),
        Just("opened_at"),
        Just("resolved_at"),
        Just("status"),
        Just("csat"),
        Just("refund_amount"),
        Just("touchpoints"),
        Just("ref"),
        Just("tags"),
    ];
    prop::collection::vec((key, value), 0..8).prop_map(|kv| {
        let fields: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
        format!("{{{}}}", fields.join(", "))
    })
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn json_and_jsonl_imports_never_panic(text in "\\PC{0,200}", case in jsonish()) {
        for f in [Format::Json, Format::Jsonl] {
            let _ = parse_with_now("x", &text, f, base());
            let _ = parse_with_now("x", &case, f, base());
        }
        let doc = format!("{{\"casebook\": 1, \"cases\": [{case}]}}");
        let _ = parse_with_now("x", &doc, Format::Json, base());
    }

    #[test]
    fn csv_imports_never_panic(
        text in "\\PC{0,200}",
        rows in prop::collection::vec("[^\\n]{0,30}", 0..5),
    ) {
        let mut m = Mapping::empty();
        for spec in ["vendor=a", "opened_at=b", "title=c", "note=d", "channel=e"] {
            m.apply(spec).unwrap();
        }
        let _ = casebook::io::csv_import::parse("x", &text, &m);
        let csv = format!("a,b,c,d,e\n{}", rows.join("\n"));
        let _ = casebook::io::csv_import::parse("x", &csv, &m);
        for preset in ["zendesk", "nyc311", "cfpb", "helpdesk-log"] {
            let _ = casebook::io::csv_import::parse("x", &text, &Mapping::preset(preset).unwrap());
        }
    }
}

// ---------------------------------------------------------------- measures

const CHANNELS: &[&str] = &["phone", "chat", "email", "web"];
const PARTIES: &[Option<&str>] = &[None, Some("Seller"), Some("Marketplace")];

#[derive(Debug, Clone)]
struct Generated {
    case: Case,
    /// Touches in the order they were logged (ids follow it, as in the store).
    touches: Vec<Touchpoint>,
    now: DateTime<Utc>,
}

fn touch() -> impl Strategy<
    Value = (
        i64,
        usize,
        bool,
        usize,
        Option<usize>,
        Option<usize>,
        usize,
        u8,
    ),
> {
    (
        0i64..20_000,
        0..CHANNELS.len(),
        any::<bool>(),
        0..TouchOutcome::ALL.len(),
        prop::option::of(0..Ask::ALL.len()),
        prop::option::of(0..WaitingOn::ALL.len()),
        0..PARTIES.len(),
        0u8..60,
    )
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        prop::collection::vec(touch(), 0..9),
        prop::option::of(0i64..25_000),
        any::<bool>(),
        0i64..40_000,
    )
        .prop_map(|(raw, resolved_after, churned, now_after)| {
            let opened = base();
            let mut case = Case::new("Generated", "Vendor", opened);
            case.churned = churned;
            if let Some(r) = resolved_after {
                case.status = Status::Resolved;
                case.resolved_at = Some(opened + Duration::minutes(r));
            }
            // Coarse times, so that touches logged at the same instant are
            // common: their order comes from what they are, not from ids.
            let touches = raw
                .into_iter()
                .map(|mut r| {
                    r.0 = r.0 / 1000 * 1000;
                    r
                })
                .enumerate()
                .map(
                    |(i, (at, ch, by_vendor, outcome, ask, waiting, party, hold))| {
                        let mut t = Touchpoint::new(
                            opened + Duration::minutes(at),
                            Channel::new(CHANNELS[ch]).unwrap(),
                            if by_vendor {
                                StartedBy::Vendor
                            } else {
                                StartedBy::Customer
                            },
                            TouchOutcome::ALL[outcome],
                        );
                        t.id = i as i64 + 1;
                        t.ask = ask.map(|a| Ask::ALL[a]);
                        t.waiting_on = waiting.map(|w| WaitingOn::ALL[w]);
                        t.party = PARTIES[party].map(str::to_string);
                        t.wait_minutes = Some(f64::from(hold));
                        t
                    },
                )
                .collect();
            Generated {
                case,
                touches,
                now: opened + Duration::minutes(now_after),
            }
        })
}

fn sorted(touches: &[Touchpoint]) -> Vec<Touchpoint> {
    let mut t = touches.to_vec();
    in_time_order(&mut t);
    t
}

proptest! {
    #![proptest_config(config(300))]

    /// Vendor wait and customer wait never add up to more than the case's
    /// span (opening to the clock's end), and neither is negative.
    #[test]
    fn waits_fit_inside_the_case(g in generated()) {
        let touches = sorted(&g.touches);
        let m = measure(&g.case, &touches, g.now);
        let span = hours(clock_end(&g.case, g.now) - g.case.opened_at).max(0.0);
        prop_assert!(m.vendor_wait_hours >= 0.0 && m.customer_wait_hours >= 0.0);
        prop_assert!(
            m.vendor_wait_hours + m.customer_wait_hours <= span + 1e-9,
            "{} + {} > {}", m.vendor_wait_hours, m.customer_wait_hours, span
        );
    }

    /// The order in which touches were logged changes no figure and no flag:
    /// logged in another order, they get other ids, so flags are compared by
    /// the times of their evidence.
    #[test]
    fn the_order_of_logging_changes_no_figure(g in generated(), seed in any::<u64>()) {
        let mut shuffled = g.touches.clone();
        fastrand::Rng::with_seed(seed).shuffle(&mut shuffled);
        for (i, t) in shuffled.iter_mut().enumerate() {
            t.id = i as i64 + 1;
        }
        let th = Thresholds::default();
        let figures = |touches: &[Touchpoint]| {
            let touches = sorted(touches);
            let m = measure(&g.case, &touches, g.now);
            let view = CaseView { case: &g.case, touches: &touches, now: g.now };
            let at = |id: i64| touches.iter().find(|t| t.id == id).map(|t| t.at);
            let fl: Vec<(Pattern, Vec<Option<DateTime<Utc>>>)> = flags(&view, &th)
                .into_iter()
                .map(|f| {
                    // The evidence as a set: its listing order is not a figure.
                    let mut times: Vec<_> = f.evidence.iter().map(|id| at(*id)).collect();
                    times.sort();
                    (f.pattern, times)
                })
                .collect();
            (m, fl)
        };
        prop_assert_eq!(figures(&g.touches), figures(&shuffled));
    }

    /// TTFR ≤ TTR holds when the first vendor answer came no later than the
    /// resolution (an answer logged after the case was resolved can make
    /// TTFR the larger, so the spec's "TTFR ≤ TTR" holds only then).
    #[test]
    fn first_response_comes_before_resolution_when_answered_before_it(g in generated()) {
        let touches = sorted(&g.touches);
        let m = measure(&g.case, &touches, g.now);
        let first = touches.iter().find(|t| is_vendor_answer(t));
        if let (Some(ttfr), Some(ttr), Some(first)) = (m.ttfr_hours, m.ttr_hours, first) {
            prop_assert!(ttfr >= 0.0);
            if Some(first.at) <= g.case.resolved_at {
                prop_assert!(ttfr <= ttr, "{ttfr} > {ttr}");
            }
        }
    }

    /// Every flag shows why: touch evidence that belongs to the case, or, for
    /// the case-level patterns, an explanation from the case's fields.
    #[test]
    fn every_flag_has_evidence_or_a_case_level_explanation(g in generated()) {
        let touches = sorted(&g.touches);
        let view = CaseView { case: &g.case, touches: &touches, now: g.now };
        for f in flags(&view, &Thresholds::default()) {
            prop_assert!(!f.explanation.trim().is_empty(), "{f:?}");
            let case_level = matches!(f.pattern, Pattern::SelfResolved | Pattern::Churn);
            if !case_level {
                prop_assert!(!f.evidence.is_empty(), "{f:?}");
            }
            for id in &f.evidence {
                prop_assert!(touches.iter().any(|t| t.id == *id), "{f:?}");
            }
        }
    }
}
