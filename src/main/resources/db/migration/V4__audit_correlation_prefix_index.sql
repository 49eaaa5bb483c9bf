-- /audit looks entries up by the short reference printed to users (a prefix of the correlation id):
-- a LIKE 'prefix%' can use this index whatever the database's collation.
CREATE INDEX idx_audit_trail_correlation_id_prefix ON audit_trail (correlation_id varchar_pattern_ops);
