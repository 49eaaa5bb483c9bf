INSERT INTO audit_trail (correlation_id, user_id, action, source, model, metadata, status, error_message, created_at)
VALUES (:#correlationId, :#userId, :#action, :#source, :#model, CAST(:#metadata AS jsonb), :#status, :#errorMessage, :#createdAt)
