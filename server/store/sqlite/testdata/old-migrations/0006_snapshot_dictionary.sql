-- Snapshot bodies are now deflated against a dictionary (see compress.go).
-- The bodies kept before are rewritten by the Go step of this migration
-- (repackSnapshots), in the same transaction.
SELECT 1;
