package dev.mailbridge.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The few JDBC shapes the stores need: bind parameters by type, map rows, run in a transaction. Plain
 * JDBC keeps the stores free of a framework, so the CLI and the server share them.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final ThreadLocal<Connection> inTransaction = new ThreadLocal<>();

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    public int update(String sql, Object... args) {
        return withConnection(
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        bind(ps, args);
                        return ps.executeUpdate();
                    }
                },
                sql);
    }

    /** Runs an INSERT and returns the value the database generated for the {@code BIGINT} column {@code key}. */
    public long insert(String sql, String key, Object... args) {
        return withConnection(
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(sql, new String[] {key})) {
                        bind(ps, args);
                        ps.executeUpdate();
                        try (ResultSet rs = ps.getGeneratedKeys()) {
                            if (!rs.next()) {
                                throw new SQLException("the database returned no generated " + key);
                            }
                            return rs.getLong(1);
                        }
                    }
                },
                sql);
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return withConnection(
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        bind(ps, args);
                        try (ResultSet rs = ps.executeQuery()) {
                            List<T> out = new ArrayList<>();
                            while (rs.next()) {
                                out.add(mapper.map(rs));
                            }
                            return out;
                        }
                    }
                },
                sql);
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public long count(String sql, Object... args) {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /** Runs {@code work} in one transaction; nested calls join the outer one. */
    public <T> T transaction(Work<T> work) {
        if (inTransaction.get() != null) {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new StoreException("a database statement failed: " + e.getMessage(), e);
            }
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            inTransaction.set(c);
            try {
                T result = work.run();
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                inTransaction.remove();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("a database transaction failed: " + e.getMessage(), e);
        }
    }

    private interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(ConnectionWork<T> work, String sql) {
        Connection current = inTransaction.get();
        try {
            if (current != null) {
                return work.run(current);
            }
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new DuplicateException(e);
            }
            throw new StoreException("a database statement failed (" + firstWords(sql) + "): " + e.getMessage(), e);
        }
    }

    private static String firstWords(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Optional<?> o) {
                a = o.orElse(null);
            }
            int at = i + 1;
            switch (a) {
                case null -> ps.setNull(at, Types.NULL);
                case Instant t -> ps.setObject(at, t.atOffset(ZoneOffset.UTC));
                case UUID u -> ps.setObject(at, u);
                case Enum<?> e -> ps.setString(at, e.name());
                case java.io.InputStream in ->
                    ps.setBinaryStream(at, in); // read by the statement; the caller closes it
                default -> ps.setObject(at, a);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static Optional<Instant> optInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(instant(rs, column));
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    public static Optional<String> optString(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public static Optional<Integer> optInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
