DELETE FROM telegram_outbox
WHERE id IN (SELECT id FROM telegram_outbox
             WHERE state <> 'pending' AND finished_at < :#cutoff
             ORDER BY id
             LIMIT :#batchSize
             FOR UPDATE SKIP LOCKED)
