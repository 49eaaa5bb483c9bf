package dev.camelassistant.telegram;

import java.sql.SQLException;

import org.slf4j.Logger;

/**
 * After the database failed, leave it alone for a moment: callers keep their work in memory until
 * {@link #usable} says to try again (the inbox and the outbox, so that no reply waits on a database
 * that is away). The first failure of each outage is logged once.
 */
final class DatabasePause {

    private static final long PAUSE_MS = 2_000;

    private final Logger log;
    private final String unreachableMessage;
    private volatile long retryAt;

    /** @param unreachableMessage the warning logged when an outage starts, with one {} for the SQL state */
    DatabasePause(Logger log, String unreachableMessage) {
        this.log = log;
        this.unreachableMessage = unreachableMessage;
    }

    boolean usable() {
        return System.currentTimeMillis() >= retryAt;
    }

    void failed(SQLException e) {
        if (usable()) {
            log.warn(unreachableMessage, e.getSQLState());
        }
        retryAt = System.currentTimeMillis() + PAUSE_MS;
    }
}
