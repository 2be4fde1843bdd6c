//! Every screen of the terminal app drawn with ratatui's TestBackend on the
//! demo stories, at 80×24 and at the smallest size (40×12), checking what a
//! user must be able to see; and no size, however small, makes it panic.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod tui_support;

use casebook::app::keymap::{self, Mode};
use casebook::app::Action;
use casebook::domain::friction::RULES;
use casebook::ui::{help, Theme};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use tui_support::*;

fn has(screen: &[String], text: &str) -> bool {
    screen.iter().any(|l| l.contains(text))
}

#[track_caller]
fn shows(screen: &[String], texts: &[&str]) {
    for t in texts {
        assert!(
            has(screen, t),
            "'{t}' is not on screen:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn cases_at_80x24_list_the_demo_in_urgency_order() {
    let mut app = demo_app();
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        &[
            "1 Cases",
            "2 Vendors",
            "3 Channels",
            "id",
            "age",
            "vendor",
            "last ch",
            "status",
            "flags",
            "tch",
            "Comcast",
            "We Love Our C",
            "Southwest Air",
            "wait vendor",
            "in_person",
            "unreachable dropped",
            "delight",
            "1 of 4 · sort urgency",
            // The preview of the selected case: the open one comes first.
            "#2 Cannot sign up for cable internet as a new customer",
            "? help",
        ],
    );
    // The open case first, then the others.
    let first = s.iter().position(|l| l.starts_with("    2 ")).unwrap();
    let others: Vec<usize> = ["    1 ", "    3 ", "    4 "]
        .iter()
        .map(|p| s.iter().position(|l| l.starts_with(p)).unwrap())
        .collect();
    assert!(others.iter().all(|o| *o > first));
    insta::assert_snapshot!("cases_80x24", s.join("\n"));
}

#[test]
fn cases_at_40x12_still_show_ids_vendors_and_status() {
    let mut app = demo_app();
    let s = render(&mut app, 40, 12);
    shows(&s, &["1 Cases", "Comcast", "wait ven", "resolved", "   4 "]);
    insta::assert_snapshot!("cases_40x12", s.join("\n"));
}

#[test]
fn case_screen_shows_fields_channel_map_flags_and_timeline() {
    let mut app = demo_app();
    app.open_case(1);
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        &[
            "› case 1",
            "#1 File cabinet arrived missing one of eight drawer screws",
            "We Love Our Customers via Amazon · resolved",
            "first response 2d 0h",
            "waited on vendor 10d 0h",
            "where the time went",
            "waiting on vendor 10d 0h (90%)",
            "on customer 1d 2h (10%)",
            "flags (8)",
            "slow_response",
            "burdensome_remedy",
            "asked to return the whole item for a missing part [#3]",
            "when",
            "channel",
            "party",
            "outcome",
            "then",
            // The timeline, its last touches (the header's cost takes a row).
            "info_given",
            "Amazon",
            // What the case cost the customer, whole, on a row of its own.
            "the customer 169.17 and 5h 46m",
        ],
    );
    // The channel map's stages carry their channels.
    let map = s.iter().find(|l| l.starts_with("email")).unwrap();
    assert!(map.contains("phone") && map.contains("claim"), "{map}");
}

#[test]
fn selecting_a_flag_explains_it_and_marks_its_evidence() {
    let mut app = demo_app();
    app.open_case(1);
    // burdensome_remedy is the 4th flag; its evidence is the seller's offer.
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('n'));
    }
    let flag = app.case.as_ref().unwrap().selected_flag().unwrap().clone();
    assert_eq!(flag.pattern.id(), "burdensome_remedy");
    let s = render(&mut app, 80, 24);
    shows(&s, &["▶ burdensome_remedy"]);
    let marked: Vec<&String> = s.iter().filter(|l| l.starts_with("●")).collect();
    assert_eq!(marked.len(), flag.evidence.len(), "{}", s.join("\n"));
    assert!(marked[0].contains("offer"), "{}", marked[0]);
    // The selection moved to the evidence: its note is spelled out below.
    shows(&s, &["offers an $8 credit"]);
}

#[test]
fn case_screen_at_40x12_keeps_title_map_flags_and_timeline() {
    let mut app = demo_app();
    app.open_case(2);
    let s = render(&mut app, 40, 12);
    shows(
        &s,
        &["#2 Cannot sign up", "flags: unreachable", "phone", "loop"],
    );
}

