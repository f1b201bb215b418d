package dev.mailbridge.core.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh databases for tests: an H2 file in a temporary folder, or a new schema in the PostgreSQL that runs
 * on this machine (127.0.0.1:5432, database {@code test}, trust auth; override with
 * {@code -Dmailbridge.test.postgres=jdbc:postgresql://...}). Each call gets an empty one, so tests never
 * see each other's rows.
 */
public final class TestDatabases {
    public enum Kind {
        H2,
        POSTGRESQL
    }

    public static final String POSTGRES_URL =
            System.getProperty("mailbridge.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String POSTGRES_USER = System.getProperty("mailbridge.test.postgres.user", "postgres");

    static {
        // Hikari retires idle connections on its housekeeping pass (every 30 s by default); read once,
        // when its pool class loads, which is after this class in a test run.
        if (System.getProperty("com.zaxxer.hikari.housekeeping.periodMs") == null) {
            System.setProperty("com.zaxxer.hikari.housekeeping.periodMs", "5000");
        }
    }

    private TestDatabases() {}

    /** A JDBC URL (and user) for an empty database of {@code kind}. */
    public record Target(String url, String user) {}

    public static Target fresh(Kind kind) {
        try {
            return switch (kind) {
                case H2 -> new Target(Database.embeddedUrl(Files.createTempDirectory("mailbridge-h2")), null);
                case POSTGRESQL -> {
                    String schema = "mb_test_"
                            + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
                    try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
                            Statement s = c.createStatement()) {
                        s.execute("CREATE SCHEMA " + schema);
                    }
                    String sep = POSTGRES_URL.contains("?") ? "&" : "?";
                    yield new Target(POSTGRES_URL + sep + "currentSchema=" + schema, POSTGRES_USER);
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is needed for the tests at " + POSTGRES_URL + " (trust auth): " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Database open(Kind kind) {
        Target t = fresh(kind);
        HikariDataSource pool = Database.pool(t.url(), t.user(), null);
        // Tests open a database each and seldom close it: keep no idle connections (and drop idle ones
        // after Hikari's minimum 10 s), or the pools of one module's run add up to PostgreSQL's
        // max_connections (100) and a later test is refused with "too many clients already".
        pool.getHikariConfigMXBean().setMinimumIdle(0);
        pool.getHikariConfigMXBean().setIdleTimeout(10_000);
        return Database.migrate(pool);
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("mailbridge-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
