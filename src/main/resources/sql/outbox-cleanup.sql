DELETE FROM telegram_outbox
WHERE id IN (SELECT id FROM telegram_outbox
             WHERE state <> 'pending' AND finished_at < ?
             ORDER BY id
             LIMIT ?
             FOR UPDATE SKIP LOCKED)
