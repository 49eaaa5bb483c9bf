DELETE FROM audit_trail
WHERE id IN (SELECT id FROM audit_trail
             WHERE created_at < :#cutoff
             ORDER BY id
             LIMIT :#batchSize
             FOR UPDATE SKIP LOCKED)
