INSERT INTO claude_usage (day, chat_id, model, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, web_search_requests, cost_usd, answers)
VALUES (:#day, :#chatId, :#model, :#inputTokens, :#outputTokens, :#cacheWriteTokens, :#cacheReadTokens, :#webSearches, :#costUsd, :#answers)
ON CONFLICT (day, chat_id, model) DO UPDATE SET
    input_tokens        = claude_usage.input_tokens + EXCLUDED.input_tokens,
    output_tokens       = claude_usage.output_tokens + EXCLUDED.output_tokens,
    cache_write_tokens  = claude_usage.cache_write_tokens + EXCLUDED.cache_write_tokens,
    cache_read_tokens   = claude_usage.cache_read_tokens + EXCLUDED.cache_read_tokens,
    web_search_requests = claude_usage.web_search_requests + EXCLUDED.web_search_requests,
    cost_usd            = claude_usage.cost_usd + EXCLUDED.cost_usd,
    answers             = claude_usage.answers + EXCLUDED.answers
