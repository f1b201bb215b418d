package dev.mailbridge.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The database: a pooled {@link DataSource} brought to the current schema by Flyway before anything
 * reads it. H2 (embedded, in a file) by default; PostgreSQL when a {@code jdbc:postgresql:} URL is
 * configured. Both run the same migrations.
 */
public final class Database implements AutoCloseable {
    private final DataSource dataSource;
    private final Jdbc jdbc;
    private final String product;

    private Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        try (Connection c = dataSource.getConnection()) {
            this.product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot connect to the database: " + e.getMessage()
                            + ". Check the database URL, user and password, and that the database server is running.",
                    e);
        }
    }

    /** Migrates and wraps a data source someone else pools (for example Spring Boot's). */
    public static Database migrate(DataSource dataSource) {
        Database db = new Database(dataSource);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return db;
    }

    /** A pooled data source for {@code url}; the URL names no secret, the password comes apart. */
    public static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("mailbridge");
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }

    /** The default embedded database, a file under {@code dataDir}. */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("mailbridge") + ";AUTO_SERVER=FALSE";
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    /** "H2" or "PostgreSQL". */
    public String product() {
        return product;
    }

    @Override
    public void close() {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new StoreException("closing the database failed", e);
            }
        }
    }
}
