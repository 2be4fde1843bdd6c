//! casebook: log customer-service cases, measure time to resolution and every
//! touchpoint, and find the ways a vendor or a channel makes getting help hard.

pub mod domain;
