-- Where in the customer's journey a case happened (JourneyStage in
-- src/domain/enums.rs); existing cases take their category's default.
ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT 'use' CHECK (stage = 'pre_sale' OR stage = 'order' OR stage = 'delivery' OR stage = 'use' OR stage = 'billing' OR stage = 'cancel');
UPDATE cases SET stage = CASE category
    WHEN 'missing_part' THEN 'delivery' WHEN 'wrong_item' THEN 'delivery' WHEN 'late_delivery' THEN 'delivery'
    WHEN 'service_activation' THEN 'pre_sale'
    WHEN 'billing' THEN 'billing' WHEN 'refund' THEN 'billing'
    ELSE 'use' END;
-- What a case costs (src/domain/cost.rs), its customer effort estimate, whether
-- it is a sale prevented, and its next action: kept by the store with the
-- rest of the summary, so that reports stay one pass over the cases table.
-- Cost does not move with time; it is recomputed after every change and when
-- the rates change.
ALTER TABLE cases ADD COLUMN cost_to_serve INTEGER;
ALTER TABLE cases ADD COLUMN cost_customer_hours REAL;
ALTER TABLE cases ADD COLUMN cost_customer_all_in INTEGER;
ALTER TABLE cases ADD COLUMN cost_margin INTEGER;
ALTER TABLE cases ADD COLUMN cost_revenue_at_risk INTEGER;
ALTER TABLE cases ADD COLUMN effort_estimate INTEGER;
ALTER TABLE cases ADD COLUMN sale_prevented INTEGER;
ALTER TABLE cases ADD COLUMN next_action TEXT;
-- Every case is measured again (with its cost) at the next refresh.
UPDATE cases SET m_cached = 0;
