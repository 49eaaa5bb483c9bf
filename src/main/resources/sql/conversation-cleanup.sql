DELETE FROM conversations
WHERE id IN (SELECT id FROM conversations
             WHERE last_activity_at < ?
             ORDER BY id
             LIMIT ?
             FOR UPDATE SKIP LOCKED)
