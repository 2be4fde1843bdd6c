//! Every measure of the spec, defined once: time to first response, time to
//! resolution, age, ball in court (vendor wait, customer wait, and the
//! stage-by-stage channel map), touches, contacts, reopens, percentiles and
//! the group figures of the report.

use super::case::{Case, Touchpoint};
use super::cost_group::{CostFacts, CostFigures, CostTally};
use super::enums::{Ask, Channel, StartedBy, Status, TouchOutcome, WaitingOn};
use super::money::Money;
use super::sla::tally::{SlaFacts, SlaFigures, SlaTally};
use super::time::hours;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use super::answer::is_vendor_answer;

/// Who the case waits on after a touch (ball in court).
pub fn waiting_on_after(t: &Touchpoint) -> WaitingOn {
    if let Some(w) = t.waiting_on {
        return w;
    }
    match t.outcome {
        TouchOutcome::InfoRequest | TouchOutcome::Offer => WaitingOn::Customer,
        TouchOutcome::Resolved | TouchOutcome::Delight => WaitingOn::Nobody,
        _ if t.ask.is_some_and(|a| !matches!(a, Ask::None | Ask::Wait)) => WaitingOn::Customer,
        _ => WaitingOn::Vendor,
    }
}

/// Who the case's status says holds the ball, when it names someone:
/// `waiting_customer` the customer; `waiting_vendor` and `escalated` the
/// vendor (as a help desk's "pending" pauses the clock). `open` and the done
/// statuses name nobody.
pub fn status_ball(case: &Case) -> Option<WaitingOn> {
    match case.status {
        Status::WaitingCustomer => Some(WaitingOn::Customer),
        Status::WaitingVendor | Status::Escalated => Some(WaitingOn::Vendor),
        Status::Open | Status::Resolved | Status::Closed => None,
    }
}

/// Who the case waits on after its touch `i` (`touches` in time order): the
/// touch's own rule, except after the last touch of a case not resolved,
/// where a status that names someone has the last word (ball in court).
/// Every figure that asks who held the ball asks here.
pub fn ball_after(case: &Case, touches: &[Touchpoint], i: usize) -> WaitingOn {
    let last = i + 1 >= touches.len();
    match touches.get(i) {
        Some(t) if !last => waiting_on_after(t),
        Some(t) => status_ball(case).unwrap_or_else(|| waiting_on_after(t)),
        None => ball_after_last(case, touches),
    }
}

/// Who holds the ball now, after the last touch: `ball_after` of it; for a
/// case without touches, the vendor (it owes an answer), unless the status
/// names the customer. (Time before the first touch is still nobody's wait:
/// this says whose move it is, for the service-level clock and the next
/// action.)
pub fn ball_after_last(case: &Case, touches: &[Touchpoint]) -> WaitingOn {
    match touches.len() {
        0 => status_ball(case).unwrap_or(WaitingOn::Vendor),
        n => ball_after(case, touches, n - 1),
    }
}

/// When the case's clock stops: its resolution, else its closing, else now.
pub fn clock_end(case: &Case, now: DateTime<Utc>) -> DateTime<Utc> {
    case.resolved_at
        .or(case.closed_at)
        .unwrap_or(if case.status.is_done() {
            case.opened_at
        } else {
            now
        })
}

/// The first resolution (since reopened) strictly inside `[from, to)`:
/// the case's clock stops there until the next touch.
pub fn paused_from(case: &Case, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
    case.resolved_before
        .iter()
        .copied()
        .filter(|r| *r > from && *r < to)
        .min()
}

/// One stretch of the channel map: from a touch to the next (or to the end
/// of the case's clock), and who held the ball.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    /// The touch that began the stretch.
    pub touch_id: i64,
    pub channel: Channel,
    pub party: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub waiting_on: WaitingOn,
}

impl Stage {
    pub fn hours(&self) -> f64 {
        hours(self.end - self.start)
    }
}

