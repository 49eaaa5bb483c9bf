DELETE FROM telegram_edits
WHERE (chat_id, message_id, edit_date) IN (SELECT chat_id, message_id, edit_date FROM telegram_edits
                                           WHERE received_at < :#cutoff
                                           LIMIT :#batchSize
                                           FOR UPDATE SKIP LOCKED)
