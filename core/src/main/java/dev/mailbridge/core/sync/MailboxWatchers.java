package dev.mailbridge.core.sync;

import dev.mailbridge.core.connect.MailboxAccess;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.ops.EventType;
import dev.mailbridge.graph.GraphNotifications;
import java.io.InputStream;
import java.net.URI;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Mailboxes of a Microsoft Graph connection are never watched over EWS: a {@link GraphWatch} keeps a Graph
 * subscription whose notifications Graph POSTs to {@link GraphOptions#notificationUrl}; the receiver hands
 * them to {@link #graphNotification}. Without a usable URL they are left to the caller's polling.
 */
public final class MailboxWatchers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxWatchers.class);

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
     * @param graph how Microsoft Graph mailboxes are watched
     */
    public record Options(
            NotificationMode mode,
            Duration pullInterval,
            int pullTimeoutMinutes,
            int streamTimeoutMinutes,
            int subscriptionsPerStream,
            Duration retryBetterAfter,
            Duration regroupDelay,
            GraphOptions graph) {
        public Options {
            if (graph == null) {
                throw new IllegalArgumentException("the Graph notification options must be given");
            }
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
                    Duration.ofMillis(200),
                    GraphOptions.defaults());
        }

        public Options withMode(NotificationMode m) {
            return new Options(
                    m,
                    pullInterval,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    retryBetterAfter,
                    regroupDelay,
                    graph);
        }

        public Options withPullInterval(Duration d) {
            return new Options(
                    mode,
                    d,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    retryBetterAfter,
                    regroupDelay,
                    graph);
        }

        public Options withRetryBetterAfter(Duration d) {
            return new Options(
                    mode,
                    pullInterval,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    d,
                    regroupDelay,
                    graph);
        }

        public Options withGraph(GraphOptions g) {
            return new Options(
                    mode,
                    pullInterval,
                    pullTimeoutMinutes,
                    streamTimeoutMinutes,
                    subscriptionsPerStream,
                    retryBetterAfter,
                    regroupDelay,
                    g);
        }
    }

    /**
     * How Microsoft Graph mailboxes hear of new mail: a Graph subscription whose notifications Graph POSTs to
     * {@code notificationUrl} (handed to {@link #graphNotification}), renewed by PATCH once half its lifetime
     * is gone. Without a usable URL ({@link GraphWatch#usable}) they are polled, and their status says why.
     *
     * @param notificationUrl where Graph POSTs notifications (the server's {@code /graph/notifications}); null
     *     when there is none
     * @param pollInterval the caller's poll interval, named in the status of a polled Graph mailbox
     * @param lifetime a subscription's expirationDateTime ahead of now: at most Graph's limit for mail (4,230
     *     minutes)
     * @param checkInterval how often a watch looks whether its subscription is due for renewal
     */
    public record GraphOptions(URI notificationUrl, Duration pollInterval, Duration lifetime, Duration checkInterval) {
        /** Graph's limit for Outlook resources in the documents the emulator follows. */
        public static final Duration MAX_LIFETIME = Duration.ofMinutes(4230);

        public GraphOptions {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException(
                        "a Graph subscription's lifetime must be positive and at most 4230 minutes: " + lifetime);
            }
            if (checkInterval.isNegative() || checkInterval.isZero()) {
                throw new IllegalArgumentException("the Graph renewal check interval must be positive");
            }
        }

        /** No notification URL (polling), 30 s polls, 4,200-minute subscriptions (a margin for clock skew). */
        public static GraphOptions defaults() {
            return new GraphOptions(null, Duration.ofSeconds(30), Duration.ofMinutes(4200), Duration.ofMinutes(1));
        }

        public GraphOptions withNotificationUrl(URI u) {
            return new GraphOptions(u, pollInterval, lifetime, checkInterval);
        }

        public GraphOptions withPollInterval(Duration d) {
            return new GraphOptions(notificationUrl, d, lifetime, checkInterval);
        }

        public GraphOptions withCheckInterval(Duration d) {
            return new GraphOptions(notificationUrl, pollInterval, lifetime, d);
        }
    }

    /** One watched mailbox: over EWS ({@link MailboxWatch}) or Microsoft Graph ({@link GraphWatch}). */
    interface Watch {
        MailboxSync.Incoming incoming();

        Transport transport();

        WatchStatus status();

        long notifications();

        void start();

        /**
         * @param forGood the mailbox is no longer watched (not the whole process stopping): also remove what
         *     would outlive the watch (a Graph subscription is kept over a restart, to be renewed)
         */
        void close(boolean forGood);

        void join(Duration limit);
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
    final GraphSubscriptionStore graphSubscriptions;
    private final Map<UUID, Watch> watches = new ConcurrentHashMap<>();
    /** Graph subscription id to its watch, for the notifications. */
    private final Map<String, GraphWatch> bySubscription = new ConcurrentHashMap<>();

    private final Map<GroupKey, List<StreamGroup>> groups = new HashMap<>();
    private volatile boolean closed;

    public MailboxWatchers(Stores stores, MailboxAccess access, SyncRequests requests, Options options, Clock clock) {
        this.stores = stores;
        this.access = access;
        this.requests = requests;
        this.options = options;
        this.clock = clock;
        this.graphSubscriptions = new GraphSubscriptionStore(stores.database().jdbc(), clock);
    }

    public Options options() {
        return options;
    }

    /**
     * Starts watching the mailbox (a no-op when it is watched already): subscribes, then asks for a pass
     * from the stored sync state, which catches up on whatever arrived while nobody watched. A mailbox of a
     * Microsoft Graph connection gets a Graph subscription (or polling), never an EWS one.
     */
    public void watch(UUID mailboxId) {
        if (closed) {
            return;
        }
        watches.computeIfAbsent(mailboxId, id -> {
            MailboxSync.Incoming incoming = MailboxSync.incoming(stores, id);
            Optional<Connection> c = connection(id);
            Watch w = c.map(Connection::transport).orElse(Transport.EWS) == Transport.GRAPH
                    ? new GraphWatch(this, id, incoming, c.get().graphUrl())
                    : new MailboxWatch(this, id, incoming);
            w.start();
            return w;
        });
    }

    private Optional<Connection> connection(UUID mailboxId) {
        return stores.mailboxes()
                .get(mailboxId)
                .flatMap(m -> stores.connections().get(m.connectionId()));
    }

    /**
     * Like {@link #watch}, and starts over on the mailbox's incoming folder when its mapping (or its
     * connection's transport) changed since the watch began.
     */
    public void watchChecked(UUID mailboxId) {
        Watch w = watches.get(mailboxId);
        if (w != null
                && (!w.incoming()
                                .key()
                                .equals(MailboxSync.incoming(stores, mailboxId).key())
                        || w.transport()
                                != connection(mailboxId)
                                        .map(Connection::transport)
                                        .orElse(Transport.EWS))) {
            unwatch(mailboxId);
        }
        watch(mailboxId);
    }

    /** Stops watching the mailbox and removes its subscription. */
    public void unwatch(UUID mailboxId) {
        Watch w = watches.remove(mailboxId);
        if (w != null) {
            w.close(true);
        }
    }

    /**
     * A POST to the Graph notification URL (not the validation handshake): each notification whose
     * subscription is one of ours and whose clientState matches asks for a pass of its mailbox (a lifecycle
     * notification also renews or re-creates the subscription); the others are ignored, since anyone can
     * POST to a public URL. Never blocks on Graph.
     *
     * @return the notifications acted on
     * @throws IllegalArgumentException the body is not a Graph notification (also {@link
     *     java.io.UncheckedIOException} when it is not JSON)
     */
    public int graphNotification(InputStream body) {
        int accepted = 0;
        for (GraphNotifications.Notification n : GraphNotifications.parse(body)) {
            GraphWatch w = n.subscriptionId() == null ? null : bySubscription.get(n.subscriptionId());
            if (w == null) {
                LOG.debug("a Graph notification for an unknown subscription, ignored");
            } else if (!w.clientStateMatches(n.clientState())) {
                // never the clientState itself: it is the secret
                LOG.warn("a Graph notification for mailbox {} with a wrong clientState, ignored", w.mailboxId);
            } else {
                w.notified(n);
                accepted++;
            }
        }
        return accepted;
    }

    void registerGraph(String subscriptionId, GraphWatch w) {
        bySubscription.put(subscriptionId, w);
    }

    void unregisterGraph(String subscriptionId, GraphWatch w) {
        bySubscription.remove(subscriptionId, w);
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
        return Optional.ofNullable(watches.get(mailboxId)).map(Watch::status);
    }

    /** Watched mailboxes per way they hear of new mail now (every mode present, zeros included). */
    public Map<NotificationMode, Long> countByMode() {
        Map<NotificationMode, Long> out = new java.util.EnumMap<>(NotificationMode.class);
        for (NotificationMode m : NotificationMode.values()) {
            out.put(m, 0L);
        }
        for (Watch w : watches.values()) {
            out.merge(w.status().mode(), 1L, Long::sum);
        }
        return out;
    }

    /** Notifications of new mail the mailbox's watch received so far (streaming, pull or Graph); 0 when not watched. */
    public long notificationsSeen(UUID mailboxId) {
        Watch w = watches.get(mailboxId);
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

    /**
     * Stops every watch (removing its EWS subscription, for up to 5 s in all) and every stream. Graph
     * subscriptions are kept: the next start renews them.
     */
    @Override
    public void close() {
        closed = true;
        List<Watch> all = new ArrayList<>(watches.values());
        watches.clear();
        all.forEach(w -> w.close(false));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Watch w : all) {
            w.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        timer.shutdownNow();
    }
}
