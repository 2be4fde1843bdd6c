-- PLACEHOLDER on branch cost only, so that 07 applies before the real 05 and 06
-- exist. The lead drops this directory when merging (git rm -r migrations/05-placeholder-lead).
SELECT 1;
