//! Deep paging by key: every sort, both ways, walked page by page from the
//! start and from the end, gives exactly the rows of one full ordered read;
//! the Cases screen keeps the same rows under its positions wherever it jumps.
#![allow(clippy::unwrap_used)]

use casebook::app::cases::CasesScreen;
use casebook::domain::query::Query;
use casebook::store::paging::PageStart;
use casebook::store::query::SortKey;
use casebook::store::Store;
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}

/// 150 generated cases: many share an urgency, a status, a channel, a touch
/// count or a vendor, so pages break inside runs of equal keys.
fn store() -> Store {
    let mut store = Store::in_memory().unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    store
        .in_transaction(|w| {
            for i in 0..150 {
                let (case, ts) = casebook::io::generate::case(&mut rng, i + 1, now());
                w.merge_case(case, ts, None, now())?;
            }
            Ok(())
        })
        .unwrap();
    store
}

fn full(store: &Store, q: &Query, sort: SortKey, desc: bool) -> Vec<i64> {
    let mut ids = Vec::new();
    store
        .each_case_row(q, sort, desc, None, now(), |r| {
            ids.push(r.id);
            Ok(())
        })
        .unwrap();
    ids
}

#[test]
fn pages_by_key_walk_every_sort_exactly() {
    let store = store();
    for text in ["", "status:open", "channel:phone"] {
        let q = Query::parse(text).unwrap();
        for sort in SortKey::ALL {
            for desc in [false, true] {
                let all = full(&store, &q, sort, desc);
                assert!(all.len() > 20, "{text}");
                let mut forward = Vec::new();
                let mut page = store
                    .case_page_from(&q, sort, desc, PageStart::First, 11, now())
                    .unwrap();
                while let Some(last) = page.last().cloned() {
                    forward.extend(page.iter().map(|r| r.id));
                    page = store
                        .case_page_from(&q, sort, desc, PageStart::After(&last.key), 11, now())
                        .unwrap();
                }
                assert_eq!(forward, all, "forward {text} {sort:?} desc={desc}");
                let mut backward = Vec::new();
                let mut page = store
                    .case_page_before(&q, sort, desc, None, 11, now())
                    .unwrap();
                while let Some(first) = page.first().cloned() {
                    let mut ids: Vec<i64> = page.iter().map(|r| r.id).collect();
                    ids.append(&mut backward);
                    backward = ids;
                    page = store
                        .case_page_before(&q, sort, desc, Some(&first.key), 11, now())
                        .unwrap();
                }
                assert_eq!(backward, all, "backward {text} {sort:?} desc={desc}");
                // At a row: that row first, then the rest.
                let tenth = store
                    .case_page(&q, sort, desc, 10, 1, now())
                    .unwrap()
                    .remove(0);
                let from = store
                    .case_page_from(&q, sort, desc, PageStart::At(&tenth.key), 5, now())
                    .unwrap();
                assert_eq!(
                    from.iter().map(|r| r.id).collect::<Vec<_>>(),
                    all[10..15].to_vec()
                );
            }
        }
    }
}

#[test]
fn the_cases_screen_shows_the_right_row_at_every_position() {
    let store = store();
    let q = Query::default();
    for sort in [SortKey::Urgency, SortKey::TimeLeft, SortKey::LastChannel] {
        let all = full(&store, &q, sort, false);
        let mut screen = CasesScreen::default();
        screen.set_height(10);
        screen.sort = sort;
        screen.load(&store, now()).unwrap();
        let check = |s: &CasesScreen| {
            assert_eq!(s.selected_row().map(|r| r.id), Some(all[s.selected]));
            for (p, id) in all.iter().enumerate().skip(s.top).take(10) {
                assert_eq!(s.row_at(p).map(|r| r.id), Some(*id), "{sort:?} row {p}");
            }
        };
        // Down past several pages, one row and one page at a time.
        for _ in 0..45 {
            screen.move_by(1, &store, now()).unwrap();
            check(&screen);
        }
        for _ in 0..12 {
            screen.move_by(10, &store, now()).unwrap();
            check(&screen);
        }
        // To the end, then back up page by page to the top.
        screen.move_to(usize::MAX / 2, &store, now()).unwrap();
        assert_eq!(screen.selected, all.len() - 1);
        check(&screen);
        while screen.selected > 0 {
            screen.move_by(-10, &store, now()).unwrap();
            check(&screen);
        }
        // A reload deep in the list keeps the rows under their positions.
        screen.move_to(100, &store, now()).unwrap();
        screen.load(&store, now()).unwrap();
        check(&screen);
        assert_eq!(screen.selected, 100);
    }
}
