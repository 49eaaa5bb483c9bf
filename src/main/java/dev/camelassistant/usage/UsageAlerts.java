package dev.camelassistant.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Once a month" for the owner's budget messages, across restarts: a row per month and kind in
 * {@code usage_alerts}. The database is asked only when a threshold is crossed and the month's
 * message was not sent yet in this run; when it is away the message is sent (better twice than never).
 */
public class UsageAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(UsageAlerts.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    public UsageAlerts(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** True exactly once per month and kind (the caller then sends the message). */
    public boolean firstThisMonth(String kind) {
        String month = YearMonth.now(clock.withZone(ZoneOffset.UTC)).toString();
        if (!sent.add(month + "/" + kind)) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO usage_alerts (month, kind) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, month);
            ps.setString(2, kind);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            LOG.warn("Could not record the {} budget message of {} ({}): sending it anyway", kind, month,
                    e.getClass().getSimpleName());
            return true;
        }
    }
}
