package dev.mailbridge.core.deliver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.DuplicateException;
import dev.mailbridge.core.store.Jdbc;
import dev.mailbridge.core.store.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The transactional outbox: events are written in the caller's transaction (so an event exists exactly when
 * the change that caused it was committed) and stay until their target acknowledged them.
 *
 * <p>Workers {@link #claim} due rows under a lease; a worker that dies leaves its lease to run out, and the
 * row is claimed again. Failures are retried with {@link Backoff exponential back-off and full jitter} until
 * {@link Options#maxAttempts()}, then the row is dead: listed by {@link #deadLetters} and {@link #replay
 * replayed} from the UI or the API.
 */
public final class Outbox {
    private static final String COLUMNS = """
            id, idempotency_key, event_type, mailbox_id, target_id, payload, created_at, next_attempt_at, attempts,
            state, last_error, last_status, delivered_at, leased_until, lease_owner""";
    private static final String DUE =
            "((o.state='PENDING' AND o.next_attempt_at<=?) " + "OR (o.state='DELIVERING' AND o.leased_until<=?))";
    static final int MAX_ERROR = 2000;

    /**
     * @param maxAttempts attempts before a row is dead (default 12)
     * @param backoff the wait between attempts (default 5 s doubling to 1 h, full jitter)
     */
    public record Options(int maxAttempts, Backoff backoff) {
        public static final Options DEFAULT = new Options(12, Backoff.DEFAULT);

        public Options {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            Objects.requireNonNull(backoff, "backoff");
        }
    }

    /** The outcome of an enqueue: the row's id, and whether this call made it (false: the key was known). */
    public record Enqueued(long id, UUID targetId, boolean created) {}

    private final Jdbc jdbc;
    private final Clock clock;
    private final Options options;
    private final boolean postgres;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public Outbox(Database database, Clock clock) {
        this(database, clock, Options.DEFAULT);
    }

    public Outbox(Database database, Clock clock, Options options) {
        this.jdbc = database.jdbc();
        this.clock = clock;
        this.options = options;
        this.postgres = "PostgreSQL".equalsIgnoreCase(database.product());
    }

    public Options options() {
        return options;
    }

    /** Called after every new row (workers in this process wake up instead of waiting for their next poll). */
    public void onEnqueue(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Writes {@code event} for {@code targetId}, inside the caller's transaction when there is one ({@link
     * Jdbc#transaction}). An event whose idempotency key this target already has is not written again: that is
     * not an error, and the existing row is returned.
     */
    public Enqueued enqueue(UUID targetId, OutboxEvent event) {
        requireJson(event.payloadJson());
        Instant now = now();
        return jdbc.transaction(() -> {
            boolean created = insert(targetId, event, now);
            long id = jdbc.one(
                            "SELECT id FROM outbox WHERE target_id=? AND idempotency_key=?",
                            rs -> rs.getLong(1),
                            targetId,
                            event.idempotencyKey())
                    .orElseThrow(() -> new StoreException("the outbox row just written is missing", null));
            if (created) {
                listeners.forEach(Runnable::run);
            }
            return new Enqueued(id, targetId, created);
        });
    }

    /** Writes {@code event} for every enabled target that receives its type; see {@link #enqueue}. */
    public List<Enqueued> enqueueToAll(OutboxEvent event) {
        requireJson(event.payloadJson());
        return jdbc.transaction(() -> {
            record Row(UUID id, String types) {}
            List<Row> targets = jdbc.query(
                    "SELECT id, event_types FROM delivery_target WHERE enabled=TRUE ORDER BY id",
                    rs -> new Row(Jdbc.uuid(rs, "id"), rs.getString("event_types")));
            List<Enqueued> out = new ArrayList<>();
            for (Row t : targets) {
                if (t.types() == null
                        || t.types().isBlank()
                        || List.of(t.types().split(",")).contains(event.type().wireName())) {
                    out.add(enqueue(t.id(), event));
                }
            }
            return out;
        });
    }

    private boolean insert(UUID targetId, OutboxEvent event, Instant now) {
        Object[] args = {
            event.idempotencyKey(),
            event.type().wireName(),
            event.mailboxId(),
            targetId,
            event.payloadJson(),
            now,
            now,
            0,
            OutboxState.PENDING
        };
        String insert = "INSERT INTO outbox (idempotency_key, event_type, mailbox_id, target_id, payload, "
                + "created_at, next_attempt_at, attempts, state) VALUES (?,?,?,?,?,?,?,?,?)";
        if (postgres) {
            // a failed statement would abort the caller's PostgreSQL transaction: never let the duplicate fail
            return jdbc.update(insert + " ON CONFLICT (target_id, idempotency_key) DO NOTHING", args) == 1;
        }
        // H2 rolls back only the failed statement, so the caller's transaction survives a duplicate
        if (jdbc.count(
                        "SELECT COUNT(*) FROM outbox WHERE target_id=? AND idempotency_key=?",
                        targetId,
                        event.idempotencyKey())
                > 0) {
            return false;
        }
        try {
            return jdbc.update(insert, args) == 1;
        } catch (DuplicateException e) {
            return false;
        }
    }

    private void requireJson(String payload) {
        try {
            json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an outbox payload must be JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Leases up to {@code batch} due rows to {@code owner} for {@code lease}: rows whose next attempt is due, and
     * rows whose lease ran out (their worker died). Safe with any number of workers in any number of processes:
     * PostgreSQL uses {@code FOR UPDATE SKIP LOCKED}, H2 a compare-and-set per row. Every claim counts as an
     * attempt. Rows of disabled targets wait.
     */
    public List<OutboxEntry> claim(String owner, int batch, Duration lease) {
        if (batch < 1) {
            return List.of();
        }
        Instant now = now();
        Instant until = now.plus(lease);
        String token = owner + "/" + UUID.randomUUID().toString().substring(0, 8);
        List<OutboxEntry> out =
                postgres ? claimPostgres(token, batch, now, until) : claimPortable(token, batch, now, until);
        out.sort(Comparator.comparing(OutboxEntry::nextAttemptAt).thenComparingLong(OutboxEntry::id));
        return out;
    }

    private List<OutboxEntry> claimPostgres(String token, int batch, Instant now, Instant until) {
        return new ArrayList<>(jdbc.query(
                "UPDATE outbox SET state='DELIVERING', lease_owner=?, leased_until=?, attempts=attempts+1 "
                        + "WHERE id IN (SELECT o.id FROM outbox o JOIN delivery_target t ON t.id=o.target_id "
                        + "WHERE t.enabled=TRUE AND " + DUE + " ORDER BY o.next_attempt_at, o.id LIMIT ? "
                        + "FOR UPDATE OF o SKIP LOCKED) RETURNING " + COLUMNS,
                Outbox::map,
                token,
                until,
                now,
                now,
                batch));
    }

    private List<OutboxEntry> claimPortable(String token, int batch, Instant now, Instant until) {
        List<Long> candidates = jdbc.query(
                "SELECT o.id FROM outbox o JOIN delivery_target t ON t.id=o.target_id WHERE t.enabled=TRUE AND " + DUE
                        + " ORDER BY o.next_attempt_at, o.id LIMIT ?",
                rs -> rs.getLong(1),
                now,
                now,
                batch);
        List<OutboxEntry> out = new ArrayList<>();
        for (long id : candidates) {
            int won;
            try {
                // the WHERE repeats the due test: of two workers racing for a row, one update matches
                won = jdbc.update(
                        "UPDATE outbox o SET state='DELIVERING', lease_owner=?, leased_until=?, attempts=attempts+1 "
                                + "WHERE o.id=? AND " + DUE,
                        token,
                        until,
                        id,
                        now,
                        now);
            } catch (StoreException e) {
                won = 0; // a lock conflict with another claimer: theirs
            }
            if (won == 1) {
                get(id).filter(e -> token.equals(e.leaseOwner().orElse(null))).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Records that the target acknowledged the row. Recorded even when the lease ran out meanwhile: the event
     * did arrive, and another attempt would only repeat it.
     */
    public boolean markDelivered(OutboxEntry claimed, Optional<Integer> status) {
        return jdbc.update(
                        "UPDATE outbox SET state='DELIVERED', delivered_at=?, last_status=?, last_error=NULL, "
                                + "leased_until=NULL, lease_owner=NULL WHERE id=? AND state<>'DELIVERED'",
                        now(),
                        status,
                        claimed.id())
                == 1;
    }

    /**
     * Records a failed attempt: the row waits for its next attempt (back-off, or {@code retryAfter} when the
     * target asked for longer, up to the back-off cap), or is dead when {@code permanent} or out of attempts.
     * Ignored (empty) when the lease was lost to another worker.
     */
    public Optional<OutboxState> markFailed(
            OutboxEntry claimed,
            String error,
            Optional<Integer> status,
            Optional<Duration> retryAfter,
            boolean permanent) {
        String token = claimed.leaseOwner().orElse("");
        String message = truncate(error == null || error.isBlank() ? "failed" : error, MAX_ERROR);
        boolean dead = permanent || claimed.attempts() >= options.maxAttempts();
        Instant now = now();
        if (dead) {
            int n = jdbc.update(
                    "UPDATE outbox SET state='DEAD', last_error=?, last_status=?, leased_until=NULL, lease_owner=NULL "
                            + "WHERE id=? AND state='DELIVERING' AND lease_owner=?",
                    message,
                    status,
                    claimed.id(),
                    token);
            return n == 1 ? Optional.of(OutboxState.DEAD) : Optional.empty();
        }
        Duration wait = options.backoff().delay(claimed.attempts());
        if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
            Duration asked = retryAfter.get();
            wait = asked.compareTo(options.backoff().cap()) > 0
                    ? options.backoff().cap()
                    : asked;
        }
        int n = jdbc.update(
                "UPDATE outbox SET state='PENDING', next_attempt_at=?, last_error=?, last_status=?, "
                        + "leased_until=NULL, lease_owner=NULL WHERE id=? AND state='DELIVERING' AND lease_owner=?",
                now.plus(wait),
                message,
                status,
                claimed.id(),
                token);
        return n == 1 ? Optional.of(OutboxState.PENDING) : Optional.empty();
    }

    /**
     * Gives a claimed row back without counting the attempt against it (the worker is shutting down before it
     * could try). The row is due at once.
     */
    public boolean release(OutboxEntry claimed) {
        return jdbc.update(
                        "UPDATE outbox SET state='PENDING', next_attempt_at=?, attempts=CASE WHEN attempts>0 "
                                + "THEN attempts-1 ELSE 0 END, leased_until=NULL, lease_owner=NULL "
                                + "WHERE id=? AND state='DELIVERING' AND lease_owner=?",
                        now(),
                        claimed.id(),
                        claimed.leaseOwner().orElse(""))
                == 1;
    }

    public Optional<OutboxEntry> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM outbox WHERE id=?", Outbox::map, id);
    }

    public Optional<OutboxEntry> find(UUID targetId, String idempotencyKey) {
        return jdbc.one(
                "SELECT " + COLUMNS + " FROM outbox WHERE target_id=? AND idempotency_key=?",
                Outbox::map,
                targetId,
                idempotencyKey);
    }

    /** The dead-letter list, newest first; for one mailbox or (empty) all. */
    public List<OutboxEntry> deadLetters(Optional<UUID> mailboxId, int offset, int limit) {
        if (mailboxId.isPresent()) {
            return jdbc.query(
                    "SELECT " + COLUMNS + " FROM outbox WHERE state='DEAD' AND mailbox_id=? ORDER BY id DESC "
                            + "LIMIT ? OFFSET ?",
                    Outbox::map,
                    mailboxId.get(),
                    limit,
                    offset);
        }
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE state='DEAD' ORDER BY id DESC LIMIT ? OFFSET ?",
                Outbox::map,
                limit,
                offset);
    }

    /** Puts a dead row back in the queue, due now, with its attempts reset. False when it is not dead. */
    public boolean replay(long id) {
        boolean done = jdbc.update(
                        "UPDATE outbox SET state='PENDING', attempts=0, next_attempt_at=?, last_error=NULL, "
                                + "last_status=NULL, leased_until=NULL, lease_owner=NULL WHERE id=? AND state='DEAD'",
                        now(),
                        id)
                == 1;
        if (done) {
            listeners.forEach(Runnable::run);
        }
        return done;
    }

    /** Replays every dead row of a mailbox (or, empty, all); returns how many. */
    public int replayAll(Optional<UUID> mailboxId) {
        String sql = "UPDATE outbox SET state='PENDING', attempts=0, next_attempt_at=?, last_error=NULL, "
                + "last_status=NULL, leased_until=NULL, lease_owner=NULL WHERE state='DEAD'";
        int n = mailboxId.isPresent()
                ? jdbc.update(sql + " AND mailbox_id=?", now(), mailboxId.get())
                : jdbc.update(sql, now());
        if (n > 0) {
            listeners.forEach(Runnable::run);
        }
        return n;
    }

    private static final String COUNTERS = """
            SELECT mailbox_id,
              SUM(CASE WHEN state IN ('PENDING','DELIVERING') THEN 1 ELSE 0 END) AS pending,
              SUM(CASE WHEN state IN ('PENDING','DELIVERING') AND last_error IS NOT NULL THEN 1 ELSE 0 END) AS failing,
              SUM(CASE WHEN state='DELIVERED' THEN 1 ELSE 0 END) AS delivered,
              SUM(CASE WHEN state='DEAD' THEN 1 ELSE 0 END) AS dead,
              MAX(delivered_at) AS last_delivered_at
            FROM outbox""";

    /** The UI's delivery counters for one mailbox. */
    public MailboxCounters counters(UUID mailboxId) {
        return jdbc.one(COUNTERS + " WHERE mailbox_id=? GROUP BY mailbox_id", Outbox::mapCounters, mailboxId)
                .orElse(MailboxCounters.empty(mailboxId));
    }

    /** The counters of every mailbox with outbox rows. */
    public Map<UUID, MailboxCounters> counters() {
        Map<UUID, MailboxCounters> out = new HashMap<>();
        for (MailboxCounters c :
                jdbc.query(COUNTERS + " WHERE mailbox_id IS NOT NULL GROUP BY mailbox_id", Outbox::mapCounters)) {
            out.put(c.mailboxId(), c);
        }
        return out;
    }

    /** Rows in each state, for health and metrics. */
    public Map<OutboxState, Long> stateCounts() {
        Map<OutboxState, Long> out = new HashMap<>();
        for (OutboxState s : OutboxState.values()) {
            out.put(s, 0L);
        }
        jdbc.query(
                        "SELECT state, COUNT(*) FROM outbox GROUP BY state",
                        rs -> Map.entry(OutboxState.valueOf(rs.getString(1)), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * Deletes delivered rows older than {@code before}; returns how many. After this their idempotency keys
     * are forgotten (an enqueue with one of them writes a new row), and the delivered counters count less.
     */
    public int purgeDelivered(Instant before) {
        return jdbc.update("DELETE FROM outbox WHERE state='DELIVERED' AND delivered_at<?", before);
    }

    private Instant now() {
        // millisecond precision: what both databases keep, so values read back compare equal
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "... (" + (s.length() - max) + " more characters)";
    }

    private static MailboxCounters mapCounters(ResultSet rs) throws SQLException {
        return new MailboxCounters(
                Jdbc.uuid(rs, "mailbox_id"),
                rs.getLong("pending"),
                rs.getLong("failing"),
                rs.getLong("delivered"),
                rs.getLong("dead"),
                Jdbc.optInstant(rs, "last_delivered_at"));
    }

    private static OutboxEntry map(ResultSet rs) throws SQLException {
        String type = rs.getString("event_type");
        return new OutboxEntry(
                rs.getLong("id"),
                rs.getString("idempotency_key"),
                EventType.fromWireName(type)
                        .orElseThrow(() -> new StoreException("unknown event type in the outbox: " + type, null)),
                Optional.ofNullable(Jdbc.uuid(rs, "mailbox_id")),
                Jdbc.uuid(rs, "target_id"),
                rs.getString("payload"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "next_attempt_at"),
                rs.getInt("attempts"),
                OutboxState.valueOf(rs.getString("state")),
                Jdbc.optString(rs, "last_error"),
                Jdbc.optInt(rs, "last_status"),
                Jdbc.optInstant(rs, "delivered_at"),
                Jdbc.optInstant(rs, "leased_until"),
                Jdbc.optString(rs, "lease_owner"));
    }
}
