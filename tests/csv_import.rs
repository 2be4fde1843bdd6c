//! CSV import through presets and hand mappings, on small files written here.

#![allow(clippy::unwrap_used)]

mod common;

use common::Db;
use serde_json::Value;

const ZENDESK: &str = "\
Id,Subject,Status,Priority,Via,Requester,Assignee,Group,Tags,Created at,Solved at
101,Cannot log in,solved,high,Web form,ann@example.com,Sam,Accounts,\"login, vip\",2024-05-14 09:56:38 -0700,2024-05-15 11:56:38 -0700
102,Refund missing,pending,normal,Email,bob@example.com,Sam,Billing,,2024-05-16 08:00:00 -0700,
";

#[test]
fn zendesk_export_imports_with_its_statuses_and_channels() {
    let db = Db::new();
    let f = db.file_arg("tickets.csv", ZENDESK);
    assert!(db
        .run(&["import", &f, "--preset", "zendesk"])
        .contains("2 new"));
    let t: Value = serde_json::from_str(&db.run(&["show", "zendesk-101", "--json"])).unwrap();
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["priority"], "high");
    assert_eq!(t["vendor"], "Accounts");
    assert_eq!(t["tags"], serde_json::json!(["login", "vip"]));
    assert_eq!(t["touchpoints"][0]["channel"], "web");
    // 09:56:38 -0700 → next day 11:56:38 -0700: 26 h.
    assert_eq!(t["measures"]["ttr_hours"], 26.0);
    let p: Value = serde_json::from_str(&db.run(&["show", "zendesk-102", "--json"])).unwrap();
    assert_eq!(p["status"], "waiting_customer");
    // A fixed vendor instead of the Group column.
    let db2 = Db::new();
    db2.run(&[
        "import",
        &f,
        "--preset",
        "zendesk",
        "--map",
        "vendor==Acme Help Desk",
    ]);
    let r: Value = serde_json::from_str(&db2.run(&["report", "--json"])).unwrap();
    assert_eq!(r["groups"][0]["key"], "Acme Help Desk");
    assert_eq!(r["groups"][0]["cases"], 2);
}

#[test]
fn a_hand_mapping_reads_any_csv() {
    let db = Db::new();
    let f = db.file_arg(
        "mine.csv",
        "when,who,what,done,amount\n2024-01-02 10:00,Acme,Broken kettle,2024-01-03 10:00,19.99\n",
    );
    db.run(&[
        "import",
        &f,
        "--map",
        "opened_at=when",
        "--map",
        "vendor=who",
        "--map",
        "title=what",
        "--map",
        "resolved_at=done",
        "--map",
        "purchase_amount=amount",
        "--map",
        "ref=what",
    ]);
    let c: Value = serde_json::from_str(&db.run(&["show", "Broken kettle", "--json"])).unwrap();
    assert_eq!(c["status"], "resolved");
    assert_eq!(c["purchase_amount"], "19.99");
    assert_eq!(c["measures"]["ttr_hours"], 24.0);
}

#[test]
fn a_bad_row_names_its_line_and_column_and_nothing_is_written() {
    let db = Db::new();
    let f = db.file_arg(
        "bad.csv",
        "Id,Subject,Status,Priority,Via,Requester,Assignee,Group,Tags,Created at,Solved at\n\
        1,ok,solved,low,Email,a,b,G,,2024-01-01 10:00:00 +0000,2024-01-01 11:00:00 +0000\n\
        2,bad,solved,whenever,Email,a,b,G,,2024-01-01 10:00:00 +0000,\n",
    );
    let e = db.err(&["import", &f, "--preset", "zendesk"]);
    assert!(e.contains("bad.csv: line 3: column 'Priority': unknown priority 'whenever'; valid values: low, normal, high, urgent"), "{e}");
    let f2 = db.file_arg(
        "bad2.csv",
        "Id,Subject,Status,Priority,Via,Requester,Assignee,Group,Tags,Created at,Solved at\n\
        1,ok,solved,low,Email,a,b,G,,the day before,\n",
    );
    let e = db.err(&["import", &f2, "--preset", "zendesk"]);
    assert!(
        e.contains("line 2: column 'Created at': 'the day before' is not a time"),
        "{e}"
    );
    let f3 = db.file_arg(
        "early.csv",
        "Id,Subject,Status,Priority,Via,Requester,Assignee,Group,Tags,Created at,Solved at\n\
        1,ok,solved,low,Email,a,b,G,,2024-01-02 10:00:00 +0000,2024-01-01 10:00:00 +0000\n",
    );
    let e = db.err(&["import", &f3, "--preset", "zendesk"]);
    assert!(
        e.contains("line 2: column 'Solved at': 2024-01-01 10:00 is before the case was opened (2024-01-02 10:00) (case zendesk-1)"),
        "{e}"
    );
    let e = db.err(&[
        "import",
        &f,
        "--map",
        "vendor=Nope",
        "--map",
        "opened_at=Created at",
    ]);
    assert!(
        e.contains("no header line with the columns [\"Nope\"]"),
        "{e}"
    );
    let e = db.err(&["import", &f, "--preset", "salesforce"]);
    assert!(e.contains("unknown preset 'salesforce'"), "{e}");
    let e = db.err(&["import", &f, "--map", "title=Subject"]);
    assert!(e.contains("needs at least vendor and opened_at"), "{e}");
    // Nothing was written by any of these.
    let r: Value = serde_json::from_str(&db.run(&["report", "--json"])).unwrap();
    assert_eq!(r["overall"]["cases"], 0);
}

