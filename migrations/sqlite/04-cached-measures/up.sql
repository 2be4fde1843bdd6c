-- The measures of a resolved or closed case no longer move with time, so the
-- store keeps them beside the case (computed by src/domain/measures.rs after
-- every change) and reports read them instead of every touchpoint. Open cases,
-- and cases not yet recomputed (m_cached = 0), are measured live.
ALTER TABLE cases ADD COLUMN m_cached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN m_ttfr_hours REAL;
ALTER TABLE cases ADD COLUMN m_ttr_hours REAL;
ALTER TABLE cases ADD COLUMN m_vendor_wait_hours REAL;
ALTER TABLE cases ADD COLUMN m_customer_wait_hours REAL;
ALTER TABLE cases ADD COLUMN m_escalated INTEGER;
