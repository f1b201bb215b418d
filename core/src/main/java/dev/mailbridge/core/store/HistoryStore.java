package dev.mailbridge.core.store;

import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.HistoryEvent.Kind;
import dev.mailbridge.core.model.HistoryEvent.Outcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The history of each connection and mailbox: kept, never rewritten. */
public final class HistoryStore {
    private static final String COLUMNS =
            "id, connection_id, mailbox_id, at, kind, outcome, code, message, detail, trace_id, correlation_id";
    private final Jdbc jdbc;
    private final Clock clock;

    HistoryStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** An event to record; build with {@link #event}. */
    public record Entry(
            UUID connectionId,
            Optional<UUID> mailboxId,
            Kind kind,
            Outcome outcome,
            Optional<String> code,
            String message,
            Optional<String> detail,
            Optional<String> traceId,
            Optional<String> correlationId) {

        public Entry code(String c) {
            return new Entry(
                    connectionId,
                    mailboxId,
                    kind,
                    outcome,
                    Optional.ofNullable(c),
                    message,
                    detail,
                    traceId,
                    correlationId);
        }

        public Entry detail(String d) {
            return new Entry(
                    connectionId,
                    mailboxId,
                    kind,
                    outcome,
                    code,
                    message,
                    Optional.ofNullable(d),
                    traceId,
                    correlationId);
        }

        public Entry ids(Optional<String> trace, Optional<String> correlation) {
            return new Entry(connectionId, mailboxId, kind, outcome, code, message, detail, trace, correlation);
        }
    }

    public static Entry event(UUID connectionId, UUID mailboxId, Kind kind, Outcome outcome, String message) {
        return new Entry(
                connectionId,
                Optional.ofNullable(mailboxId),
                kind,
                outcome,
                Optional.empty(),
                message,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    public void add(Entry e) {
        jdbc.update(
                "INSERT INTO history (connection_id, mailbox_id, at, kind, outcome, code, message, detail, trace_id, "
                        + "correlation_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                e.connectionId(),
                e.mailboxId(),
                clock.instant(),
                e.kind(),
                e.outcome(),
                e.code(),
                truncate(e.message(), 4000),
                e.detail().map(d -> truncate(d, 40000)),
                e.traceId(),
                e.correlationId());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    public List<HistoryEvent> ofConnection(UUID connectionId, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM history WHERE connection_id=? ORDER BY id DESC FETCH FIRST " + limit
                        + " ROWS ONLY",
                HistoryStore::map,
                connectionId);
    }

    public List<HistoryEvent> ofMailbox(UUID mailboxId, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM history WHERE mailbox_id=? ORDER BY id DESC FETCH FIRST " + limit
                        + " ROWS ONLY",
                HistoryStore::map,
                mailboxId);
    }

    private static HistoryEvent map(ResultSet rs) throws SQLException {
        return new HistoryEvent(
                rs.getLong("id"),
                Jdbc.uuid(rs, "connection_id"),
                Optional.ofNullable(Jdbc.uuid(rs, "mailbox_id")),
                Jdbc.instant(rs, "at"),
                Kind.valueOf(rs.getString("kind")),
                Outcome.valueOf(rs.getString("outcome")),
                Jdbc.optString(rs, "code"),
                rs.getString("message"),
                Jdbc.optString(rs, "detail"),
                Jdbc.optString(rs, "trace_id"),
                Jdbc.optString(rs, "correlation_id"));
    }
}
