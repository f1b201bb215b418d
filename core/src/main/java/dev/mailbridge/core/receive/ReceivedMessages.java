package dev.mailbridge.core.receive;

import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.rules.Decision;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Jdbc;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The messages the pipeline parsed, delivered or skipped, with the rules' decision: written in the
 * sync's transaction, read by "wait for a message" and the API's recent-mail list. The MIME is kept
 * beside the JSON, for attachment content and for forwarding.
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
        record(mailboxId, m, decision, json, null);
    }

    /** Records the message with its MIME (streamed from {@code mime}; null: none kept); returns its ID. */
    long record(UUID mailboxId, ReceivedMessage m, Decision decision, String json, Path mime) {
        try (InputStream in = mime == null ? null : Files.newInputStream(mime)) {
            return jdbc.insert(
                    "INSERT INTO received_message (mailbox_id, item_id, received_at, from_address, subject, delivered, "
                            + "decision, message_json, mime) VALUES (?,?,?,?,?,?,?,?,?)",
                    "id",
                    mailboxId,
                    m.itemId() == null ? "" : m.itemId(),
                    clock.instant(),
                    m.from() == null ? null : cut(m.from().address(), 320),
                    m.subject() == null ? null : cut(m.subject(), 2000),
                    decision.deliver(),
                    cut(decision.reason(), 1000),
                    json,
                    in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the downloaded message " + mime, e);
        }
    }

    /** One kept message by its ID. */
    public Optional<Stored> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM received_message WHERE id=?", ReceivedMessages::map, id);
    }

    /**
     * The kept MIME of a message, copied to a temporary file that closing the stream deletes (so no
     * database connection is held while the caller streams it); empty when the message is not kept or was
     * kept without its MIME.
     */
    public Optional<InputStream> mime(long id) {
        return jdbc.one(
                "SELECT mime FROM received_message WHERE id=? AND mime IS NOT NULL",
                rs -> {
                    try (InputStream in = rs.getBinaryStream("mime")) {
                        Path file = Files.createTempFile("mailbridge-kept-", ".eml");
                        try {
                            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                            return deletingOnClose(file);
                        } catch (IOException | RuntimeException e) {
                            Files.deleteIfExists(file);
                            throw e;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot copy a kept message to a temporary file", e);
                    }
                },
                id);
    }

    private static InputStream deletingOnClose(Path file) throws IOException {
        return new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        };
    }

    private static Stored map(ResultSet rs) throws SQLException {
        return new Stored(
                rs.getLong("id"),
                Jdbc.uuid(rs, "mailbox_id"),
                rs.getString("item_id"),
                Jdbc.instant(rs, "received_at"),
                Jdbc.optString(rs, "from_address"),
                Jdbc.optString(rs, "subject"),
                rs.getBoolean("delivered"),
                rs.getString("decision"),
                rs.getString("message_json"));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** Messages received at or after {@code since}, oldest first. */
    public List<Stored> since(UUID mailboxId, Instant since, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM received_message WHERE mailbox_id=? AND received_at >= ? "
                        + "ORDER BY id FETCH FIRST " + Math.max(1, Math.min(limit, 500)) + " ROWS ONLY",
                ReceivedMessages::map,
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
