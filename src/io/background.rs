//! The demo's background: a few hundred generated cases with a few dozen
//! vendors, beside the four stories, so that a first look at Vendors and
//! Channels shows real differences instead of "too few cases". Each vendor
//! has a temperament (how often a contact fails, and how) and favourite
//! channels; the seed is fixed, so every demo has the same background. The
//! cases are tagged `generated` and their refs start with `bg-`.

use crate::domain::{
    Ask, Case, Category, Channel, Money, Priority, Resolution, StartedBy, Status, TouchOutcome,
    Touchpoint,
};
use chrono::{DateTime, Duration, Utc};

/// The seed of the background: the same every time.
pub const SEED: u64 = 2026;
/// The tag every background case carries (`tag:generated` lists them).
pub const TAG: &str = "generated";
/// The ref of the first background case; the others follow (`bg-2`, …).
pub const FIRST_REF: &str = "bg-1";

/// What goes wrong most with a vendor, beside the odd failure.
#[derive(Clone, Copy)]
enum Habit {
    /// Good service: answers, resolves, sometimes delights.
    Helpful,
    /// Phone calls drop and queues are long.
    DropsCalls,
    /// The chat bot sends people round in circles.
    ChatLoops,
    /// No record of the earlier contact; says one thing, then another.
    LosesRecords,
    /// Promises to come back, and does not.
    BreaksPromises,
    /// Transfers from department to department, or to someone else entirely.
    PassesTheBuck,
    /// Slow to answer email; the customer chases.
    Slow,
}

struct Vendor {
    name: &'static str,
    habit: Habit,
    /// Out of 100: how often a contact fails in the vendor's habitual way.
    failing: u8,
    channels: &'static [&'static str],
    /// Relative number of cases.
    weight: usize,
}

const fn v(
    name: &'static str,
    habit: Habit,
    failing: u8,
    channels: &'static [&'static str],
    weight: usize,
) -> Vendor {
    Vendor {
        name,
        habit,
        failing,
        channels,
        weight,
    }
}

use Habit::*;
const PHONE_FIRST: &[&str] = &["phone", "phone", "email", "web"];
const CHAT_FIRST: &[&str] = &["chat", "chat", "app", "email"];
const EMAIL_FIRST: &[&str] = &["email", "email", "web", "phone"];
const STORE_FIRST: &[&str] = &["store", "phone", "email"];
const MIXED: &[&str] = &["phone", "chat", "email", "web", "social"];

const VENDORS: &[Vendor] = &[
    v("Northwind Telecom", DropsCalls, 45, PHONE_FIRST, 40),
    v("Brightline Energy", BreaksPromises, 40, PHONE_FIRST, 30),
    v("Parcelpoint", LosesRecords, 35, EMAIL_FIRST, 34),
    v("Skyhop Airlines", PassesTheBuck, 35, MIXED, 28),
    v("Cloudnine Broadband", ChatLoops, 50, CHAT_FIRST, 36),
    v("Meridian Bank", Helpful, 5, PHONE_FIRST, 30),
    v("Harbor Insurance", Slow, 40, EMAIL_FIRST, 22),
    v("Fernway Furniture", BreaksPromises, 30, EMAIL_FIRST, 18),
    v("Quickcart", ChatLoops, 35, CHAT_FIRST, 32),
    v("Luma Mobile", DropsCalls, 30, PHONE_FIRST, 26),
    v("Oakridge Utilities", Slow, 30, MIXED, 16),
    v("Pinecrest Health", PassesTheBuck, 30, PHONE_FIRST, 14),
    v("Bluefin Electronics", Helpful, 8, MIXED, 24),
    v("Cobalt Streaming", ChatLoops, 25, CHAT_FIRST, 20),
    v("Greenleaf Grocers", Helpful, 5, STORE_FIRST, 18),
    v("Ironbridge Rail", DropsCalls, 25, PHONE_FIRST, 12),
    v("Juniper Travel", LosesRecords, 30, MIXED, 14),
    v("Kestrel Auto", BreaksPromises, 25, STORE_FIRST, 12),
    v("Lantern Books", Helpful, 4, EMAIL_FIRST, 10),
    v("Monarch Apparel", Slow, 20, EMAIL_FIRST, 12),
    v("Nimbus Software", Helpful, 10, CHAT_FIRST, 14),
    v("Orchid Cosmetics", LosesRecords, 20, EMAIL_FIRST, 10),
    v("Pioneer Hardware", Helpful, 6, STORE_FIRST, 12),
    v("Quarry Building Supply", PassesTheBuck, 25, STORE_FIRST, 8),
    v("Redwood Realty", Slow, 35, EMAIL_FIRST, 8),
    v("Silverline Cable", DropsCalls, 40, PHONE_FIRST, 22),
    v("Tidewater Water Co.", Slow, 25, MIXED, 10),
    v("Umbra Gaming", ChatLoops, 30, CHAT_FIRST, 10),
    v("Vantage Fitness", BreaksPromises, 35, PHONE_FIRST, 10),
    v("Willow Pet Supply", Helpful, 5, EMAIL_FIRST, 8),
    v("Xeno Home Security", PassesTheBuck, 30, PHONE_FIRST, 10),
    v("Yardley Gas", Slow, 20, PHONE_FIRST, 8),
    v("Zenith Appliances", LosesRecords, 25, STORE_FIRST, 12),
    v("Atlas Moving", BreaksPromises, 45, PHONE_FIRST, 6),
    v("Beacon Pharmacy", Helpful, 5, STORE_FIRST, 10),
    v("Cedar Dental", Helpful, 8, PHONE_FIRST, 4),
];