/// The channel map: one stage per touch, in time order. Time before the first
/// touch and after the clock stops counts for nobody, so stages are clipped
/// to the clock's end (touches after it give empty stages, left out).
/// `touches` must be in time order (see `in_time_order`).
pub fn channel_map(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>) -> Vec<Stage> {
    let end = clock_end(case, now);
    let mut stages = Vec::with_capacity(touches.len());
    for (i, t) in touches.iter().enumerate() {
        let next = touches.get(i + 1).map_or(end, |n| n.at.min(end));
        let start = t.at.max(case.opened_at).min(end);
        // A resolution since reopened ends the stretch: from it until the
        // next touch the ball is with nobody.
        let next = paused_from(case, start, next).unwrap_or(next).max(start);
        if next > start {
            stages.push(Stage {
                touch_id: t.id,
                channel: t.channel.clone(),
                party: t.party_or(&case.vendor).to_string(),
                start,
                end: next,
                waiting_on: ball_after(case, touches, i),
            });
        }
    }
    stages
}

/// The per-case figures of `show --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseMeasures {
    pub ttfr_hours: Option<f64>,
    pub ttr_hours: Option<f64>,
    pub age_hours: Option<f64>,
    pub vendor_wait_hours: f64,
    pub customer_wait_hours: f64,
    pub touches: usize,
    pub contacts: usize,
    pub reopens: u32,
}

/// Time to first response in hours: opened → the first touch with the vendor's answer.
pub fn ttfr_hours(case: &Case, touches: &[Touchpoint]) -> Option<f64> {
    touches
        .iter()
        .find(|t| is_vendor_answer(t))
        .map(|t| hours((t.at - case.opened_at).max(chrono::Duration::zero())))
}

/// Time to resolution in hours: opened → resolved; none while unresolved.
pub fn ttr_hours(case: &Case) -> Option<f64> {
    case.resolved_at
        .map(|r| hours((r - case.opened_at).max(chrono::Duration::zero())))
}

/// Age in hours of an open case; done cases have a resolution time instead.
pub fn age_hours(case: &Case, now: DateTime<Utc>) -> Option<f64> {
    (!case.status.is_done()).then(|| hours((now - case.opened_at).max(chrono::Duration::zero())))
}

pub fn contacts(touches: &[Touchpoint]) -> usize {
    touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
        .count()
}

/// Hours waited on the vendor and on the customer, from the channel map.
pub fn waits(stages: &[Stage]) -> (f64, f64) {
    let mut vendor = 0.0;
    let mut customer = 0.0;
    for s in stages {
        match s.waiting_on {
            WaitingOn::Vendor => vendor += s.hours(),
            WaitingOn::Customer => customer += s.hours(),
            WaitingOn::Nobody => {}
        }
    }
    (vendor, customer)
}

/// All per-case measures; `touches` in time order.
pub fn measure(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>) -> CaseMeasures {
    let (vendor_wait_hours, customer_wait_hours) = waits(&channel_map(case, touches, now));
    CaseMeasures {
        ttfr_hours: ttfr_hours(case, touches),
        ttr_hours: ttr_hours(case),
        age_hours: age_hours(case, now),
        vendor_wait_hours,
        customer_wait_hours,
        touches: touches.len(),
        contacts: contacts(touches),
        reopens: case.reopens,
    }
}

/// The p-th percentile (0–100) by linear interpolation between closest
/// ranks, numpy's default: h = (n−1)·p/100, x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
/// `sorted` must be sorted ascending; None when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

pub use super::rounding::round4;

/// `n`, median and 90th percentile of a figure over the cases where it is defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    pub n: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Spread {
    /// Selects the ranks the two percentiles need rather than sorting all.
    pub fn of(mut values: Vec<f64>) -> Spread {
        Spread {
            n: values.len(),
            median: selected_percentile(&mut values, 50.0).map(round4),
            p90: selected_percentile(&mut values, 90.0).map(round4),
        }
    }
}

