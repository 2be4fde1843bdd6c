//! Where a casebook lives: a file (SQLite, the default) or a database on a
//! PostgreSQL server, told apart by the URL's scheme. The URL is kept to
//! open the same place again (the app's background reader) and never shown:
//! messages use [`Place::shown`], which has no password.

use super::{Result, Store, StoreError};
use crate::db_url::PgTarget;
use std::path::{Path, PathBuf};

#[derive(Clone)]
pub enum Place {
    File(PathBuf),
    Server(Box<PgTarget>),
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.shown())
    }
}

impl Place {
    /// A path, or a `postgresql://` / `postgres://` URL.
    pub fn parse(text: &Path) -> Result<Place> {
        let s = text.to_string_lossy();
        if crate::db_url::is_postgres_url(&s) {
            let target = PgTarget::parse(&s).map_err(|reason| StoreError::CannotOpen {
                path: PathBuf::from(crate::db_url::redacted(&s)),
                reason,
            })?;
            Ok(Place::Server(Box::new(target)))
        } else {
            Ok(Place::File(text.to_path_buf()))
        }
    }

    /// The place as a person may see it: a path, or the URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Place::File(p) => p.display().to_string(),
            Place::Server(t) => t.shown(),
        }
    }

    pub fn is_server(&self) -> bool {
        matches!(self, Place::Server(_))
    }
}

impl Store {
    /// Opens (creating if need be) a casebook for a command that writes.
    pub fn open_at(place: &Place) -> Result<Store> {
        Self::open_place(place, true, false)
    }

    /// Opens a casebook that must exist already.
    pub fn open_existing_at(place: &Place) -> Result<Store> {
        Self::open_place(place, false, false)
    }

    /// Opens a casebook for a dry run: nothing is created or changed.
    pub fn open_dry_run_at(place: &Place) -> Result<Store> {
        Self::open_place(place, false, true)
    }

    fn open_place(place: &Place, create: bool, dry_run: bool) -> Result<Store> {
        let mut store = match place {
            Place::File(p) if dry_run => Store::open_dry_run(p)?,
            Place::File(p) if create => Store::open(p)?,
            Place::File(p) => Store::open_existing(p)?,
            Place::Server(target) => {
                let client = target.connect().map_err(|reason| StoreError::CannotOpen {
                    path: PathBuf::from(target.shown()),
                    reason,
                })?;
                Store::open_server(client, &target.shown(), create, dry_run)?
            }
        };
        store.place = Some(place.clone());
        Ok(store)
    }
}

impl Store {
    /// Why nothing can be changed, for a read-only store: the file is
    /// read-only, or this database role may only read.
    pub fn read_only_reason(&self) -> String {
        match &self.place {
            Some(Place::Server(t)) => {
                format!("this database role may only read {}", t.shown())
            }
            _ => format!("{} is read-only", self.path.display()),
        }
    }
}
