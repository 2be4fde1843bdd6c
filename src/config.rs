//! The config file (TOML): friction thresholds under `[friction]`, cost rates
//! under `[cost]`, the next action's thresholds under `[next_action]`.
//! A missing file means the defaults; a bad one is an error naming the key;
//! one that holds a database password and that others can read is refused.

use crate::domain::cost::CostRates;
use crate::domain::friction::Thresholds;
use crate::domain::next_action::NextActionSettings;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub friction: Thresholds,
    pub cost: CostRates,
    pub next_action: NextActionSettings,
    pub storage: Storage,
}

/// `[storage]`: how the database file is used.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Storage {
    /// How long a write waits for another process's write before saying
    /// "the database is locked", in milliseconds.
    pub busy_timeout_ms: u64,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            busy_timeout_ms: crate::store::DEFAULT_BUSY_TIMEOUT.as_millis() as u64,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("bad config file {path}: {reason}")]
    Bad { path: PathBuf, reason: String },
    #[error(
        "refused the config file {path}: it holds a database password and other accounts can read it (mode {mode:04o}); \
         make it yours alone (chmod 600 {path}), as psql ignores a .pgpass that others can read"
    )]
    Exposed { path: PathBuf, mode: u32 },
}

/// `config.toml` in the platform's config directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "casebook").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Reads the config at `path`; when `required` is false a missing file gives the defaults.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default())
            }
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path: path.into(),
                    reason: e.to_string(),
                })
            }
        };
        // As psql with a .pgpass: a password that others can read is no secret.
        if crate::db_url::holds_password(&text) {
            if let Some(mode) = crate::private_files::loose_mode(path) {
                return Err(ConfigError::Exposed {
                    path: path.into(),
                    mode,
                });
            }
        }
        // A parse error quotes the line it is about.
        Self::parse(&text).map_err(|reason| ConfigError::Bad {
            path: path.into(),
            reason: crate::db_url::redacted(&reason),
        })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        let f = &config.friction;
        if f.slow_response_hours <= 0.0 || f.long_hold_minutes < 0.0 || f.confidence_z <= 0.0 {
            return Err("friction: slow_response_hours and confidence_z must be above 0, long_hold_minutes not below 0".into());
        }
        if config.cost.customer_hour.0 < 0
            || config.next_action.nudge_customer_hours.is_nan()
            || config.next_action.nudge_customer_hours <= 0.0
        {
            return Err("cost.customer_hour must not be negative, next_action.nudge_customer_hours must be above 0".into());
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_take_defaults_and_unknown_keys_are_named() {
        let c = Config::parse("[friction]\nslow_response_hours = 24\n").unwrap();
        assert_eq!(c.friction.slow_response_hours, 24.0);
        assert_eq!(c.friction.repeat_contacts, 3);
        let e = Config::parse("[friction]\nslow_respnse_hours = 24\n").unwrap_err();
        assert!(e.contains("slow_respnse_hours"), "{e}");
        let e = Config::parse("[friction]\nrepeat_contacts = \"many\"\n").unwrap_err();
        assert!(e.contains("repeat_contacts"), "{e}");
    }

    #[test]
    fn cost_rates_merge_over_their_defaults() {
        let c = Config::parse("[cost]\ncustomer_hour = \"40.00\"\n[cost.minute]\nphone = 1.5\n[cost.default_minutes]\nfax = 3\n").unwrap();
        assert_eq!(c.cost.customer_hour, crate::domain::Money(4000));
        assert_eq!(c.cost.minute["phone"], crate::domain::Money(150));
        assert_eq!(c.cost.minute["email"], crate::domain::Money(40));
        assert_eq!(c.cost.default_minutes["fax"], 3.0);
        assert_eq!(c.cost.default_minutes["chat"], 10.0);
        let e = Config::parse("[cost]\nhourly = 3\n").unwrap_err();
        assert!(e.contains("hourly"), "{e}");
        let e = Config::parse("[next_action]\nnudge_customer_hours = 0\n").unwrap_err();
        assert!(e.contains("nudge_customer_hours"), "{e}");
    }

    #[test]
    fn the_readme_example_is_a_valid_config() {
        let readme = include_str!("../README.md");
        let start = readme.find("```toml\n").expect("README has a toml block") + 8;
        let end = start + readme[start..].find("```").expect("closed");
        let c = Config::parse(&readme[start..end]).unwrap();
        assert_eq!(c, Config::default());
    }
}
