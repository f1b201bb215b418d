package dev.mailbridge.core.sync;

import dev.mailbridge.core.connect.MailboxAccess;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.ops.EventType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Watches the mailboxes that receive, so that new mail is synced within moments instead of at the next
 * poll: per mailbox a {@link MailboxWatch} subscribes to its incoming folder (NewMail, Created, Moved,
 * Copied) and asks {@link SyncRequests} for a pass on every event, after every reconnect and after a lost
 * subscription. The sync ({@link MailboxSync}) stays the single source of truth: notifications are only
 * hints, so a missed or repeated one costs a pass, never a message or a duplicate.
 *
 * <p>Best way first ({@link Options#mode}): streaming, then a pull subscription when Exchange refuses
 * streaming, then nothing but the caller's polling when it refuses pull too; the better way is tried again
 * after {@link Options#retryBetterAfter}. Streaming subscriptions that one credential may read together
 * (the mailboxes of an impersonating connection, on one EWS endpoint) share {@link StreamGroup}s of up to
 * {@link Options#subscriptionsPerStream} per GetStreamingEvents connection, as Exchange allows (200), so
 * thousands of mailboxes need a few dozen connections. Each watch runs on a virtual thread; streams
 * read on virtual threads too.
 */
public final class MailboxWatchers implements AutoCloseable {
    /** The events that can mean new mail in the watched folder. */
    static final List<EventType> EVENTS =
            List.of(EventType.NEW_MAIL, EventType.CREATED, EventType.MOVED, EventType.COPIED);

    /**
     * @param mode the best way to try (and the only one when {@code POLL})
     * @param pullInterval how often a pull subscription asks GetEvents
     * @param pullTimeoutMinutes a pull subscription's Timeout (1-1440): how long Exchange keeps it without a
     *     GetEvents
     * @param streamTimeoutMinutes GetStreamingEvents ConnectionTimeout (1-30): the stream reconnects after it
     * @param subscriptionsPerStream subscriptions per streaming connection (1-200)
     * @param retryBetterAfter how long a refused way is left alone before trying it again
     * @param regroupDelay how long a stream waits for more members before (re)connecting
     */
    public record Options(
            NotificationMode mode,
            Duration pullInterval,
            int pullTimeoutMinutes,
            int streamTimeoutMinutes,
            int subscriptionsPerStream,
            Duration retryBetterAfter,
            Duration regroupDelay) {
        public Options {
            if (pullTimeoutMinutes < 1 || pullTimeoutMinutes > 1440) {
                throw new IllegalArgumentException("pull timeout must be 1-1440 minutes");
            }
            if (streamTimeoutMinutes < 1 || streamTimeoutMinutes > 30) {
                throw new IllegalArgumentException("stream timeout must be 1-30 minutes");
            }
            if (subscriptionsPerStream < 1 || subscriptionsPerStream > 200) {
                throw new IllegalArgumentException("subscriptions per stream must be 1-200");
            }
            if (pullInterval.isNegative() || pullInterval.isZero()) {
                throw new IllegalArgumentException("the pull interval must be positive");
            }
        }

        public static Options defaults() {
            return new Options(
                    NotificationMode.STREAMING,
                    Duration.ofSeconds(5),
                    10,
                    30,
                    200,
                    Duration.ofMinutes(15),
                    Duration.ofMillis(200));
        }

        public Options withMode(NotificationMode m) {
            return new Options(
                    m,
                    pullInterval,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    retryBetterAfter,
                    regroupDelay);
        }

        public Options withPullInterval(Duration d) {
            return new Options(
                    mode,
                    d,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    retryBetterAfter,
                    regroupDelay);
        }

        public Options withRetryBetterAfter(Duration d) {
            return new Options(
                    mode,
                    pullInterval,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    d,
                    regroupDelay);
        }
    }

    /** Who may read a stream's subscriptions together: one credential on one endpoint. */
    private record GroupKey(EwsProtocol protocol, UUID ownMailbox) {}

    final Stores stores;
    final MailboxAccess access;
    final SyncRequests requests;
    final Options options;
    final Clock clock;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mailbox-watch-timer").factory());
    private final Map<UUID, MailboxWatch> watches = new ConcurrentHashMap<>();
    private final Map<GroupKey, List<StreamGroup>> groups = new HashMap<>();
    private volatile boolean closed;

    public MailboxWatchers(Stores stores, MailboxAccess access, SyncRequests requests, Options options, Clock clock) {
        this.stores = stores;
        this.access = access;
        this.requests = requests;
        this.options = options;
        this.clock = clock;
    }

    public Options options() {
        return options;
    }

    /**
     * Starts watching the mailbox (a no-op when it is watched already): subscribes, then asks for a pass
     * from the stored sync state, which catches up on whatever arrived while nobody watched.
     */
    public void watch(UUID mailboxId) {
        if (closed) {
            return;
        }
        watches.computeIfAbsent(mailboxId, id -> {
            MailboxWatch w = new MailboxWatch(this, id, MailboxSync.incoming(stores, id));
            w.start();
            return w;
        });
    }

    /**
     * Like {@link #watch}, and starts over on the mailbox's incoming folder when its mapping changed since
     * the watch began.
     */
    public void watchChecked(UUID mailboxId) {
        MailboxWatch w = watches.get(mailboxId);
        if (w != null
                && !w.incoming
                        .key()
                        .equals(MailboxSync.incoming(stores, mailboxId).key())) {
            unwatch(mailboxId);
        }
        watch(mailboxId);
    }

    /** Stops watching the mailbox and removes its subscription. */
    public void unwatch(UUID mailboxId) {
        MailboxWatch w = watches.remove(mailboxId);
        if (w != null) {
            w.close();
        }
    }

    /** Stops watching every mailbox not in {@code keep}. */
    public void retainOnly(Collection<UUID> keep) {
        Set<UUID> wanted = new HashSet<>(keep);
        for (UUID id : new ArrayList<>(watches.keySet())) {
            if (!wanted.contains(id)) {
                unwatch(id);
            }
        }
    }

    public Set<UUID> watched() {
        return Set.copyOf(watches.keySet());
    }

    /** How the mailbox hears of new mail now; empty when it is not watched. */
    public Optional<WatchStatus> status(UUID mailboxId) {
        return Optional.ofNullable(watches.get(mailboxId)).map(MailboxWatch::status);
    }

    /** Watched mailboxes per way they hear of new mail now (every mode present, zeros included). */
    public Map<NotificationMode, Long> countByMode() {
        Map<NotificationMode, Long> out = new java.util.EnumMap<>(NotificationMode.class);
        for (NotificationMode m : NotificationMode.values()) {
            out.put(m, 0L);
        }
        for (MailboxWatch w : watches.values()) {
            out.merge(w.status().mode(), 1L, Long::sum);
        }
        return out;
    }

    /** Notifications of new mail the mailbox's watch received so far (streaming or pull); 0 when not watched. */
    public long notificationsSeen(UUID mailboxId) {
        MailboxWatch w = watches.get(mailboxId);
        return w == null ? 0 : w.notifications();
    }

    /** Puts a streaming subscription on a stream of its credential, with room; the stream reconnects. */
    synchronized StreamGroup join(MailboxWatch w, EwsClient ews, String subscriptionId) {
        GroupKey key = new GroupKey(ews.protocol(), ews.signIn().impersonates() ? null : w.mailboxId);
        List<StreamGroup> list = groups.computeIfAbsent(key, k -> new ArrayList<>());
        StreamGroup g = list.stream()
                .filter(x -> x.size() < options.subscriptionsPerStream())
                .findFirst()
                .orElseGet(() -> {
                    StreamGroup created = new StreamGroup(this);
                    list.add(created);
                    return created;
                });
        g.add(w, ews, subscriptionId);
        return g;
    }

    synchronized void leave(StreamGroup g, MailboxWatch w) {
        if (g.remove(w) == 0) {
            groups.values().forEach(list -> list.remove(g));
            groups.values().removeIf(List::isEmpty);
        }
    }

    /** Streaming connections open or opening (for tests and metrics). */
    public synchronized int streams() {
        return groups.values().stream().mapToInt(List::size).sum();
    }

    /** Stops every watch (removing its subscription, for up to 5 s in all) and every stream. */
    @Override
    public void close() {
        closed = true;
        List<MailboxWatch> all = new ArrayList<>(watches.values());
        watches.clear();
        all.forEach(MailboxWatch::close);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (MailboxWatch w : all) {
            w.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        timer.shutdownNow();
    }
}
