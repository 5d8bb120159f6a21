-- Snapshot bodies are now kept deflated (see compress.go). The bodies kept
-- before are rewritten by the Go step of this migration (repackSnapshots),
-- in the same transaction.
SELECT 1;