/// How many vendors the background has.
pub const VENDOR_COUNT: usize = VENDORS.len();

/// How many background cases there are.
pub const CASES: usize = 600;

const TITLES: &[(&str, Category)] = &[
    ("Refund not received", Category::Refund),
    ("Charged twice", Category::Billing),
    ("Parcel never arrived", Category::LateDelivery),
    ("Arrived broken", Category::Defect),
    ("Wrong item sent", Category::WrongItem),
    ("Cannot log in", Category::AccountAccess),
    ("Service not switched on", Category::ServiceActivation),
    ("Outage for days", Category::Outage),
    ("Part missing from the box", Category::MissingPart),
    ("Stops working after an update", Category::Technical),
];

fn pick<'a, T>(rng: &mut fastrand::Rng, from: &'a [T]) -> &'a T {
    &from[rng.usize(..from.len())]
}

fn vendor(rng: &mut fastrand::Rng) -> &'static Vendor {
    let total: usize = VENDORS.iter().map(|v| v.weight).sum();
    let mut n = rng.usize(..total);
    for v in VENDORS {
        if n < v.weight {
            return v;
        }
        n -= v.weight;
    }
    &VENDORS[0]
}

/// The failed outcome a vendor's habit gives on a channel.
fn failure(rng: &mut fastrand::Rng, habit: Habit, channel: &str) -> TouchOutcome {
    use TouchOutcome::*;
    match (habit, channel) {
        (DropsCalls, "phone") => *pick(rng, &[Dropped, Dropped, NoAnswer]),
        (ChatLoops, "chat" | "app") => *pick(rng, &[Loop, Loop, Transferred]),
        (LosesRecords, _) => *pick(rng, &[NoRecord, Contradicted]),
        (PassesTheBuck, _) => *pick(rng, &[Transferred, Transferred, Refused]),
        (_, "web") => Unreachable,
        _ => *pick(rng, &[NoAnswer, Dropped, Sent]),
    }
}