#[test]
fn vendors_rank_by_friction_score_with_charts() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('2'));
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        &[
            "3 vendors · ranked by friction score",
            "cases",
            "ttr med",
            "score",
            "We Love Our Cus",
            "Comcast",
            "Southwest Airli",
            "(all)",
            "-1.00",
            "friction score 6.00",
            "burdensome_remedy",
            "too few",
            "cases opened per",
            "time to resolution (1 resolved)",
            "<1h",
            "4w+",
        ],
    );
    // Ranked: the seller (6.00) above Comcast above Southwest (−1.00, a delight).
    let pos = |t: &str| s.iter().position(|l| l.starts_with(t)).unwrap();
    assert!(pos("We Love") < pos("Comcast") && pos("Comcast") < pos("Southwest"));
    // The median time to resolution is drawn as a bar.
    assert!(s[pos("We Love")].contains('█'));
}

#[test]
fn channels_group_by_first_channel() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('3'));
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        &["channels", "email", "web", "in_person", "phone", "(all)"],
    );
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    let s = render(&mut app, 80, 24);
    shows(&s, &["ranked by name"]);
}

#[test]
fn report_screens_at_40x12() {
    let mut app = demo_app();
    for tab in ['2', '3'] {
        key(&mut app, KeyCode::Char(tab));
        let s = render(&mut app, 40, 12);
        shows(&s, &["(all)", "score", "friction score"]);
    }
}

#[test]
fn report_figures_at_40x12_are_never_cut_from_the_left() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('2'));
    let s = render(&mut app, 40, 12);
    // Southwest's score keeps its minus sign; the medians keep their days.
    let southwest = s.iter().find(|l| l.starts_with("Southwest")).unwrap();
    assert!(southwest.trim_end().ends_with(" -1.00"), "{}", s.join("\n"));
    shows(&s, &["11d 3h"]);
    key(&mut app, KeyCode::Char('3'));
    let s = render(&mut app, 40, 12);
    let phone = s.iter().find(|l| l.starts_with("phone")).unwrap();
    assert!(phone.contains(" 5d 13h "), "{}", s.join("\n"));
}

#[test]
fn the_cases_title_column_takes_the_spare_width() {
    let mut app = demo_app();
    let s = render(&mut app, 120, 40);
    let row = s.iter().find(|l| l.starts_with("    2 ")).unwrap();
    assert!(row.contains("Cannot sign up for cable"), "{row}");
    let s = render(&mut app, 200, 50);
    let row = s.iter().find(|l| l.starts_with("    2 ")).unwrap();
    assert!(
        row.contains("Cannot sign up for cable internet as a new customer"),
        "{row}"
    );
}

#[test]
fn forms_take_the_window_and_show_the_start_of_a_text_not_focused() {
    let mut app = demo_app();
    app.open_case(1);
    key(&mut app, KeyCode::Char('e'));
    let title = "File cabinet arrived missing one of eight drawer screws";
    // Focused, at 120 columns: the whole title in its input.
    let s = render(&mut app, 120, 40);
    shows(&s, &[title]);
    // Not focused, at 80 and 40 columns: its start, not its tail.
    key(&mut app, KeyCode::Down);
    let s = render(&mut app, 80, 24);
    shows(&s, &[title]);
    let s = render(&mut app, 40, 12);
    shows(&s, &["title   File cabinet"]);
}

#[test]
fn the_case_form_edits_the_stage() {
    let mut app = demo_app();
    app.open_case(1);
    assert_eq!(app.case.as_ref().unwrap().case.stage().as_str(), "delivery");
    key(&mut app, KeyCode::Char('e'));
    let s = render(&mut app, 80, 24);
    let row = s.iter().find(|l| l.contains("  stage ")).unwrap();
    assert!(row.contains("delivery"), "{row}");
    let focused = |app: &casebook::app::App| match &app.modal {
        Some(casebook::app::Modal::Form(f)) => f.focused().unwrap().name,
        _ => panic!("no form"),
    };
    while focused(&app) != "stage" {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Right);
    render(&mut app, 80, 24);
    key(&mut app, KeyCode::Enter);
    let case = app.store.case(1).unwrap();
    assert_eq!(
        case.stage().as_str(),
        "use",
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
}

#[test]
fn the_calendar_form_shows_its_hints_whole_at_80_columns() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Char('c'));
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        &[
            "an IANA zone: America/New_York, Europe/Paris, UTC…",
            "days then times, ; between: mon-fri 09:00-17:00; sat",
            "10:00-14:00",
            "days closed: 2024-12-25 2025-01-01",
        ],
    );
}

