//! Amounts of money as integer minor units (cents), never floats.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount in minor units (two decimal places).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad amount '{0}': write a decimal number with at most two decimals, such as 129.99")]
pub struct BadAmount(pub String);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Parses "129.99", "129.9", "129", "-3.50", "$1,299.00".
    pub fn parse(text: &str) -> Result<Money, BadAmount> {
        let bad = || BadAmount(text.to_string());
        let mut s: String = text.trim().chars().filter(|c| *c != ',').collect();
        if let Some(rest) = s.strip_prefix(['$', '€', '£']) {
            s = rest.to_string();
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
            || whole.len() > 15
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let cents = whole * 100 + frac;
        Ok(Money(if negative { -cents } else { cents }))
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Accepts a string or a JSON number. A number goes through its shortest
/// decimal text, so 129.99 is read as 12999 cents, not 12998.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "bad amount {other}: expected a string or a number"
                )))
            }
        };
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(Money::parse("129.99"), Ok(Money(12999)));
        assert_eq!(Money::parse("8"), Ok(Money(800)));
        assert_eq!(Money::parse("0.5"), Ok(Money(50)));
        assert_eq!(Money::parse("$1,299.00"), Ok(Money(129900)));
        assert_eq!(Money::parse("-3.05"), Ok(Money(-305)));
        assert_eq!(Money(-305).to_string(), "-3.05");
        assert_eq!(Money(12999).to_string(), "129.99");
        assert_eq!(Money(5).to_string(), "0.05");
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in ["", "abc", "1.234", "1e5", "--1", "12.3.4", ".", "1 000"] {
            assert!(Money::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn json_numbers_are_read_through_their_decimal_text() {
        let m: Money = serde_json::from_str("129.99").unwrap();
        assert_eq!(m, Money(12999));
        let m: Money = serde_json::from_str("\"25.00\"").unwrap();
        assert_eq!(m, Money(2500));
    }
}