#[test]
fn csv_export_neutralises_formulas() {
    let db = Db::new();
    db.run(&[
        "add",
        "--vendor",
        "=HYPERLINK(\"http://x\")",
        "--title",
        "+SUM(A1)",
        "--opened",
        "2024-01-01",
    ]);
    db.run(&[
        "touch",
        "1",
        "--channel",
        "email",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        "@evil",
        "--at",
        "2024-01-02",
    ]);
    let csv = db.run(&["export", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("case_id,ref,uid,title,vendor"));
    let row = lines.next().unwrap();
    assert!(
        row.contains(",'+SUM(A1),\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{row}"
    );
    assert!(row.ends_with(",'@evil"), "{row}");
}

/// Every field a touch has (its JSON, as `show --json` prints it) is a column
/// of the CSV export, with the same value; the formula guard still applies.
#[test]
fn csv_export_carries_every_field_of_a_touch() {
    let db = Db::new();
    let case = r#"{"casebook": 1, "cases": [{"ref": "t-1", "title": "Late refund",
        "vendor": "Acme", "opened_at": "2024-01-01T09:00:00Z",
        "touchpoints": [{"at": "2024-01-02T10:00:00Z", "channel": "phone",
          "from": "customer", "party": "Acme Billing", "minutes": 12.5,
          "wait_minutes": 45, "outcome": "promise", "ask": "return_item",
          "promise_due": "2024-01-09T17:30:00Z", "waiting_on": "vendor",
          "note": "-they will call back"}]}]}"#;
    let f = db.file_arg("one.json", case);
    db.run(&["import", &f]);
    let shown = db.json(&["show", "t-1", "--json"]);
    let touch = shown["touchpoints"][0].as_object().unwrap().clone();
    // The fixture sets every field a touch has.
    assert_eq!(touch.len(), 12, "{touch:?}");
    let csv = db.run(&["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let cell = |column: &str| -> &str {
        let i = header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
        &rows[0][i]
    };
    for (field, value) in &touch {
        let column = match field.as_str() {
            "id" => "touch_id",
            "outcome" => "touch_outcome",
            other => other,
        };
        let got = cell(column);
        match value {
            Value::Number(n) => {
                assert_eq!(got.parse::<f64>().ok(), n.as_f64(), "{column}: {got}")
            }
            Value::String(s) if field == "at" || field == "promise_due" => {
                let instant = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
                assert_eq!(instant(got), instant(s), "{column}");
            }
            Value::String(s) if field == "note" => assert_eq!(got, format!("'{s}")),
            Value::String(s) => assert_eq!(got, s, "{column}"),
            other => panic!("{field}: unexpected {other}"),
        }
    }
}

