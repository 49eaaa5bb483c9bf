package dev.camelassistant.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

/** {@code SELECT 1} through the application's pool (the bean bound as "dataSource"). */
public final class PostgresProbe implements ServiceProbe {

    private final DataSource dataSource;

    public PostgresProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String service() {
        return "postgresql";
    }

    @Override
    public boolean configured() {
        return dataSource != null;
    }

    @Override
    public void probe(Duration timeout) throws Exception {
        // the pool's own connection timeout bounds getConnection(); the query has its own limit
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new ProbeFailure(ServiceHealth.KIND_DOWN, "unexpected answer to SELECT 1");
                }
            }
        }
    }
}
