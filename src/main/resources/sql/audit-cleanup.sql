DELETE FROM audit_trail
WHERE id IN (SELECT id FROM audit_trail
             WHERE created_at < ?
             ORDER BY id
             LIMIT ?
             FOR UPDATE SKIP LOCKED)
