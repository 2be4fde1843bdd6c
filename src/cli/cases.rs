//! add, touch, status, resolve, list, show, flags.

use super::journey;
use super::json_array::JsonArray;
use super::table::Table;
use super::Context;
use crate::domain::cost::case_cost;
use crate::domain::friction::{self, CaseView};
use crate::domain::measures::{measure, round4};
use crate::domain::query::Query;
use crate::domain::time::{localize_utc_times, short_duration};
use crate::domain::{Case, Channel, Money, Touchpoint};
use crate::io::json::{FlagRecord, ShownCase};
use crate::store::query::SortKey;
use crate::store::report::Window;
use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Local, Utc};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The vendor the case is with (a known name or alias, or a new vendor)
    #[arg(long)]
    pub vendor: String,
    /// What went wrong, in a line
    #[arg(long)]
    pub title: String,
    /// missing_part, defect, wrong_item, late_delivery, billing, refund, account_access, service_activation, outage, technical, praise, other
    #[arg(long)]
    pub category: Option<String>,
    /// The marketplace it was bought through
    #[arg(long, value_name = "MARKETPLACE")]
    pub via: Option<String>,
    /// The channel the customer first used: logs a first touch (customer, sent) at the opening time
    #[arg(long, value_name = "CH")]
    pub channel: Option<String>,
    /// When the problem was first raised [default: now]
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub opened: Option<String>,
    /// low, normal, high, urgent
    #[arg(long)]
    pub priority: Option<String>,
    /// pre_sale, order, delivery, use, billing, cancel [default: from the category]
    #[arg(long)]
    pub stage: Option<String>,
    /// The product concerned
    #[arg(long)]
    pub product: Option<String>,
    /// The purchase amount, such as 129.99
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// The currency of the amounts, such as USD
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// The importer's or user's own key for the case
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The order's number at the vendor
    #[arg(long = "order", value_name = "ORDER_REF")]
    pub order_ref: Option<String>,
    /// Who the customer is (for a team logging others' cases)
    #[arg(long)]
    pub customer: Option<String>,
    /// Who looks after the case
    #[arg(long)]
    pub owner: Option<String>,
    /// A tag (repeat for more)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TouchArgs {
    /// The case: its id, ref or uid
    pub case: String,
    /// phone, chat, email, web, app, store, social, mail, in_person, claim
    #[arg(long, value_name = "CH")]
    pub channel: String,
    /// Who started it: customer or vendor
    #[arg(long)]
    pub from: String,
    /// sent, resolved, promise, offer, info_request, info_given, escalated, transferred, no_answer, dropped, unreachable, no_record, contradicted, loop, refused, delight, other
    #[arg(long)]
    pub outcome: String,
    /// The vendor dealt with at this touch [default: the case's vendor]
    #[arg(long)]
    pub party: Option<String>,
    /// When it happened [default: now]
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// How long it took, in minutes
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub minutes: Option<f64>,
    /// Time on hold or in a queue, in minutes
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub wait: Option<f64>,
    /// none, wait, provide_info, return_item, visit_store, call_elsewhere, reinstall
    #[arg(long)]
    pub ask: Option<String>,
    /// When the vendor promised to come back
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub promise_due: Option<String>,
    /// Who the case waits on after this touch: vendor, customer, nobody
    #[arg(long)]
    pub waiting_on: Option<String>,
    /// What was said or done, in your words
    #[arg(long)]
    pub note: Option<String>,
}

fn money(text: Option<&str>) -> Result<Option<Money>> {
    Ok(text.map(Money::parse).transpose()?)
}

pub fn add(cx: &mut Context, a: &AddArgs, out: &mut dyn Write) -> Result<()> {
    let opened = cx.at(a.opened.as_deref())?;
    let mut case = Case::new(&a.title, &a.vendor, opened);
    if let Some(c) = &a.category {
        case.category = c.parse()?;
    }
    if let Some(p) = &a.priority {
        case.priority = p.parse()?;
    }
    case.stage = a.stage.as_deref().map(str::parse).transpose()?;
    case.marketplace = a.via.clone();
    case.product = a.product.clone();
    case.purchase_amount = money(a.amount.as_deref())?;
    case.currency = a.currency.clone();
    case.reference = a.reference.clone();
    case.order_ref = a.order_ref.clone();
    case.customer = a.customer.clone();
    case.owner = a.owner.clone();
    case.tags = a.tags.clone();
    let mut touches = Vec::new();
    if let Some(ch) = &a.channel {
        let channel = Channel::known(ch)?;
        touches.push(Touchpoint::new(
            opened,
            channel,
            crate::domain::StartedBy::Customer,
            crate::domain::TouchOutcome::Sent,
        ));
    }
    if let Some(r) = &case.reference {
        if cx.store.find_case(r).is_ok() {
            bail!("a case with ref '{r}' already exists");
        }
    }
    let id = cx.store.create_case(case, touches, cx.now)?;
    writeln!(out, "{id}")?;
    Ok(())
}

