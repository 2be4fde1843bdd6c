-- Ball in court: after the last touch of an open case, its status now has
-- the last word (waiting_customer: the customer; waiting_vendor, escalated:
-- the vendor). Waits, flags, service levels, next action and kept figures of
-- open cases are derived again.
UPDATE cases SET next_change_at = 0 WHERE status NOT IN ('resolved', 'closed');
