package dev.camelassistant.support;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fresh, migrated {@link TestDatabases} database per test class:
 * {@code @RegisterExtension static final TestDatabaseExtension DB = new TestDatabaseExtension();}
 */
public final class TestDatabaseExtension implements BeforeAllCallback, AfterAllCallback {

    private TestDatabases db;

    @Override
    public void beforeAll(ExtensionContext context) {
        db = TestDatabases.create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    /** The JDBC URL on the external server (TEST_DATABASE_URL), or null when embedded. */
    public String url() {
        return db.url();
    }

    public DataSource dataSource() {
        return db.dataSource();
    }

    /** {@link Sql#count} on this class's database. */
    public long count(String sql) {
        return Sql.count(dataSource(), sql);
    }
}
