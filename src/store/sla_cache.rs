//! The SLA setup kept between writes (see `SetupCache`).

use super::db::Connection;
use super::sla_read::load_setup;
use super::Result;
use crate::domain::sla::SlaSetup;
use std::cell::RefCell;
use std::sync::Arc;

/// The SLA setup as last read, so that writing many cases (an import, a
/// refresh) reads and parses the policies and calendars once, not once a case.
/// It is read again after this store changes them (`forget`, by every write
/// below) and after another connection committed anything (SQLite's
/// `data_version` moved: another process may have changed them).
#[derive(Debug, Default)]
pub(crate) struct SetupCache {
    kept: RefCell<Option<(i64, Option<Arc<SlaSetup>>)>>,
}

impl SetupCache {
    pub(crate) fn get(&self, conn: &Connection) -> Result<Option<Arc<SlaSetup>>> {
        // On a server, the count of casebook's writes stands in for it.
        let version: i64 = match conn.sqlite() {
            Some(_) => conn
                .prepare_cached("PRAGMA data_version")?
                .query_row([], |r| r.get(0))?,
            None => super::writes_seen(conn)?,
        };
        if let Some((v, setup)) = self.kept.borrow().as_ref() {
            if *v == version {
                return Ok(setup.clone());
            }
        }
        let setup = load_setup(conn)?.map(Arc::new);
        *self.kept.borrow_mut() = Some((version, setup.clone()));
        Ok(setup)
    }

    pub(crate) fn forget(&self) {
        self.kept.borrow_mut().take();
    }
}

/// Forgets the cached setup when dropped: at the start of a change (the
/// cases rechecked inside it read the new setup) and at its end, whether it
/// was committed or not.
pub(super) struct ForgetAfter<'a>(&'a SetupCache);

impl<'a> ForgetAfter<'a> {
    pub(super) fn new(cache: &'a SetupCache) -> Self {
        cache.forget();
        ForgetAfter(cache)
    }
}

impl Drop for ForgetAfter<'_> {
    fn drop(&mut self) {
        self.0.forget();
    }
}
