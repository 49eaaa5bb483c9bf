package dev.camelassistant.audit;

import java.sql.SQLException;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * The writes {@link AuditTrail} makes itself, through the same camel-sql insert as the audit-writer
 * route ({@code sql/audit-insert.sql}): the row-by-row retry of a batch whose data the database
 * refused, and the flush on stop, which runs after the routes have stopped and so sends to the
 * endpoint directly.
 */
final class AuditWriter {

    /** The insert of routes/audit.camel.yaml. */
    static final String INSERT = "sql:classpath:sql/audit-insert.sql?dataSource=#dataSource";

    /**
     * How a row-by-row write ended.
     *
     * @param done     entries written or refused, from the first
     * @param rejected of those, refused by the database (their SQLState in {@code sqlState})
     * @param complete false when an error that is not about the data (the database went away) stopped it
     */
    record RowByRow(int done, int rejected, String sqlState, boolean complete) {
    }

    private final CamelContext camelContext;
    private ProducerTemplate template;

    AuditWriter(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** All entries in one JDBC batch; null when written, else why not. */
    Exception writeBatch(List<AuditEntry> entries) {
        return send(INSERT + "&batch=true", AuditRows.toRows(entries));
    }

    /** One statement per entry (autocommit), so that a row the database refuses costs only that row. */
    RowByRow writeRowByRow(List<AuditEntry> entries) {
        int done = 0;
        int rejected = 0;
        String state = null;
        for (AuditEntry e : entries) {
            Exception failure = send(INSERT, AuditRows.toRow(e));
            if (failure != null && !isDataError(failure)) {
                return new RowByRow(done, rejected, state, false);
            }
            if (failure != null) {
                rejected++;
                state = sqlState(failure);
            }
            done++;
        }
        return new RowByRow(done, rejected, state, true);
    }

    synchronized void close() {
        if (template != null) {
            template.stop();
            template = null;
        }
    }

    private Exception send(String uri, Object body) {
        ProducerTemplate t;
        synchronized (this) {
            if (template == null) {
                template = camelContext.createProducerTemplate();
            }
            t = template;
        }
        Exchange done = t.send(uri, exchange -> exchange.getMessage().setBody(body));
        return done.getException();
    }

    /** SQLState class 22 (data exception) or 23 (integrity constraint) anywhere in the cause chain. */
    static boolean isDataError(Throwable t) {
        String state = sqlState(t);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The first SQLState of class 22 or 23 in the cause chain, else the first SQLState, else null. */
    static String sqlState(Throwable t) {
        String first = null;
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    String state = s.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return state;
                    }
                    first = first == null ? state : first;
                    if (s.getNextException() == s) {
                        break;
                    }
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return first;
    }
}