#[test]
fn help_lists_every_key_and_the_friction_score_formula() {
    utc();
    let theme = Theme::plain();
    for mode in [
        Mode::Cases,
        Mode::Case,
        Mode::Vendors,
        Mode::Channels,
        Mode::Sla,
        Mode::Filter,
        Mode::Form,
        Mode::Views,
        Mode::Status,
    ] {
        let text: Vec<String> = help::lines(mode, &theme)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect())
            .collect();
        let text = text.join("\n");
        for (keys, what) in keymap::help_lines(mode) {
            assert!(
                text.contains(&keys) && text.contains(what),
                "{mode:?}: {keys} {what}"
            );
        }
        if matches!(mode, Mode::Vendors | Mode::Channels) {
            assert!(
                text.contains("sum of the group's friction pattern rates minus its delight rate")
            );
            for r in RULES {
                assert!(text.contains(r.id) && text.contains(r.definition));
            }
        }
    }
    // And `?` draws it over the screen.
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('?'));
    let s = render(&mut app, 80, 24);
    shows(&s, &["Keys — Vendors", "rank by"]);
    let formula = "friction score = sum of the group's friction pattern rates";
    for _ in 0..60 {
        if render(&mut app, 80, 24).join("\n").contains(formula) {
            break;
        }
        key(&mut app, KeyCode::Char('j'));
    }
    shows(&render(&mut app, 80, 24), &[formula]);
    key(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
    // At 80×24 the help scrolls to its very end on every screen: the last
    // pattern's definition (long lines wrap, and the wrapped rows count).
    let last = RULES.last().unwrap().definition;
    // The help box's text, its wrapped lines joined again.
    let inside = |s: Vec<String>| {
        let rows: Vec<String> = s
            .iter()
            .filter_map(|l| {
                let a = l.find('│')?;
                let b = l.rfind('│')?;
                (b > a).then(|| l[a + '│'.len_utf8()..b].trim().to_string())
            })
            .collect();
        rows.join(" ")
    };
    for screen in ['1', '2', '3'] {
        key(&mut app, KeyCode::Char(screen));
        key(&mut app, KeyCode::Char('?'));
        for _ in 0..200 {
            key(&mut app, KeyCode::Char('j'));
        }
        let s = inside(render(&mut app, 80, 24));
        assert!(s.contains(last), "{screen}: {s}");
        key(&mut app, KeyCode::Esc);
    }
    app.open_case(2);
    key(&mut app, KeyCode::Char('?'));
    for _ in 0..200 {
        key(&mut app, KeyCode::Char('j'));
    }
    let s = inside(render(&mut app, 80, 24));
    assert!(s.contains(last), "case: {s}");
}

#[test]
fn below_40x12_says_the_terminal_is_too_small() {
    let mut app = demo_app();
    let s = render(&mut app, 39, 12);
    shows(&s, &["terminal too small", "40×12 needed, now 39×12"]);
    let s = render(&mut app, 80, 11);
    shows(&s, &["terminal too small"]);
}

#[test]
fn no_size_makes_any_screen_panic() {
    let mut app = demo_app();
    let sizes: Vec<(u16, u16)> = [1u16, 2, 5, 12, 20, 39, 40, 41, 59, 60, 79, 80, 120, 250]
        .iter()
        .flat_map(|w| [1u16, 3, 11, 12, 13, 17, 18, 24, 30, 60].map(|h| (*w, h)))
        .collect();
    let check = |app: &mut casebook::app::App, what: &str| {
        for (w, h) in &sizes {
            let s = render(app, *w, *h);
            assert_eq!(s.len(), *h as usize, "{what} at {w}×{h}");
        }
    };
    check(&mut app, "cases");
    filter(&mut app, "colour:red");
    check(&mut app, "cases with a bad filter");
    key(&mut app, KeyCode::Esc);
    app.open_case(1);
    check(&mut app, "case");
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Char('t'));
    typed(&mut app, "they hung up");
    check(&mut app, "touch form");
    key(&mut app, KeyCode::F(1));
    check(&mut app, "help over a form");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    check(&mut app, "discard question");
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Char('x'));
    check(&mut app, "status menu");
    key(&mut app, KeyCode::Esc);
    for tab in ['2', '3', '4'] {
        key(&mut app, KeyCode::Char(tab));
        check(&mut app, "report and SLA screens");
    }
    key(&mut app, KeyCode::Char('a'));
    check(&mut app, "policy form");
    key(&mut app, KeyCode::Esc);
    app.update(Action::Tab(casebook::app::Tab::Cases));
    key(&mut app, KeyCode::Char('q'));
    key(&mut app, KeyCode::Char('a'));
    check(&mut app, "case form");
}