pub fn touch(cx: &mut Context, a: &TouchArgs, out: &mut dyn Write) -> Result<()> {
    let case_id = cx.store.find_case(&a.case)?;
    let mut t = Touchpoint::new(
        cx.at(a.at.as_deref())?,
        Channel::known(&a.channel)?,
        a.from.parse()?,
        a.outcome.parse()?,
    );
    t.party = a.party.clone();
    t.minutes = a.minutes;
    t.wait_minutes = a.wait;
    t.ask = a.ask.as_deref().map(str::parse).transpose()?;
    t.promise_due = a
        .promise_due
        .as_deref()
        .map(|p| cx.due(Some(p)))
        .transpose()?;
    t.waiting_on = a.waiting_on.as_deref().map(str::parse).transpose()?;
    t.note = a.note.clone().unwrap_or_default();
    let id = cx.store.add_touch(case_id, t, cx.now)?;
    writeln!(out, "{id}")?;
    Ok(())
}

pub fn status(
    cx: &mut Context,
    case: &str,
    status: &str,
    at: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let id = cx.store.find_case(case)?;
    let status = status.parse()?;
    let at = cx.at(at)?;
    let case = cx.store.set_status(id, status, at, cx.now)?;
    writeln!(
        out,
        "case {id} is {}{}",
        case.status,
        if case.reopens > 0 {
            format!(" (reopened {} time(s))", case.reopens)
        } else {
            String::new()
        }
    )?;
    Ok(())
}

pub fn resolve(
    cx: &mut Context,
    case: &str,
    outcome: &str,
    refund: Option<&str>,
    at: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let id = cx.store.find_case(case)?;
    let outcome = outcome.parse()?;
    let refund = money(refund)?;
    let at = cx.at(at)?;
    let case = cx.store.resolve(id, outcome, refund, at, cx.now)?;
    let ttr = crate::domain::measures::ttr_hours(&case).map_or("-".into(), |h| {
        short_duration(chrono::Duration::milliseconds((h * 3_600_000.0) as i64))
    });
    writeln!(out, "case {id} resolved ({outcome}) after {ttr}")?;
    Ok(())
}

pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn list(
    cx: &mut Context,
    query: &str,
    sort: &str,
    limit: Option<usize>,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let q = Query::parse(query).map_err(|e| anyhow::anyhow!("bad query: {e}"))?;
    let (key, desc) = match sort.strip_prefix('-') {
        Some(k) => (k, true),
        None => (sort, false),
    };
    let key = SortKey::ALL
        .into_iter()
        .find(|k| k.label() == key)
        .with_context(|| format!("unknown sort '{sort}'; valid: urgency, id, age, vendor, channel, status, flags, touches, sla (prefix - to reverse)"))?;
    cx.bring_up_to_date()?;
    if json {
        // Written as read: memory stays flat whatever the number of cases.
        let mut arr = JsonArray::new(out);
        let mut failed = None;
        let read = cx.store.each_case_row(&q, key, desc, limit, cx.now, |row| {
            arr.push(&row).map_err(|e| {
                let text = e.to_string();
                failed = Some(e);
                crate::store::StoreError::Output(text)
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read?;
        arr.finish()?;
        return Ok(());
    }
    let mut rows = Vec::new();
    cx.store
        .each_case_row(&q, key, desc, limit, cx.now, |row| {
            rows.push(row);
            Ok(())
        })?;
    let mut t = Table::new(&[
        "id", "age", "vendor", "last ch", "status", "sla", "flags", "touches", "title",
    ])
    .right(&[0, 1, 7])
    .max_width(2, 24)
    .max_width(6, 40)
    .max_width(8, 50);
    for r in &rows {
        // Time since opening, as the app shows it and as `--sort age` sorts.
        let age = crate::domain::time::age_text(cx.now - r.opened_at);
        t.row(vec![
            r.id.to_string(),
            age,
            r.vendor.clone(),
            r.last_channel.clone().unwrap_or_default(),
            r.status.to_string(),
            crate::domain::sla::cell(
                r.sla_state.as_deref(),
                r.sla_due_at,
                r.sla_left_hours,
                cx.now,
            ),
            r.flags.join(" "),
            r.touches.to_string(),
            r.title.clone(),
        ]);
    }
    write!(out, "{}", t.render())?;
    writeln!(out, "{} case(s)", rows.len())?;
    Ok(())
}

fn hours_text(h: Option<f64>) -> String {
    h.map_or("-".into(), |h| {
        format!(
            "{} ({:.2} h)",
            short_duration(chrono::Duration::milliseconds(
                (h * 3_600_000.0).round() as i64
            )),
            h
        )
    })
}

pub fn show(cx: &mut Context, key: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let id = cx.store.find_case(key)?;
    let case = cx.store.case(id)?;
    let touches = cx.store.touches(id)?;
    let view = CaseView {
        case: &case,
        touches: &touches,
        now: cx.now,
    };
    let flags = friction::flags(&view, &cx.store.thresholds);
    let mut m = measure(&case, &touches, cx.now);
    let rates = cx.store.summary_rates.cost.clone();
    let cost = case_cost(&case, &touches, &rates);
    let next_action = cx.store.next_action(&case, &touches, &flags, cx.now)?;
    let sla = cx
        .store
        .sla_setup()?
        .and_then(|s| s.case_sla(&case, &touches, cx.now));
    if json {
        m.ttfr_hours = m.ttfr_hours.map(round4);
        m.ttr_hours = m.ttr_hours.map(round4);
        m.age_hours = m.age_hours.map(round4);
        m.vendor_wait_hours = round4(m.vendor_wait_hours);
        m.customer_wait_hours = round4(m.customer_wait_hours);
        let shown = ShownCase {
            case: &case,
            touchpoints: &touches,
            flags: flags.iter().map(|f| FlagRecord::of(&case, f)).collect(),
            measures: m,
            cost,
            next_action,
            channel_map: journey::shown_stages(&case, &touches, &rates, cx.now),
            sla,
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&shown)?)?;
        return Ok(());
    }
    writeln!(out, "#{} {}", case.id, case.title)?;
    if let Some(a) = &next_action {
        // Wrapped under itself, so that `show` stays within 100 columns.
        let line = journey::action_line(a);
        for (i, part) in crate::text::wrap(&line, 90).iter().enumerate() {
            let lead = if i == 0 { "  next: " } else { "        " };
            writeln!(out, "{lead}{part}")?;
        }
    }
    let mut fields = vec![
        (
            "vendor",
            case.vendor.clone()
                + &case
                    .marketplace
                    .as_ref()
                    .map_or(String::new(), |m| format!(" (via {m})")),
        ),
        (
            "status",
            format!(
                "{} · {} · {} · {}",
                case.status,
                case.priority,
                case.category,
                case.stage()
            ),
        ),
        ("opened", local(case.opened_at)),
    ];
    if let Some(r) = case.resolved_at {
        fields.push((
            "resolved",
            format!(
                "{}  outcome {}",
                local(r),
                case.outcome.map_or("-", |o| o.as_str())
            ),
        ));
    }
    for (k, v) in [
        ("ref", &case.reference),
        ("product", &case.product),
        ("order", &case.order_ref),
        ("customer", &case.customer),
        ("owner", &case.owner),
    ] {
        if let Some(v) = v {
            fields.push((k, v.clone()));
        }
    }
    let cur = case.currency.clone().unwrap_or_default();
    for (k, v) in [
        ("purchase", case.purchase_amount),
        ("refund", case.refund_amount),
        ("customer cost", case.customer_cost),
    ] {
        if let Some(v) = v {
            fields.push((k, format!("{v} {cur}").trim_end().to_string()));
        }
    }
    if case.churned {
        fields.push(("churned", "yes".into()));
    }
    if !case.tags.is_empty() {
        fields.push(("tags", case.tags.join(", ")));
    }
    for (k, v) in fields {
        writeln!(out, "  {k:<14}{v}")?;
    }
    writeln!(out, "  {:<14}{}", "cost", journey::cost_line(&case, &cost))?;
    writeln!(out, "\nmeasures")?;
    writeln!(
        out,
        "  {:<24}{}",
        "time to first response",
        hours_text(m.ttfr_hours)
    )?;
    writeln!(
        out,
        "  {:<24}{}",
        "time to resolution",
        hours_text(m.ttr_hours)
    )?;
    if m.age_hours.is_some() {
        writeln!(out, "  {:<24}{}", "age (open)", hours_text(m.age_hours))?;
    }
    writeln!(
        out,
        "  {:<24}{}",
        "waiting on vendor",
        hours_text(Some(m.vendor_wait_hours))
    )?;
    writeln!(
        out,
        "  {:<24}{}",
        "waiting on customer",
        hours_text(Some(m.customer_wait_hours))
    )?;
    writeln!(
        out,
        "  {:<24}{} touches, {} by the customer, {} reopen(s)",
        "contacts", m.touches, m.contacts, m.reopens
    )?;
    super::sla::show_words(sla.as_ref(), out)?;
    writeln!(out, "\ntimeline")?;
    let mut t = Table::new(&["#", "when", "channel", "from", "party", "outcome", "wait"])
        .right(&[0, 6])
        .max_width(4, 20);
    for tp in &touches {
        t.row(vec![
            tp.id.to_string(),
            local(tp.at),
            tp.channel.to_string(),
            tp.started_by.to_string(),
            tp.party_or(&case.vendor).to_string(),
            tp.outcome.to_string() + &tp.ask.map_or(String::new(), |a| format!(" (ask {a})")),
            tp.wait_minutes.map_or(String::new(), |w| format!("{w}m")),
        ]);
    }
    write!(out, "{}", t.render())?;
    // Whole notes, wrapped, their own lines kept.
    if touches.iter().any(|tp| !tp.note.trim().is_empty()) {
        writeln!(out, "\nnotes")?;
    }
    for tp in touches.iter().filter(|tp| !tp.note.trim().is_empty()) {
        let mark = format!("#{}", tp.id);
        for (i, line) in crate::text::wrap(&tp.note, 70).iter().enumerate() {
            let head = if i == 0 { mark.as_str() } else { "" };
            writeln!(out, "  {head:<6}{}", crate::text::fit(line, usize::MAX))?;
        }
    }
    writeln!(out, "\nchannel map (who held the ball)")?;
    for s in journey::shown_stages(&case, &touches, &rates, cx.now) {
        writeln!(
            out,
            "  #{:<5} {:<10} {:<9} {:<10} {}",
            s.stage.touch_id,
            s.stage.channel.as_str(),
            s.stage.waiting_on.as_str(),
            short_duration(s.stage.end - s.stage.start),
            s.cost
        )?;
    }
    writeln!(out, "\nflags")?;
    if flags.is_empty() {
        writeln!(out, "  none")?;
    }
    for f in &flags {
        let ev = if f.evidence.is_empty() {
            String::new()
        } else {
            format!(
                "  [touches {}]",
                f.evidence
                    .iter()
                    .map(|e| format!("#{e}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let why = localize_utc_times(&f.explanation, &Local);
        writeln!(out, "  {:<18} {}{}", f.pattern.id(), why, ev)?;
    }
    Ok(())
}

pub fn flags(cx: &mut Context, key: Option<&str>, json: bool, out: &mut dyn Write) -> Result<()> {
    let window = Window {
        since: None,
        until: None,
    };
    if json && key.is_none() {
        // Every case's flags, written as they are read: memory stays flat.
        let mut arr = JsonArray::new(out);
        let mut failed = None;
        let read = cx.store.each_flagged(window, cx.now, |case, fs| {
            for f in &fs {
                if let Err(e) = arr.push(&FlagRecord::of(case, f)) {
                    let text = e.to_string();
                    failed = Some(e);
                    return Err(crate::store::StoreError::Output(text));
                }
            }
            Ok(())
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read?;
        arr.finish()?;
        return Ok(());
    }
    let found: Vec<(Case, Vec<friction::Flag>)> = match key {
        Some(k) => {
            let id = cx.store.find_case(k)?;
            let case = cx.store.case(id)?;
            let touches = cx.store.touches(id)?;
            let f = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now: cx.now,
                },
                &cx.store.thresholds,
            );
            vec![(case, f)]
        }
        None => cx.store.all_flags(window, cx.now)?,
    };
    let records: Vec<FlagRecord> = found
        .iter()
        .flat_map(|(c, fs)| fs.iter().map(move |f| FlagRecord::of(c, f)))
        .collect();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&records)?)?;
        return Ok(());
    }
    let mut t = Table::new(&["case", "pattern", "evidence", "explanation"])
        .right(&[0])
        .max_width(2, 30)
        .max_width(3, 90);
    for r in &records {
        t.row(vec![
            r.case.to_string(),
            r.pattern.to_string(),
            r.evidence
                .iter()
                .map(|e| format!("#{e}"))
                .collect::<Vec<_>>()
                .join(" "),
            localize_utc_times(&r.explanation, &Local),
        ]);
    }
    write!(out, "{}", t.render())?;
    writeln!(out, "{} flag(s)", records.len())?;
    Ok(())
}
