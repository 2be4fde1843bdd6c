//! Slow reads and the flag refresh, off the keyboard's thread. On a large
//! database the report takes seconds and recomputing the flags of open cases
//! longer still; one worker thread, with its own connection to the same file,
//! runs the jobs in turn and hands results back, which `App::tick` picks up.
//! (One connection, not one per job: each holds a page cache of its own.)
//! A write made this way moves the database's data version, so the screens
//! reload as they do for any other process's change.

use super::reports::ReportData;
use crate::domain::friction::Thresholds;
use crate::store::report::GroupBy;
use crate::store::Place;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::sync::mpsc::{channel, Receiver, Sender};

/// What a job found.
pub enum Done {
    /// How many cases had their flags recomputed.
    Flags(Result<usize, String>),
    Report(GroupBy, Box<Result<ReportData, String>>),
}

enum Job {
    Flags(DateTime<Utc>),
    Report(GroupBy, DateTime<Utc>),
}

pub struct Background {
    jobs: Sender<Job>,
    receive: Receiver<Done>,
    /// Jobs under way: the flag refresh, and reports by group.
    flags_running: bool,
    reports_running: Vec<GroupBy>,
}

impl Background {
    /// Jobs on the database file at `path`, read with these thresholds.
    pub fn new(place: Place, thresholds: Thresholds) -> Background {
        let (jobs, incoming) = channel::<Job>();
        let (send, receive) = channel();
        std::thread::spawn(move || {
            let mut store: Option<Store> = None;
            for job in incoming {
                if store.is_none() {
                    match Self::open(&place, thresholds.clone()) {
                        Ok(s) => store = Some(s),
                        Err(e) => {
                            let _ = send.send(Self::failed(&job, e));
                            continue;
                        }
                    }
                }
                let Some(s) = store.as_mut() else { continue };
                // A server that went away is opened again at the next job.
                let lost = |s: &mut Option<Store>, e: &crate::store::StoreError| {
                    if matches!(e, crate::store::StoreError::ConnectionLost(_)) {
                        *s = None;
                    }
                };
                let done = match job {
                    Job::Flags(now) => {
                        let r = s.refresh_due(now);
                        if let Err(e) = &r {
                            lost(&mut store, e);
                        }
                        Done::Flags(r.map_err(|e| e.to_string()))
                    }
                    Job::Report(by, now) => {
                        let r = ReportData::make(s, by, now);
                        if let Err(e) = &r {
                            lost(&mut store, e);
                        }
                        Done::Report(by, Box::new(r.map_err(|e| e.to_string())))
                    }
                };
                if send.send(done).is_err() {
                    return;
                }
            }
        });
        Background {
            jobs,
            receive,
            flags_running: false,
            reports_running: Vec::new(),
        }
    }

    fn failed(job: &Job, e: String) -> Done {
        match job {
            Job::Flags(_) => Done::Flags(Err(e)),
            Job::Report(by, _) => Done::Report(*by, Box::new(Err(e))),
        }
    }

    fn open(place: &Place, thresholds: Thresholds) -> Result<Store, String> {
        let mut store = Store::open_existing_at(place).map_err(|e| e.to_string())?;
        store.thresholds = thresholds;
        Ok(store)
    }

    /// Re-derives the cases whose derived data changed with the clock.
    pub fn refresh_due(&mut self, now: DateTime<Utc>) {
        if !self.flags_running && self.jobs.send(Job::Flags(now)).is_ok() {
            self.flags_running = true;
        }
    }

    /// Makes a report screen's data; false when one is already on its way.
    pub fn report(&mut self, by: GroupBy, now: DateTime<Utc>) -> bool {
        if self.reports_running.contains(&by) || self.jobs.send(Job::Report(by, now)).is_err() {
            return false;
        }
        self.reports_running.push(by);
        true
    }

    /// The jobs finished since the last look.
    pub fn finished(&mut self) -> Vec<Done> {
        let done: Vec<Done> = self.receive.try_iter().collect();
        for d in &done {
            match d {
                Done::Flags(_) => self.flags_running = false,
                Done::Report(by, _) => self.reports_running.retain(|b| b != by),
            }
        }
        done
    }

    pub fn busy(&self) -> bool {
        self.flags_running || !self.reports_running.is_empty()
    }
}