impl Spread {
    /// The spread of the values of several runs, each sorted ascending
    /// (`f64::total_cmp`), without merging them: each rank is found by
    /// counting, over every run, the values at or below a candidate.
    pub fn of_sorted_runs(runs: &[&[f64]]) -> Spread {
        let n: usize = runs.iter().map(|r| r.len()).sum();
        let at = |p: f64| -> Option<f64> {
            if n == 0 {
                return None;
            }
            let h = (n - 1) as f64 * p / 100.0;
            let lo = h.floor() as usize;
            let low = ranked(runs, lo);
            let high = next_ranked(runs, lo, low);
            Some(low + (h - lo as f64) * (high - low))
        };
        Spread {
            n,
            median: at(50.0).map(round4),
            p90: at(90.0).map(round4),
        }
    }
}

/// A float's place in `f64::total_cmp` order, as an unsigned number.
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn from_order_key(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// The value of rank `k` (from 0) among sorted runs: the least key with
/// more than `k` values at or below it, by bisection over the keys.
fn ranked(runs: &[&[f64]], k: usize) -> f64 {
    let at_or_below = |key: u64| -> usize {
        runs.iter()
            .map(|r| r.partition_point(|v| order_key(*v) <= key))
            .sum()
    };
    let (mut lo, mut hi) = (0u64, u64::MAX);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if at_or_below(mid) > k {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    from_order_key(lo)
}

/// The value of rank `k + 1` among sorted runs, given `low`, the value of
/// rank `k`: `low` again when more values share it, else the least value
/// above it (`low` at the last rank).
fn next_ranked(runs: &[&[f64]], k: usize, low: f64) -> f64 {
    let key = order_key(low);
    let mut at_or_below = 0;
    let mut above: Option<f64> = None;
    for r in runs {
        let i = r.partition_point(|v| order_key(*v) <= key);
        at_or_below += i;
        if let Some(&v) = r.get(i) {
            above = Some(above.map_or(v, |a| if v.total_cmp(&a).is_lt() { v } else { a }));
        }
    }
    if at_or_below > k + 1 {
        low
    } else {
        above.unwrap_or(low)
    }
}

/// `percentile` of unsorted values, by selection (reorders them).
fn selected_percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let h = (values.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let (_, &mut low, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    // The next rank is the least of what lies above.
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    Some(low + (h - lo as f64) * (high - low))
}

/// What one case brings to a group's figures.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub measures: CaseMeasures,
    pub is_open: bool,
    pub escalated: bool,
    pub self_resolved: bool,
    pub refund: Money,
    pub customer_cost: Money,
    /// Cost, sale prevented and effort (set by the caller: see `cost::CostFacts`).
    pub cost: CostFacts,
    /// The states of its service-level targets, when a policy applies.
    pub sla: Option<SlaFacts>,
}

impl CaseFacts {
    pub fn of(
        case: &Case,
        touches: &[Touchpoint],
        measures: CaseMeasures,
        self_resolved: bool,
    ) -> CaseFacts {
        CaseFacts {
            measures,
            is_open: !case.status.is_done(),
            escalated: touches.iter().any(|t| t.outcome == TouchOutcome::Escalated),
            self_resolved,
            refund: case.refund_amount.unwrap_or_default(),
            customer_cost: case.customer_cost.unwrap_or_default(),
            cost: CostFacts::default(),
            sla: None,
        }
    }
}

const MS_PER_HOUR: f64 = 3_600_000.0;

/// Hours (made from whole milliseconds) back in whole milliseconds.
fn whole_ms(hours: f64) -> i64 {
    (hours * MS_PER_HOUR).round() as i64
}

/// Adds up cases into the report's group figures, one case at a time, so a
/// report never holds more than one number per case and figure.
#[derive(Debug, Clone, Default)]
pub struct GroupTally {
    cases: usize,
    open: usize,
    ttfr: Vec<f64>,
    ttr: Vec<f64>,
    /// Waits in whole milliseconds (each case's own is a whole number of
    /// them): a whole-number sum is the same in any order of cases, so a
    /// report reads the same however its pass was split.
    vendor_wait_ms: i64,
    customer_wait_ms: i64,
    touches: usize,
    contacts: usize,
    escalated: usize,
    self_resolved: usize,
    refund: Money,
    customer_cost: Money,
    cost: CostTally,
    sla: SlaTally,
}

/// The group figures of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub cases: usize,
    pub open: usize,
    pub resolved: usize,
    pub ttfr_hours: Spread,
    pub ttr_hours: Spread,
    pub vendor_wait_hours: f64,
    pub customer_wait_hours: f64,
    pub touches_per_case: f64,
    pub contacts_per_case: f64,
    pub escalation_rate: f64,
    pub self_resolved_rate: f64,
    pub refund_total: Money,
    pub customer_cost_total: Money,
    #[serde(flatten)]
    pub cost: CostFigures,
    pub sla: SlaFigures,
}

impl GroupTally {
    /// The cases added.
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// Adds another group's sums: the figures of both groups' cases.
    pub fn merge(&mut self, o: &GroupTally) {
        self.ttfr.extend_from_slice(&o.ttfr);
        self.ttr.extend_from_slice(&o.ttr);
        self.merge_sums(o);
    }

    /// `merge` but for the values behind the percentiles (see `figures_with`).
    pub fn merge_sums(&mut self, o: &GroupTally) {
        self.cases += o.cases;
        self.open += o.open;
        self.vendor_wait_ms += o.vendor_wait_ms;
        self.customer_wait_ms += o.customer_wait_ms;
        self.touches += o.touches;
        self.contacts += o.contacts;
        self.escalated += o.escalated;
        self.self_resolved += o.self_resolved;
        self.refund.0 += o.refund.0;
        self.customer_cost.0 += o.customer_cost.0;
        self.cost.merge(&o.cost);
        self.sla.merge(&o.sla);
    }

    pub fn add(&mut self, f: &CaseFacts) {
        self.cases += 1;
        self.open += usize::from(f.is_open);
        if let Some(h) = f.measures.ttfr_hours {
            self.ttfr.push(h);
        }
        if let Some(h) = f.measures.ttr_hours {
            self.ttr.push(h);
        }
        self.vendor_wait_ms += whole_ms(f.measures.vendor_wait_hours);
        self.customer_wait_ms += whole_ms(f.measures.customer_wait_hours);
        self.touches += f.measures.touches;
        self.contacts += f.measures.contacts;
        self.escalated += usize::from(f.escalated);
        self.self_resolved += usize::from(f.self_resolved);
        self.refund.0 += f.refund.0;
        self.customer_cost.0 += f.customer_cost.0;
        self.cost.add(&f.cost);
        self.sla.add(f.sla, f.is_open);
    }

    pub fn figures(mut self) -> GroupFigures {
        let ttfr = Spread::of(std::mem::take(&mut self.ttfr));
        let ttr = Spread::of(std::mem::take(&mut self.ttr));
        self.figures_with(ttfr, ttr)
    }

    /// Sorts the values behind the percentiles (for `Spread::of_sorted_runs`).
    pub fn sort_values(&mut self) {
        self.ttfr.sort_unstable_by(f64::total_cmp);
        self.ttr.sort_unstable_by(f64::total_cmp);
    }

    /// The sorted values behind the percentiles: time to first response, to resolution.
    pub fn sorted_values(&self) -> (&[f64], &[f64]) {
        (&self.ttfr, &self.ttr)
    }

    /// The figures, with percentiles worked out elsewhere (from sorted runs).
    pub fn figures_with(self, ttfr_hours: Spread, ttr_hours: Spread) -> GroupFigures {
        let per_case = |x: usize| {
            if self.cases == 0 {
                0.0
            } else {
                round4(x as f64 / self.cases as f64)
            }
        };
        GroupFigures {
            cases: self.cases,
            open: self.open,
            resolved: self.cases - self.open,
            ttfr_hours,
            ttr_hours,
            vendor_wait_hours: round4(self.vendor_wait_ms as f64 / MS_PER_HOUR),
            customer_wait_hours: round4(self.customer_wait_ms as f64 / MS_PER_HOUR),
            touches_per_case: per_case(self.touches),
            contacts_per_case: per_case(self.contacts),
            escalation_rate: per_case(self.escalated),
            self_resolved_rate: per_case(self.self_resolved),
            refund_total: self.refund,
            customer_cost_total: self.customer_cost,
            cost: self.cost.figures(),
            sla: self.sla.figures(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_selection_equal_those_of_the_sorted_values() {
        let mut rng = fastrand::Rng::with_seed(7);
        for n in 0..60 {
            let values: Vec<f64> = (0..n).map(|_| (rng.u32(..50) as f64) / 4.0).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let spread = Spread::of(values);
            assert_eq!(spread.n, n);
            assert_eq!(
                spread.median,
                percentile(&sorted, 50.0).map(round4),
                "{sorted:?}"
            );
            assert_eq!(
                spread.p90,
                percentile(&sorted, 90.0).map(round4),
                "{sorted:?}"
            );
        }
    }

    #[test]
    fn percentiles_over_sorted_runs_equal_those_of_all_values() {
        let mut rng = fastrand::Rng::with_seed(11);
        for n in 0..80 {
            let values: Vec<f64> = (0..n).map(|_| (rng.i32(-20..400) as f64) / 8.0).collect();
            let mut runs: Vec<Vec<f64>> = vec![Vec::new(); 1 + rng.usize(..5)];
            for v in &values {
                let i = rng.usize(..runs.len());
                runs[i].push(*v);
            }
            for r in &mut runs {
                r.sort_by(f64::total_cmp);
            }
            let slices: Vec<&[f64]> = runs.iter().map(Vec::as_slice).collect();
            assert_eq!(
                Spread::of_sorted_runs(&slices),
                Spread::of(values.clone()),
                "{values:?}"
            );
        }
    }

    #[test]
    fn the_status_has_the_last_word_after_the_last_touch() {
        use chrono::TimeZone;
        let t0 = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
        let touch = |h: i64, outcome| {
            Touchpoint::new(
                t0 + chrono::Duration::hours(h),
                Channel::new("email").unwrap(),
                StartedBy::Vendor,
                outcome,
            )
        };
        let mut case = Case::new("x", "Acme", t0);
        let touches = [
            touch(1, TouchOutcome::InfoGiven),
            touch(2, TouchOutcome::InfoRequest),
        ];
        assert_eq!(ball_after(&case, &touches, 1), WaitingOn::Customer);
        case.status = Status::WaitingVendor;
        assert_eq!(ball_after(&case, &touches, 1), WaitingOn::Vendor);
        case.status = Status::Escalated;
        assert_eq!(ball_after_last(&case, &touches), WaitingOn::Vendor);
        case.status = Status::WaitingCustomer;
        // Only the last touch: the earlier one keeps its own rule.
        assert_eq!(ball_after(&case, &touches, 0), WaitingOn::Vendor);
        assert_eq!(ball_after(&case, &touches[..1], 0), WaitingOn::Customer);
        // No touch: the vendor owes an answer, unless the customer has the ball.
        assert_eq!(ball_after_last(&case, &[]), WaitingOn::Customer);
        case.status = Status::Open;
        assert_eq!(ball_after_last(&case, &[]), WaitingOn::Vendor);
        // A done case's status names nobody: the touch's rule.
        case.status = Status::Resolved;
        assert_eq!(ball_after(&case, &touches, 1), WaitingOn::Customer);
    }

    #[test]
    fn percentile_matches_numpy_linear() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 50.0), Some(2.5));
        // numpy.percentile([1,2,3,4], 90) == 3.7
        assert!((percentile(&v, 90.0).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
        assert_eq!(percentile(&[], 50.0), None);
        // numpy.percentile([0, 10], 90) == 9.0
        assert_eq!(percentile(&[0.0, 10.0], 90.0), Some(9.0));
    }
}
