-- Placeholder: schema version 6 is assigned to another helper's branch
-- (issue 11). Delete this file when that branch's 0006_*.sql is merged.
SELECT 1;
