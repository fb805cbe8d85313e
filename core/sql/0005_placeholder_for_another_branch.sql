-- Placeholder: schema version 5 is assigned to another helper's branch
-- (issue 11). Delete this file when that branch's 0005_*.sql is merged.
SELECT 1;