/// Cases without `ref` or `uid`: a second import finds them by their content.
#[test]
fn reimporting_files_without_refs_changes_nothing() {
    let db = Db::new();
    let csv = db.file_arg(
        "mine.csv",
        "when,who,what,said\n\
         2024-01-02 10:00,Acme,Broken kettle,Called the shop\n\
         2024-01-03 09:00,Acme,Broken kettle,\n",
    );
    let map = [
        "--map",
        "opened_at=when",
        "--map",
        "vendor=who",
        "--map",
        "title=what",
        "--map",
        "note=said",
    ];
    let import = |file: &str| {
        let mut args = vec!["import", file];
        if file.ends_with(".csv") {
            args.extend(map);
        }
        db.run(&args)
    };
    assert!(import(&csv).contains("2 case(s) read: 2 new, 0 updated, 0 unchanged"));
    let json = db.file_arg(
        "mine.json",
        r#"{"casebook": 1, "cases": [
          {"title": "Late parcel", "vendor": "Parcelco", "opened_at": "2024-02-01T08:00:00Z",
           "touchpoints": [{"at": "2024-02-01T09:00:00Z", "channel": "chat", "from": "customer", "outcome": "sent"}]},
          {"title": "Late parcel", "vendor": "Parcelco", "opened_at": "2024-02-01T08:00:00Z",
           "touchpoints": [{"at": "2024-02-01T09:00:00Z", "channel": "phone", "from": "customer", "outcome": "sent"}]}]}"#,
    );
    assert!(import(&json).contains("2 case(s) read: 2 new"));
    let jsonl = db.file_arg(
        "mine.jsonl",
        "{\"title\": \"Wrong size\", \"vendor\": \"Shoeshop\", \"opened_at\": \"2024-03-01T08:00:00Z\"}\n",
    );
    assert!(import(&jsonl).contains("1 case(s) read: 1 new"));
    let before = db.run(&["export"]);
    for file in [&csv, &json, &jsonl] {
        let again = import(file);
        assert!(again.contains(" 0 new, 0 updated,"), "{file}: {again}");
    }
    assert_eq!(db.run(&["export"]), before);
    let listed: Value = serde_json::from_str(&db.run(&["list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 5);
    // The key is the case's ref, so it names the case like any ref.
    let c: Value = serde_json::from_str(&db.run(&["show", "3", "--json"])).unwrap();
    assert!(
        c["ref"].as_str().unwrap().starts_with("content-"),
        "{}",
        c["ref"]
    );
}

/// `--map note=COLUMN` without a channel keeps the notes (on channel
/// `other`); the dry run says what each column becomes; a title with a line
/// break is folded, not refused.
#[test]
fn every_mapped_column_is_kept_and_the_dry_run_says_where() {
    let db = Db::new();
    let f = db.file_arg(
        "notes.csv",
        "when,who,what,said\n\
         2024-01-02 10:00,Acme,\"Broken\nkettle  again\",\"Called the shop.\nThey hung up.\"\n\
         2024-01-03 09:00,Acme,Toaster,\n",
    );
    let args = [
        "import",
        &f,
        "--map",
        "opened_at=when",
        "--map",
        "vendor=who",
        "--map",
        "title=what",
        "--map",
        "note=said",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = db.run(&dry);
    assert!(out.contains("column 'said' → the note of a first touch on channel other (from the customer, outcome sent, at the opening time)"), "{out}");
    assert!(
        out.contains("column 'when' → the case's opened_at"),
        "{out}"
    );
    assert!(
        out.contains("1 title(s) had line breaks or runs of spaces: folded to single spaces"),
        "{out}"
    );
    assert!(
        out.contains("2 new, 0 updated, 0 unchanged (1 touchpoints)"),
        "{out}"
    );
    db.run(&args);
    let c: Value = serde_json::from_str(&db.run(&["show", "1", "--json"])).unwrap();
    assert_eq!(c["title"], "Broken kettle again");
    assert_eq!(c["touchpoints"][0]["channel"], "other");
    assert_eq!(c["touchpoints"][0]["from"], "customer");
    assert_eq!(c["touchpoints"][0]["outcome"], "sent");
    assert_eq!(c["touchpoints"][0]["at"], "2024-01-02T10:00:00Z");
    assert_eq!(
        c["touchpoints"][0]["note"],
        "Called the shop.\nThey hung up."
    );
    let t: Value = serde_json::from_str(&db.run(&["show", "2", "--json"])).unwrap();
    assert_eq!(t["touchpoints"], serde_json::json!([]));
}

/// JSON takes every time form the README lists (a zone-less time is UTC);
/// an error names the case (its place and ref), the field and the reason.
#[test]
fn json_reads_every_listed_time_form_and_names_what_is_wrong() {
    let db = Db::new();
    let f = db.file_arg(
        "times.jsonl",
        "{\"ref\": \"d\", \"title\": \"Dates\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01\",\
          \"resolved_at\": \"2024-01-02 06:30\", \"status\": \"resolved\",\
          \"touchpoints\": [{\"at\": \"2024-01-01T08:00\", \"channel\": \"chat\", \"from\": \"customer\",\
            \"outcome\": \"promise\", \"promise_due\": \"2024-01-01 12:00:00\"}]}\n\
         {\"ref\": \"r\", \"title\": \"Relative\", \"vendor\": \"V\", \"opened_at\": \"-2d\"}\n\
         {\"ref\": \"n\", \"title\": \"Now\", \"vendor\": \"V\", \"opened_at\": \"now\"}\n",
    );
    db.run(&["import", &f]);
    let d: Value = serde_json::from_str(&db.run(&["show", "d", "--json"])).unwrap();
    assert_eq!(d["opened_at"], "2024-01-01T00:00:00Z");
    assert_eq!(d["measures"]["ttr_hours"], 30.5);
    assert_eq!(d["touchpoints"][0]["at"], "2024-01-01T08:00:00Z");
    assert_eq!(d["touchpoints"][0]["promise_due"], "2024-01-01T12:00:00Z");
    let r: Value = serde_json::from_str(&db.run(&["show", "r", "--json"])).unwrap();
    assert_eq!(r["opened_at"], "2026-11-21T00:00:00Z");
    let n: Value = serde_json::from_str(&db.run(&["show", "n", "--json"])).unwrap();
    assert_eq!(n["opened_at"], "2026-11-23T00:00:00Z");
    let bad = |name: &str, lines: &str| db.err(&["import", &db.file_arg(name, lines)]);
    let ok = "{\"title\": \"ok\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01\"}\n";
    let e = bad(
        "a.jsonl",
        &format!("{ok}{{\"ref\": \"x-1\", \"title\": \"t\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01\",\
          \"touchpoints\": [{{\"at\": \"2024-01-02\", \"channel\": \"chat\", \"from\": \"customer\", \"outcome\": \"sennt\"}}]}}\n"),
    );
    assert!(
        e.contains("a.jsonl: line 2: case 2 (ref 'x-1'): touchpoints[0].outcome: unknown touch outcome 'sennt'; valid values: sent,"),
        "{e}"
    );
    let e = bad(
        "b.jsonl",
        &format!("{ok}{ok}{{\"title\": \"t\", \"vendor\": \"V\", \"opened_at\": \"soon\"}}\n"),
    );
    assert!(
        e.contains(
            "b.jsonl: line 3: case 3: opened_at: bad time 'soon': use now, 14:00 (today), tomorrow"
        ),
        "{e}"
    );
    let e = bad(
        "c.json",
        "{\"casebook\": 1, \"cases\": [\n{\"ref\": \"c\", \"title\": \"t\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01\", \"csat\": \"great\"}]}",
    );
    assert!(
        e.contains(
            "c.json: line 2: case 1 (ref 'c'): csat: invalid type: string \"great\", expected u8"
        ),
        "{e}"
    );
    let e = bad(
        "d.jsonl",
        "{\"ref\": \"d2\", \"title\": \"t\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01\",\
          \"touchpoints\": [{\"at\": \"2024-01-02\", \"channel\": \"chat\", \"from\": \"customer\", \"outcome\": \"sent\", \"promise_due\": \"2023-01-01\"}]}\n",
    );
    assert!(
        e.contains("case 1 (ref 'd2'): touchpoints[0].promise_due: is before the touch itself"),
        "{e}"
    );
    let e = bad("e.jsonl", "{\"ref\": \"e\", \"title\": \"t\"}\n");
    assert!(
        e.contains("case 1 (ref 'e'): case: missing field `vendor`"),
        "{e}"
    );
}

#[test]
fn stage_is_mapped_from_a_column_refused_when_unknown_and_exported() {
    let db = Db::new();
    let f = db.file_arg(
        "stages.csv",
        "id,when,who,what,kind,where\n\
        s1,2024-01-02 10:00,Acme,Cannot sign up,technical,Pre-Sale\n\
        s2,2024-01-03 10:00,Acme,Screw missing,missing_part,\n",
    );
    let map = [
        "--map",
        "ref=id",
        "--map",
        "opened_at=when",
        "--map",
        "vendor=who",
        "--map",
        "title=what",
        "--map",
        "category=kind",
        "--map",
        "stage=where",
    ];
    let mut args = vec!["import", &f];
    args.extend(map);
    db.run(&args);
    let c: Value = serde_json::from_str(&db.run(&["show", "s1", "--json"])).unwrap();
    assert_eq!(c["stage"], "pre_sale");
    // An empty cell takes the category's stage.
    let c: Value = serde_json::from_str(&db.run(&["show", "s2", "--json"])).unwrap();
    assert_eq!(c["stage"], "delivery");
    let csv = db.run(&["export", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().contains(",category,stage,priority,"));
    assert!(lines
        .next()
        .unwrap()
        .contains(",technical,pre_sale,normal,"));
    assert!(lines
        .next()
        .unwrap()
        .contains(",missing_part,delivery,normal,"));

    // A bad stage stops the whole file, names the valid ones, writes nothing.
    let bad = db.file_arg(
        "bad_stage.csv",
        "id,when,who,what,kind,where\n\
        s3,2024-01-04 10:00,Acme,Fine,technical,use\n\
        s4,2024-01-05 10:00,Acme,Odd,technical,checkout\n",
    );
    let mut args = vec!["import", &bad];
    args.extend(map);
    let e = db.err(&args);
    assert!(
        e.contains("line 3: column 'where': unknown stage 'checkout'; valid values: pre_sale, order, delivery, use, billing, cancel"),
        "{e}"
    );
    let r: Value = serde_json::from_str(&db.run(&["report", "--json"])).unwrap();
    assert_eq!(r["overall"]["cases"], 2);
}

/// A bad row is named by the line it is on, whatever the line ends: the CSV
/// reader's own count is a line short after CRLF.
#[test]
fn a_bad_row_s_line_is_right_with_crlf_and_quoted_line_breaks() {
    for end in ["\n", "\r\n"] {
        let db = Db::new();
        let text = [
            "when,who,what",
            "2024-01-02 10:00,Acme,\"Two",
            "lines\"",
            "2024-01-03 10:00,Acme,Fine",
            "yesterday-ish,Acme,Bad time",
            "",
        ]
        .join(end);
        let f = db.file_arg("bad.csv", &text);
        let err = db.fails(&[
            "import",
            &f,
            "--map",
            "opened_at=when",
            "--map",
            "vendor=who",
            "--map",
            "title=what",
        ]);
        assert!(
            err.contains("bad.csv: line 5: column 'when'"),
            "{end:?}: {err}"
        );
    }
}

/// A Latin-1 byte stops a UTF-8 read at its line and column, with the option
/// that reads it; `--encoding latin1` (or windows-1252) then reads the file.
#[test]
fn a_latin1_file_is_named_where_it_stops_and_reads_with_encoding() {
    let db = Db::new();
    let path = db.dir.path().join("latin1.csv");
    std::fs::write(
        &path,
        b"when,who,what\r\n2024-01-02 10:00,Acme,Kettle\r\n2024-01-03 10:00,Caf\xe9 Noir,Cold\xa0coffee\r\n",
    )
    .unwrap();
    let f = path.to_str().unwrap();
    let map = [
        "--map",
        "opened_at=when",
        "--map",
        "vendor=who",
        "--map",
        "title=what",
    ];
    let err = db.fails(&[&["import", f][..], &map].concat());
    assert!(
        err.contains("latin1.csv: line 3: column 21: byte 0xE9 is not UTF-8 text"),
        "{err}"
    );
    assert!(
        err.contains("--encoding latin1, windows-1252 or utf-16"),
        "{err}"
    );
    let out = db.run(&[&["import", f, "--encoding", "latin1"][..], &map].concat());
    assert!(out.contains("2 new"), "{out}");
    let v: Value = serde_json::from_str(&db.run(&["export"])).unwrap();
    assert_eq!(v["cases"][1]["vendor"], "Café Noir");
    assert_eq!(v["cases"][1]["title"], "Cold coffee");
}

/// Without a preset, a mapped channel no table knows is a channel of its
/// own, kept lower-case (the spec: imports may add others).
#[test]
fn a_plain_mapping_keeps_a_new_channel_of_its_own() {
    let db = Db::new();
    let f = db.file_arg(
        "own.csv",
        "ref,title,vendor,opened,how\nt1,Parcel,Acme,2026-11-01 09:00,Telegram\n",
    );
    db.run(&[
        "import",
        &f,
        "--map",
        "ref=ref",
        "--map",
        "title=title",
        "--map",
        "vendor=vendor",
        "--map",
        "opened_at=opened",
        "--map",
        "channel=how",
    ]);
    let shown = db.json(&["show", "t1", "--json"]);
    assert_eq!(shown["touchpoints"][0]["channel"], "telegram", "{shown}");
}

/// Every field of a case and of a touch is a column of the CSV export, and
/// `import` reads casebook's own CSV back: export → import into a new file
/// → export gives the same bytes, ids, uids, tags, notes with any
/// characters and the formula guard included.
#[test]
fn csv_export_reads_back_byte_for_byte() {
    let db = Db::new();
    let doc = r#"{"casebook": 1, "cases": [
      {"ref": "full", "uid": "u-full", "title": "'Late refund, again", "vendor": "Acme",
       "marketplace": "Shopmall", "product": "Kettle", "order_ref": "=1+1", "customer": "Ann",
       "owner": "Sam", "category": "refund", "stage": "billing", "priority": "high",
       "status": "closed", "opened_at": "2024-01-01T09:00:00Z",
       "resolved_at": "2024-01-05T10:00:00Z", "closed_at": "2024-01-06T10:00:00Z",
       "outcome": "partial_refund", "purchase_amount": "120.50", "refund_amount": "60.25",
       "currency": "EUR", "customer_cost": "5.00", "customer_minutes": 95, "churned": true,
       "csat": 2, "effort": 6, "reopens": 1, "tags": ["vip", "a, b", "-odd", "late parcel"],
       "touchpoints": [
         {"at": "2024-01-02T10:00:00Z", "channel": "phone", "from": "customer",
          "party": "Acme Billing", "minutes": 12.5, "wait_minutes": 45, "outcome": "promise",
          "ask": "return_item", "promise_due": "2024-01-09T17:30:00Z", "waiting_on": "vendor",
          "note": "-they will call back\r\nline two,\u001b[31m red \u0007 \u0085 'quoted'"},
         {"at": "2024-01-03T10:00:00Z", "channel": "telegram", "from": "vendor",
          "outcome": "info_given", "note": "'starts with an apostrophe"},
         {"at": "2024-01-03T10:00:00Z", "channel": "email", "from": "vendor",
          "party": "Acme", "outcome": "resolved", "note": "  spaces kept  "}]},
      {"ref": "bare", "title": "No touches yet", "vendor": "Parcelco",
       "opened_at": "2024-02-01T08:00:00Z"},
      {"title": "No ref", "vendor": "@Home", "opened_at": "2024-03-01T08:00:00Z",
       "touchpoints": [{"at": "2024-03-01T08:30:00Z", "channel": "chat",
         "from": "customer", "outcome": "sent"}]}]}"#;
    let f = db.file_arg("all.json", doc);
    db.run(&["import", &f]);
    // A touch logged later on the first case: its id comes after the other
    // cases' touches, and is kept so.
    db.run(&[
        "touch",
        "full",
        "--channel",
        "chat",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--at",
        "2024-01-07T10:00:00Z",
    ]);
    let csv = db.run(&["export", "--format", "csv"]);

    // Every field of the case's JSON is a column.
    let json: Value = serde_json::from_str(&db.run(&["export"])).unwrap();
    let case = json["cases"][0].as_object().unwrap();
    let header = csv.lines().next().unwrap();
    for field in case.keys() {
        let column = match field.as_str() {
            "id" => "case_id",
            "touchpoints" | "events" => continue,
            other => other,
        };
        assert!(
            header.split(',').any(|c| c == column),
            "no column {column}: {header}"
        );
    }
    assert!(
        header.contains(",churned,customer_minutes,csat,effort,reopens,tags,touch_id,"),
        "{header}"
    );
    assert!(csv.contains(",\"'-odd\na, b\nlate parcel\nvip\","), "{csv}");
    assert!(csv.contains(",\"''Late refund, again\","), "{csv}");

    let other = Db::new();
    let exported = other.file_arg("cases.csv", &csv);
    let out = other.run(&["import", &exported]);
    assert!(
        out.contains("3 case(s) read: 3 new, 0 updated, 0 unchanged (5 touchpoints)"),
        "{out}"
    );
    assert_eq!(other.run(&["export", "--format", "csv"]), csv);
    let full = other.json(&["show", "full", "--json"]);
    assert_eq!(full["uid"], "u-full");
    assert_eq!(full["title"], "'Late refund, again");
    assert_eq!(full["customer_minutes"], 95);
    assert_eq!(full["reopens"], 1);
    assert_eq!(
        full["touchpoints"][0]["note"],
        "-they will call back\r\nline two,\u{1b}[31m red \u{7} \u{85} 'quoted'"
    );
    // A touch's party as it was: none, or the case's vendor named.
    assert!(full["touchpoints"][1].get("party").is_none(), "{full}");
    assert_eq!(full["touchpoints"][2]["party"], "Acme", "{full}");
    // Importing it again changes nothing, into either file.
    for db in [&db, &other] {
        let again = db.run(&["import", &exported]);
        assert!(again.contains("0 new, 0 updated, 3 unchanged"), "{again}");
    }
}
