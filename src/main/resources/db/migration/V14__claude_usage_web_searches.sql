-- Web searches Anthropic ran for the answers (usage.server_tool_use.web_search_requests, issue 22):
-- billed per search, so counted beside the tokens; rows written before this count none.
ALTER TABLE claude_usage ADD COLUMN web_search_requests BIGINT NOT NULL DEFAULT 0;