/// The `i`-th background case (from 1), opened in the 18 months before `now`.
pub fn case(rng: &mut fastrand::Rng, i: usize, now: DateTime<Utc>) -> (Case, Vec<Touchpoint>) {
    let v = vendor(rng);
    let (title, category) = *pick(rng, TITLES);
    let opened = now - Duration::minutes(rng.i64(2 * 60..548 * 24 * 60));
    let mut case = Case::new(title, v.name, opened);
    case.reference = Some(format!("bg-{i}"));
    case.tags = vec![TAG.to_string()];
    case.category = category;
    case.priority = *pick(
        rng,
        &[
            Priority::Normal,
            Priority::Normal,
            Priority::High,
            Priority::Low,
        ],
    );
    case.purchase_amount = Some(Money(rng.i64(1_000..60_000)));
    case.currency = Some("USD".into());
    let bad = |rng: &mut fastrand::Rng| rng.u8(..100) < v.failing;
    let mut touches = Vec::new();
    let mut at = opened + Duration::minutes(rng.i64(1..120));
    let mut resolved = false;
    let attempts = if matches!(v.habit, Helpful) { 3 } else { 7 };
    for k in 0..attempts {
        if at >= now {
            break;
        }
        let channel = *pick(rng, v.channels);
        let ch = Channel::new(channel).unwrap_or_else(|_| unreachable!());
        let mut t = Touchpoint::new(at, ch.clone(), StartedBy::Customer, TouchOutcome::Sent);
        t.minutes = Some(rng.usize(2..40) as f64);
        if channel == "phone" {
            let hold = if matches!(v.habit, DropsCalls) {
                15..60
            } else {
                0..15
            };
            t.wait_minutes = Some(rng.usize(hold) as f64);
        }
        let mut answer_in = Duration::hours(rng.i64(1..30));
        if bad(rng) {
            t.outcome = failure(rng, v.habit, channel);
            if k >= 2 && rng.u8(..4) == 0 {
                // Fed up: asks for someone higher up.
                t.outcome = TouchOutcome::Escalated;
            }
            match v.habit {
                BreaksPromises => {
                    t.outcome = TouchOutcome::Promise;
                    t.promise_due = Some(at + Duration::hours(rng.i64(24..72)));
                    answer_in = Duration::hours(rng.i64(80..200));
                }
                Slow => answer_in = Duration::hours(rng.i64(60..240)),
                PassesTheBuck if rng.bool() => t.ask = Some(Ask::CallElsewhere),
                _ => {}
            }
            touches.push(t);
            at += answer_in;
            continue;
        }
        // A contact that gets through: an answer now, or a reply later.
        let last_chance = k + 1 == attempts;
        if channel == "email" || channel == "web" {
            touches.push(t);
            at += answer_in;
            if at >= now {
                break;
            }
            t = Touchpoint::new(at, ch, StartedBy::Vendor, TouchOutcome::InfoGiven);
        }
        let good = matches!(v.habit, Helpful) || rng.u8(..100) >= v.failing;
        if good || last_chance || rng.u8(..3) == 0 {
            t.outcome = if matches!(v.habit, Helpful) && rng.u8(..8) == 0 {
                TouchOutcome::Delight
            } else {
                TouchOutcome::Resolved
            };
            touches.push(t);
            resolved = true;
            at += Duration::minutes(rng.i64(1..60));
            break;
        }
        t.outcome = TouchOutcome::InfoGiven;
        touches.push(t);
        at += Duration::hours(rng.i64(2..48));
    }
    // A few stay open: the latest ones most of all. One kept open has not
    // had its answer yet, so it ends before the touch that resolved it.
    let recent = now - opened < Duration::days(14);
    if resolved && (at >= now || (recent && rng.bool())) {
        touches.pop();
        resolved = false;
        case.status = Status::WaitingVendor;
    } else if resolved {
        case.status = Status::Resolved;
        case.resolved_at = Some(at);
        let outcome = *pick(
            rng,
            &[
                Resolution::FullRefund,
                Resolution::Replacement,
                Resolution::Repair,
                Resolution::Credit,
                Resolution::Explained,
                Resolution::Workaround,
            ],
        );
        case.outcome = Some(outcome);
        if outcome == Resolution::FullRefund {
            case.refund_amount = case.purchase_amount;
        }
    } else if !resolved && now - opened > Duration::days(60) && rng.bool() {
        // Gave up and fixed it themselves.
        case.status = Status::Resolved;
        case.resolved_at = Some(at.min(now));
        case.outcome = Some(Resolution::SelfResolved);
        case.customer_cost = Some(Money(rng.i64(500..8_000)));
    } else {
        case.status = Status::WaitingVendor;
    }
    case.churned = !resolved && rng.u8(..3) == 0;
    (case, touches)
}

/// Every background case, the same for a given `now`.
pub fn cases(now: DateTime<Utc>) -> Vec<(Case, Vec<Touchpoint>)> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    (1..=CASES).map(|i| case(&mut rng, i, now)).collect()
}
