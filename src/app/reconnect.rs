//! A team's database may go away (a restart, a network cut): the app says
//! so at the bottom of the screen, keeps whatever form is open, and opens
//! the same place again every second or so until the server answers. A
//! file never loses its connection.

use super::App;
use crate::store::{Store, StoreError};
use std::time::{Duration, Instant};

/// How long between two tries to reconnect.
const RETRY_EVERY: Duration = Duration::from_secs(1);

impl App {
    /// Called when a look at the store failed: a lost connection starts (or
    /// goes on) reconnecting; other errors are the caller's.
    pub(super) fn on_store_error(&mut self, e: &StoreError) {
        if !matches!(e, StoreError::ConnectionLost(_)) {
            return;
        }
        if self
            .reconnect_tried
            .is_some_and(|at| at.elapsed() < RETRY_EVERY)
        {
            return;
        }
        self.reconnect_tried = Some(Instant::now());
        let Some(place) = self.store.place.clone() else {
            return;
        };
        match Store::open_existing_at(&place) {
            Ok(mut store) => {
                store.thresholds = self.store.thresholds.clone();
                store.summary_rates = self.store.summary_rates.clone();
                store.allow_future = self.store.allow_future;
                self.store = store;
                self.reconnect_tried = None;
                if let Ok(v) = self.store.data_version() {
                    self.data_version = v;
                }
                self.reload();
                self.say(format!("reconnected to {}", place.shown()));
            }
            Err(_) => self.complain(format!(
                "lost the connection to {}: reconnecting… (an open form is kept; save it again once reconnected)",
                place.shown()
            )),
        }
        self.dirty = true;
    }
}
