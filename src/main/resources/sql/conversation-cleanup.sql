DELETE FROM conversations
WHERE id IN (SELECT id FROM conversations
             WHERE last_activity_at < :#cutoff
             ORDER BY id
             LIMIT :#batchSize
             FOR UPDATE SKIP LOCKED)
