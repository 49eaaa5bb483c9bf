DELETE FROM telegram_inbox
WHERE (chat_id, message_id) IN (SELECT chat_id, message_id FROM telegram_inbox
                                WHERE state = 'answered' AND answered_at < ?
                                LIMIT ?
                                FOR UPDATE SKIP LOCKED)
