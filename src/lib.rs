//! casebook: log customer-service cases, measure time to resolution and every
//! touchpoint, and find the ways a vendor or a channel makes getting help hard.

pub mod app;
pub mod cli;
pub mod config;
pub mod db_url;
pub mod domain;
pub mod io;
pub mod os_user;
pub mod private_files;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
