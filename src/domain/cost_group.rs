//! A report group's cost figures: what each case brings (cost, friction,
//! sale prevented, effort) and their sums and means.

use super::case::{Case, Touchpoint};
use super::cost::{case_cost, estimated_effort, is_sale_prevented, CaseCost, CostRates};
use super::money::Money;
use super::rounding::round4;
use serde::Serialize;

/// What one case brings to a group's cost figures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CostFacts {
    pub cost: CaseCost,
    /// Any friction flag (delight does not count).
    pub has_friction: bool,
    pub sale_prevented: bool,
    /// The logged effort, else the estimate (never both).
    pub effort_logged: Option<u8>,
    pub effort_estimated: Option<u8>,
}

impl CostFacts {
    pub fn of(case: &Case, touches: &[Touchpoint], has_friction: bool, rates: &CostRates) -> Self {
        CostFacts {
            cost: case_cost(case, touches, rates),
            has_friction,
            sale_prevented: is_sale_prevented(case, has_friction),
            effort_logged: case.effort,
            effort_estimated: case.effort.is_none().then(|| estimated_effort(touches)),
        }
    }
}

/// A mean over the cases where a figure is defined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mean {
    pub n: usize,
    pub mean: Option<f64>,
}

/// The cost figures of a report group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostFigures {
    pub cost_to_serve_per_case: Money,
    pub customer_hours_per_case: f64,
    pub margin_total: Money,
    pub revenue_at_risk: Money,
    /// Cost to serve plus customer all-in cost of the cases with any friction flag.
    pub friction_cost: Money,
    pub sales_prevented: usize,
    pub effort_logged: Mean,
    pub effort_estimated: Mean,
}

/// Adds up cases into a group's cost figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct CostTally {
    cases: usize,
    to_serve: i64,
    /// In ten-thousandths of an hour (each case's hours are rounded to four
    /// decimals): a whole-number sum is the same in any order of cases.
    customer_hours: i64,
    margin: i64,
    revenue_at_risk: i64,
    friction_cost: i64,
    sales_prevented: usize,
    effort_logged: (usize, u64),
    effort_estimated: (usize, u64),
}

impl CostTally {
    /// Adds another group's sums (the figures of both groups' cases).
    pub fn merge(&mut self, o: &CostTally) {
        self.cases += o.cases;
        self.to_serve += o.to_serve;
        self.customer_hours += o.customer_hours;
        self.margin += o.margin;
        self.revenue_at_risk += o.revenue_at_risk;
        self.friction_cost += o.friction_cost;
        self.sales_prevented += o.sales_prevented;
        self.effort_logged.0 += o.effort_logged.0;
        self.effort_logged.1 += o.effort_logged.1;
        self.effort_estimated.0 += o.effort_estimated.0;
        self.effort_estimated.1 += o.effort_estimated.1;
    }

    pub fn add(&mut self, f: &CostFacts) {
        self.cases += 1;
        self.to_serve += f.cost.to_serve.0;
        self.customer_hours += (f.cost.customer_hours * 10_000.0).round() as i64;
        self.margin += f.cost.margin.0;
        self.revenue_at_risk += f.cost.revenue_at_risk.0;
        if f.has_friction {
            self.friction_cost += f.cost.to_serve.0 + f.cost.customer_all_in.0;
        }
        self.sales_prevented += usize::from(f.sale_prevented);
        if let Some(e) = f.effort_logged {
            self.effort_logged.0 += 1;
            self.effort_logged.1 += u64::from(e);
        }
        if let Some(e) = f.effort_estimated {
            self.effort_estimated.0 += 1;
            self.effort_estimated.1 += u64::from(e);
        }
    }

    pub fn figures(&self) -> CostFigures {
        let n = self.cases.max(1) as f64;
        let mean = |(k, sum): (usize, u64)| Mean {
            n: k,
            mean: (k > 0).then(|| round4(sum as f64 / k as f64)),
        };
        CostFigures {
            cost_to_serve_per_case: Money((self.to_serve as f64 / n).round() as i64),
            customer_hours_per_case: round4(self.customer_hours as f64 / 10_000.0 / n),
            margin_total: Money(self.margin),
            revenue_at_risk: Money(self.revenue_at_risk),
            friction_cost: Money(self.friction_cost),
            sales_prevented: self.sales_prevented,
            effort_logged: mean(self.effort_logged),
            effort_estimated: mean(self.effort_estimated),
        }
    }
}
