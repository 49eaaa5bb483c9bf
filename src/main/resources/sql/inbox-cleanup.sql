DELETE FROM telegram_inbox
WHERE (chat_id, message_id) IN (SELECT chat_id, message_id FROM telegram_inbox
                                WHERE state = 'answered' AND answered_at < :#cutoff
                                LIMIT :#batchSize
                                FOR UPDATE SKIP LOCKED)