#[test]
fn no_color_means_no_colour_at_all() {
    let mut app = demo_app();
    app.open_case(1);
    key(&mut app, KeyCode::Char('n'));
    let theme = Theme::plain();
    for tab in ['1', '2', '3'] {
        key(&mut app, KeyCode::Char(tab));
        let backend = ratatui::backend::TestBackend::new(100, 30);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        app.update(Action::Resize(100, 30));
        terminal
            .draw(|f| casebook::ui::draw(f, &app, &theme))
            .unwrap();
        let buf = terminal.backend().buffer();
        for cell in buf.content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "a coloured cell under NO_COLOR: {cell:?}"
            );
        }
    }
    // Colour is used otherwise.
    let colored = render_with(&mut app, 100, 30, &Theme::colored());
    assert!(!colored.is_empty());
}

#[test]
fn an_empty_database_says_how_to_start() {
    utc();
    let store = casebook::store::Store::in_memory().unwrap();
    let mut app = casebook::app::App::new(store, now(), false).unwrap();
    let s = render(&mut app, 80, 24);
    shows(&s, &["No cases yet. Press a to log one", "0 of 0"]);
    for tab in ['2', '3'] {
        key(&mut app, KeyCode::Char(tab));
        for (w, h) in [(80, 24), (40, 12)] {
            let s = render(&mut app, w, h);
            shows(&s, &["(all)"]);
        }
    }
    // Keys that need a case say so instead of failing.
    key(&mut app, KeyCode::Char('1'));
    for k in ['t', 'e', 'x', 'r', 'w'] {
        key(&mut app, KeyCode::Char(k));
        assert!(app.modal.is_none(), "{k}");
        assert!(app.flash.as_ref().is_some_and(|f| f.error), "{k}");
    }
}

#[test]
fn case_screen_at_80x24_reads_every_flag_in_full() {
    let mut app = demo_app();
    for id in [1, 2] {
        app.open_case(id);
        let s = render(&mut app, 80, 24);
        // The header's facts are whole: none is cut with "…".
        for line in &s[1..5] {
            assert!(!line.contains('…'), "{line}");
        }
        // The channel map names the stages around a long one (case 2: 2 years on the phone).
        if id == 2 {
            // Below the header (which leads with the next action) and the map's title.
            let bar = 1 + s
                .iter()
                .position(|l| l.starts_with("where the time went"))
                .unwrap();
            assert!(
                s[bar].starts_with("web ") && s[bar].contains("phone"),
                "{}",
                s[bar]
            );
        }
        let flags = app.case.as_ref().unwrap().flags.clone();
        for f in &flags {
            key(&mut app, KeyCode::Char('n'));
            assert_eq!(app.case.as_ref().unwrap().selected_flag(), Some(f));
            let s = render(&mut app, 80, 24);
            // The selected explanation, wrapped, read back whole.
            let text: Vec<&str> = s.iter().flat_map(|l| l.split_whitespace()).collect();
            let want: Vec<&str> = f.explanation.split_whitespace().collect();
            assert!(
                text.windows(want.len()).any(|w| w == want.as_slice()),
                "{}: {}\n{}",
                f.pattern.id(),
                f.explanation,
                s.join("\n")
            );
        }
        key(&mut app, KeyCode::Char('q'));
    }
}

