-- 0016: a placeholder, so that this branch (s23-sitefeat, whose migration is
-- 0018 as assigned) runs: the migration runner refuses gaps. Other
-- branches hold the real 0016; DELETE this file when merging them.
SELECT 1;
