-- The group figures of `casebook report --by vendor`, written by hand in SQL,
-- for the speed comparison in benches/scale.rs (which replaces 0 /*NOW*/ with
-- the time it uses). Same definitions as src/domain/measures.rs; friction
-- patterns are left out (they are rules, not arithmetic).
WITH params(now) AS (SELECT 0 /*NOW*/),
c AS (
  SELECT c.id, c.vendor_id, c.status, c.opened_at, c.resolved_at,
         coalesce(c.refund_amount, 0) AS refund, coalesce(c.customer_cost, 0) AS cost,
         coalesce(c.resolved_at, c.closed_at,
                  CASE WHEN c.status IN ('resolved', 'closed') THEN c.opened_at ELSE (SELECT now FROM params) END) AS clock_end
  FROM cases c
),
t AS (
  SELECT t.case_id, t.at, t.started_by, t.outcome,
         lead(t.at) OVER (PARTITION BY t.case_id ORDER BY t.at, t.id) AS next_at,
         -- after the last touch, a status that names who has the ball has the last word
         CASE WHEN lead(t.at) OVER (PARTITION BY t.case_id ORDER BY t.at, t.id) IS NULL
                   AND cs.status = 'waiting_customer' THEN 'customer'
              WHEN lead(t.at) OVER (PARTITION BY t.case_id ORDER BY t.at, t.id) IS NULL
                   AND cs.status IN ('waiting_vendor', 'escalated') THEN 'vendor'
              WHEN t.waiting_on IS NOT NULL THEN t.waiting_on
              WHEN t.outcome IN ('info_request', 'offer') THEN 'customer'
              WHEN t.outcome IN ('resolved', 'delight') THEN 'nobody'
              WHEN t.ask IS NOT NULL AND t.ask NOT IN ('none', 'wait') THEN 'customer'
              ELSE 'vendor' END AS who
  FROM touchpoints t JOIN cases cs ON cs.id = t.case_id
),
per_case AS (
  SELECT c.id, c.vendor_id, c.status, c.refund, c.cost,
         (c.resolved_at - c.opened_at) / 3600000.0 AS ttr,
         (min(CASE WHEN t.started_by = 'vendor'
                     OR t.outcome NOT IN ('sent', 'no_answer', 'dropped', 'unreachable', 'other')
                   THEN t.at END) - c.opened_at) / 3600000.0 AS ttfr,
         sum(CASE WHEN t.who = 'vendor'
                  THEN max(0, min(coalesce(t.next_at, c.clock_end), c.clock_end) - min(t.at, c.clock_end)) END) / 3600000.0 AS vendor_wait,
         sum(CASE WHEN t.who = 'customer'
                  THEN max(0, min(coalesce(t.next_at, c.clock_end), c.clock_end) - min(t.at, c.clock_end)) END) / 3600000.0 AS customer_wait,
         count(t.case_id) AS touches,
         count(CASE WHEN t.started_by = 'customer' THEN 1 END) AS contacts,
         max(t.outcome = 'escalated') AS escalated
  FROM c LEFT JOIN t ON t.case_id = c.id
  GROUP BY c.id
),
ranked_ttr AS (
  SELECT vendor_id, ttr, row_number() OVER (PARTITION BY vendor_id ORDER BY ttr) - 1 AS k,
         count(*) OVER (PARTITION BY vendor_id) AS n
  FROM per_case WHERE ttr IS NOT NULL
),
ranked_ttfr AS (
  SELECT vendor_id, ttfr AS ttr, row_number() OVER (PARTITION BY vendor_id ORDER BY ttfr) - 1 AS k,
         count(*) OVER (PARTITION BY vendor_id) AS n
  FROM per_case WHERE ttfr IS NOT NULL
),
pct AS (  -- numpy's linear interpolation: h = (n-1)p, x[floor h] + frac * (x[floor h + 1] - x[floor h])
  SELECT 'ttr' AS what, vendor_id, max(n) AS n,
    sum(CASE WHEN k = cast((n - 1) * 0.5 AS int) THEN ttr * (1 - ((n - 1) * 0.5 - cast((n - 1) * 0.5 AS int)))
             WHEN k = cast((n - 1) * 0.5 AS int) + 1 THEN ttr * ((n - 1) * 0.5 - cast((n - 1) * 0.5 AS int)) ELSE 0 END) AS median,
    sum(CASE WHEN k = cast((n - 1) * 0.9 AS int) THEN ttr * (1 - ((n - 1) * 0.9 - cast((n - 1) * 0.9 AS int)))
             WHEN k = cast((n - 1) * 0.9 AS int) + 1 THEN ttr * ((n - 1) * 0.9 - cast((n - 1) * 0.9 AS int)) ELSE 0 END) AS p90
  FROM ranked_ttr GROUP BY vendor_id
  UNION ALL
  SELECT 'ttfr', vendor_id, max(n),
    sum(CASE WHEN k = cast((n - 1) * 0.5 AS int) THEN ttr * (1 - ((n - 1) * 0.5 - cast((n - 1) * 0.5 AS int)))
             WHEN k = cast((n - 1) * 0.5 AS int) + 1 THEN ttr * ((n - 1) * 0.5 - cast((n - 1) * 0.5 AS int)) ELSE 0 END),
    sum(CASE WHEN k = cast((n - 1) * 0.9 AS int) THEN ttr * (1 - ((n - 1) * 0.9 - cast((n - 1) * 0.9 AS int)))
             WHEN k = cast((n - 1) * 0.9 AS int) + 1 THEN ttr * ((n - 1) * 0.9 - cast((n - 1) * 0.9 AS int)) ELSE 0 END)
  FROM ranked_ttfr GROUP BY vendor_id
)
SELECT v.name, count(*) AS cases,
       sum(p.status NOT IN ('resolved', 'closed')) AS open,
       sum(p.status IN ('resolved', 'closed')) AS resolved,
       (SELECT n FROM pct WHERE what = 'ttfr' AND pct.vendor_id = p.vendor_id) AS ttfr_n,
       round((SELECT median FROM pct WHERE what = 'ttfr' AND pct.vendor_id = p.vendor_id), 4) AS ttfr_median,
       round((SELECT p90 FROM pct WHERE what = 'ttfr' AND pct.vendor_id = p.vendor_id), 4) AS ttfr_p90,
       (SELECT n FROM pct WHERE what = 'ttr' AND pct.vendor_id = p.vendor_id) AS ttr_n,
       round((SELECT median FROM pct WHERE what = 'ttr' AND pct.vendor_id = p.vendor_id), 4) AS ttr_median,
       round((SELECT p90 FROM pct WHERE what = 'ttr' AND pct.vendor_id = p.vendor_id), 4) AS ttr_p90,
       round(sum(coalesce(p.vendor_wait, 0)), 4) AS vendor_wait_hours,
       round(sum(coalesce(p.customer_wait, 0)), 4) AS customer_wait_hours,
       round(avg(p.touches), 4) AS touches_per_case,
       round(avg(p.contacts), 4) AS contacts_per_case,
       round(avg(coalesce(p.escalated, 0)), 4) AS escalation_rate,
       sum(p.refund) AS refund_cents, sum(p.cost) AS customer_cost_cents
FROM per_case p JOIN vendors v ON v.id = p.vendor_id
GROUP BY p.vendor_id ORDER BY cases DESC, v.name;