#[test]
fn case_screen_leads_with_the_next_action_and_a_cost_line() {
    let mut app = demo_app();
    app.open_case(2);
    // The action's longer wording (whom to escalate to) leaves no room for
    // its evidence at 100 columns: the evidence is left out whole, not cut.
    let wide = render(&mut app, 160, 30);
    assert!(
        wide[1].starts_with("next ▸ Escalate to a supervisor at Comcast: 9 contacts and nothing escalated yet  [#9 #10"),
        "{}",
        wide[1]
    );
    let s = render(&mut app, 100, 30);
    assert_eq!(
        s[1].trim_end(),
        "next ▸ Escalate to a supervisor at Comcast: 9 contacts and nothing escalated yet"
    );
    assert!(s[2].starts_with("#2 Cannot sign up"), "{}", s[2]);
    shows(
        &s,
        &[
            "pre_sale",
            "service cost the vendor 94.00",
            "the customer 65.42 and 2h 37m",
        ],
    );
    // The channel map's bar switches to cost with $, and back.
    key(&mut app, KeyCode::Char('$'));
    let s = render(&mut app, 100, 30);
    shows(
        &s,
        &[
            "cost to serve 94.00 · largest: #11 phone Comcast 25.00",
            "($ time)",
        ],
    );
    key(&mut app, KeyCode::Char('$'));
    let s = render(&mut app, 100, 30);
    shows(&s, &["waiting on vendor"]);
    // A done case has no next action: its title comes first.
    app.open_case(1);
    let s = render(&mut app, 120, 30);
    assert!(s[1].starts_with("#1 File cabinet"), "{}", s[1]);
    shows(
        &s,
        &[
            "sale 129.99",
            "service cost the vendor 41.40",
            "refunds 154.99",
            "margin -66.40",
            "the customer 169.17 and 5h 46m",
        ],
    );
}

#[test]
fn vendors_rank_by_friction_cost_and_group_by_stage() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('s'));
    let s = render(&mut app, 100, 24);
    shows(&s, &["ranked by friction cost", "fric cost", "cost/case"]);
    // The seller's missing screw (41.40 + 169.17 = 210.57) above Comcast's
    // sign-up and phone number (159.42 + 22.83 = 182.25).
    let pos = |t: &str| s.iter().position(|l| l.starts_with(t)).unwrap();
    assert!(pos("We Love") < pos("Comcast") && pos("Comcast") < pos("Southwest"));
    assert!(s[pos("We Love")].contains("210.57"));
    assert!(s[pos("Comcast")].contains("182.25"));
    key(&mut app, KeyCode::Char('J'));
    let s = render(&mut app, 100, 24);
    shows(
        &s,
        &[
            "journey stages",
            "pre_sale",
            "delivery",
            "use",
            "friction score 6.00 over 1 case(s)",
        ],
    );
    key(&mut app, KeyCode::Char('J'));
    let s = render(&mut app, 100, 24);
    shows(&s, &["3 vendors"]);
}

#[test]
fn ids_of_seven_digits_show_whole_at_any_width() {
    utc();
    let mut store = demo_store();
    let mut big = casebook::domain::Case::new("A case from a large file", "Comcast", now());
    big.id = 1_234_567;
    store
        .in_transaction(|w| w.merge_case(big, Vec::new(), None, now()))
        .unwrap();
    let mut app = casebook::app::App::new(store, now(), false).unwrap();
    for (w, h) in [(80, 24), (40, 12), (200, 50)] {
        let s = render(&mut app, w, h);
        shows(&s, &["1234567 "]);
        // The short ids line up under it, right-aligned.
        assert!(
            s.iter().any(|l| l.starts_with("      2 ")),
            "at {w}×{h}:\n{}",
            s.join("\n")
        );
    }
}

/// Every screen of the app (and its forms) at the four sizes the issue
/// names, as snapshots: a change to any screen shows in review.
#[test]
fn every_screen_at_the_four_sizes() {
    type Open = fn(&mut casebook::app::App);
    let screens: [(&str, Open); 9] = [
        ("cases", |_| {}),
        ("case_open", |app| app.open_case(2)),
        ("case_resolved", |app| app.open_case(1)),
        ("vendors", |app| key(app, KeyCode::Char('2'))),
        ("channels", |app| key(app, KeyCode::Char('3'))),
        ("sla", |app| key(app, KeyCode::Char('4'))),
        ("case_form", |app| {
            app.open_case(1);
            key(app, KeyCode::Char('e'));
        }),
        ("touch_form", |app| {
            app.open_case(2);
            key(app, KeyCode::Char('t'));
        }),
        ("calendar_form", |app| {
            key(app, KeyCode::Char('4'));
            key(app, KeyCode::Char('c'));
        }),
    ];
    for (name, open) in screens {
        for (w, h) in [(40, 12), (80, 24), (120, 40), (200, 50)] {
            let mut app = demo_app();
            open(&mut app);
            let s = render(&mut app, w, h);
            insta::assert_snapshot!(format!("screen_{name}_{w}x{h}"), s.join("\n"));
        }
    }
}
