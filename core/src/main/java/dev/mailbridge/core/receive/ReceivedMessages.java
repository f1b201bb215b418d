package dev.mailbridge.core.receive;

import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.rules.Decision;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Jdbc;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The messages the pipeline parsed, delivered or skipped, with the rules' decision: written in the
 * sync's transaction, read by "wait for a message" and the API's recent-mail list.
 */
public final class ReceivedMessages {
    /** One stored message; {@code json} is the message JSON (see {@code MessageJson}). */
    public record Stored(
            long id,
            UUID mailboxId,
            String itemId,
            Instant receivedAt,
            Optional<String> from,
            Optional<String> subject,
            boolean delivered,
            String decision,
            String json) {}

    private static final String COLUMNS =
            "id, mailbox_id, item_id, received_at, from_address, subject, delivered, decision, message_json";

    private final Jdbc jdbc;
    private final Clock clock;

    public ReceivedMessages(Database database, Clock clock) {
        this.jdbc = database.jdbc();
        this.clock = clock;
    }

    void record(UUID mailboxId, ReceivedMessage m, Decision decision, String json) {
        jdbc.update(
                "INSERT INTO received_message (mailbox_id, item_id, received_at, from_address, subject, delivered, "
                        + "decision, message_json) VALUES (?,?,?,?,?,?,?,?)",
                mailboxId,
                m.itemId() == null ? "" : m.itemId(),
                clock.instant(),
                m.from() == null ? null : cut(m.from().address(), 320),
                m.subject() == null ? null : cut(m.subject(), 2000),
                decision.deliver(),
                cut(decision.reason(), 1000),
                json);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** Messages received at or after {@code since}, oldest first. */
    public List<Stored> since(UUID mailboxId, Instant since, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM received_message WHERE mailbox_id=? AND received_at >= ? "
                        + "ORDER BY id FETCH FIRST " + Math.max(1, Math.min(limit, 500)) + " ROWS ONLY",
                rs -> new Stored(
                        rs.getLong("id"),
                        Jdbc.uuid(rs, "mailbox_id"),
                        rs.getString("item_id"),
                        Jdbc.instant(rs, "received_at"),
                        Jdbc.optString(rs, "from_address"),
                        Jdbc.optString(rs, "subject"),
                        rs.getBoolean("delivered"),
                        rs.getString("decision"),
                        rs.getString("message_json")),
                mailboxId,
                since);
    }

    /** The first message since {@code since} whose sender and subject match (regular expressions; null = any). */
    public Optional<Stored> first(UUID mailboxId, Instant since, Pattern from, Pattern subject) {
        for (Stored s : since(mailboxId, since, 500)) {
            if ((from == null || from.matcher(s.from().orElse("")).find())
                    && (subject == null
                            || subject.matcher(s.subject().orElse("")).find())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Forgets messages received before {@code before}; returns how many. */
    public int prune(Instant before) {
        return jdbc.update("DELETE FROM received_message WHERE received_at < ?", before);
    }
}
