//! The service-level figures of a report group.

use super::super::rounding::round4;
use super::SlaState;
use serde::Serialize;

/// What one case brings: the states of its two targets (None without a policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaFacts {
    pub first_response: SlaState,
    pub resolution: SlaState,
}

/// Adds up cases' service levels, one case at a time.
#[derive(Debug, Clone, Default)]
pub struct SlaTally {
    cases: usize,
    first_response: (usize, usize),
    resolution: (usize, usize),
    breached_open: usize,
}

/// A group's service levels: how many cases have a policy, the share of
/// decided targets (met or breached) that were met (null when none is
/// decided yet), and how many open cases have a breached target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaFigures {
    pub cases: usize,
    pub first_response_met_rate: Option<f64>,
    pub resolution_met_rate: Option<f64>,
    pub breached_open: usize,
}

fn count(pair: &mut (usize, usize), state: SlaState) {
    match state {
        SlaState::Met => pair.0 += 1,
        SlaState::Breached => pair.1 += 1,
        _ => {}
    }
}

impl SlaTally {
    /// Adds another group's counts.
    pub fn merge(&mut self, o: &SlaTally) {
        self.cases += o.cases;
        self.first_response.0 += o.first_response.0;
        self.first_response.1 += o.first_response.1;
        self.resolution.0 += o.resolution.0;
        self.resolution.1 += o.resolution.1;
        self.breached_open += o.breached_open;
    }

    pub fn add(&mut self, facts: Option<SlaFacts>, is_open: bool) {
        let Some(f) = facts else { return };
        self.cases += 1;
        count(&mut self.first_response, f.first_response);
        count(&mut self.resolution, f.resolution);
        let breached = f.first_response == SlaState::Breached || f.resolution == SlaState::Breached;
        self.breached_open += usize::from(is_open && breached);
    }

    pub fn figures(&self) -> SlaFigures {
        let rate = |(met, breached): (usize, usize)| {
            (met + breached > 0).then(|| round4(met as f64 / (met + breached) as f64))
        };
        SlaFigures {
            cases: self.cases,
            first_response_met_rate: rate(self.first_response),
            resolution_met_rate: rate(self.resolution),
            breached_open: self.breached_open,
        }
    }
}
