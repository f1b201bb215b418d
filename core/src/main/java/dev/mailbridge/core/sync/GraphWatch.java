package dev.mailbridge.core.sync;

import dev.mailbridge.core.model.Transport;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphNotifications;
import dev.mailbridge.graph.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched Microsoft Graph mailbox, on its own virtual thread: a Graph subscription ({@code created}) to
 * the messages of its incoming folder, whose notifications ({@link MailboxWatchers#graphNotification}) ask for
 * a sync pass. The subscription is kept in {@code graph_subscription} (a restart renews it), renewed by PATCH
 * once half of its lifetime is gone, created again when Graph no longer has it (404, {@code
 * subscriptionRemoved}), and deleted when the mailbox is no longer watched. Its clientState is random per
 * subscription and only its SHA-256 is kept; a notification whose clientState does not match is ignored.
 *
 * <p>Without a usable notification URL ({@link #unusable}) nothing is subscribed: the caller's polling
 * syncs the mailbox by delta, and the status says why and how to change that.
 */
final class GraphWatch extends WatchThread {
    private static final Logger LOG = LoggerFactory.getLogger(GraphWatch.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CHANGE_TYPE = "created";

    private enum Signal {
        RENEW,
        RECREATE
    }

    /** The subscription in use; {@code stateHash} is the SHA-256 of its clientState. */
    private record Current(String id, String resource, byte[] stateHash, Instant expiresAt) {}

    final UUID mailboxId;
    final MailboxSync.Incoming incoming;
    private final MailboxWatchers owner;
    private final Optional<String> graphUrl;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final AtomicLong notifications = new AtomicLong();
    private volatile WatchStatus status;
    private volatile Current current;
    private volatile boolean forGood;

    /** @param graphUrl the connection's Graph root; empty for the cloud's own */
    GraphWatch(MailboxWatchers owner, UUID mailboxId, MailboxSync.Incoming incoming, Optional<String> graphUrl) {
        this.owner = owner;
        this.mailboxId = mailboxId;
        this.incoming = incoming;
        this.graphUrl = graphUrl;
        this.status = new WatchStatus(
                NotificationMode.POLL,
                owner.options.mode() == NotificationMode.POLL ? Optional.empty() : Optional.of("subscribing"),
                owner.clock.instant());
    }

    /**
     * Why Graph cannot reach {@code url}, if it cannot: Graph POSTs only to https URLs. A plain-http
     * loopback URL ({@code http://localhost:8080/...}, the default) is allowed only when the connection's Graph
     * is on this machine too (the emulator, which accepts it): Microsoft's Graph could never reach it.
     */
    static Optional<String> unusable(URI url, Optional<String> graphUrl, Duration pollInterval) {
        String polling = "polling Microsoft Graph every " + pollInterval.toSeconds() + " s. ";
        String fix = "Set mailbridge.public-base-url to the server's public https address.";
        if (url == null) {
            return Optional.of(
                    "Graph change notifications need a public https URL and none is configured: " + polling + fix);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") && url.getHost() != null) {
            return Optional.empty();
        }
        boolean localGraph = graphUrl.map(u -> loopback(URI.create(u))).orElse(false);
        if (scheme.equals("http") && loopback(url) && localGraph) {
            return Optional.empty();
        }
        return Optional.of("Graph change notifications need a public https URL, and the notification URL is " + url
                + ": " + polling + fix);
    }

    private static boolean loopback(URI u) {
        String h = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    @Override
    public MailboxSync.Incoming incoming() {
        return incoming;
    }

    @Override
    public Transport transport() {
        return Transport.GRAPH;
    }

    @Override
    public WatchStatus status() {
        return status;
    }

    @Override
    public long notifications() {
        return notifications.get();
    }

    @Override
    public synchronized void start() {
        if (owner.options.mode() == NotificationMode.POLL) {
            removeLeftover();
            return; // the caller's periodic passes are all there is
        }
        MailboxWatchers.GraphOptions g = owner.options.graph();
        Optional<String> why = unusable(g.notificationUrl(), graphUrl, g.pollInterval());
        if (why.isPresent()) {
            setStatus(NotificationMode.POLL, why.get());
            removeLeftover();
            return;
        }
        startThread("graph-watch-" + mailboxId);
    }

    @Override
    public void close(boolean forGood) {
        this.forGood = forGood;
        super.close(forGood);
    }

    /** Constant-time check of a notification's clientState against the subscription's. */
    boolean clientStateMatches(String clientState) {
        Current c = current;
        return c != null && clientState != null && MessageDigest.isEqual(sha256(clientState), c.stateHash());
    }

    /** A notification of this watch's subscription, its clientState checked; on the receiver's thread. */
    void notified(GraphNotifications.Notification n) {
        if (!n.lifecycle()) {
            notifications.incrementAndGet();
            owner.requests.request(mailboxId);
            return;
        }
        switch (n.lifecycleEvent()) {
            case "reauthorizationRequired" -> signals.add(Signal.RENEW);
            case "subscriptionRemoved" -> signals.add(Signal.RECREATE);
            case "missed" -> {} // the pass below finds what the lost notifications were about
            default -> LOG.debug("mailbox {}: unknown Graph lifecycle event {}", mailboxId, n.lifecycleEvent());
        }
        owner.requests.request(mailboxId);
    }

    @Override
    protected void run() {
        Duration backoff = Duration.ofSeconds(1);
        try {
            while (!closed) {
                try {
                    resumeOrSubscribe();
                    setStatus(NotificationMode.GRAPH, null);
                    backoff = Duration.ofSeconds(1);
                    keep();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    // Graph unreachable, the handshake to our URL failed, a sign-in that fails: poll meanwhile
                    setStatus(
                            NotificationMode.POLL,
                            "cannot subscribe to Graph change notifications: " + MailboxWatch.text(e)
                                    + "; trying again");
                    LOG.debug(
                            "mailbox {}: cannot subscribe to Graph, again in {} s: {}",
                            mailboxId,
                            backoff.toSeconds(),
                            MailboxWatch.text(e));
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = doubled(backoff);
                }
            }
        } finally {
            if (forGood) {
                remove();
            }
        }
    }

    /**
     * The stored (or current) subscription renewed, which proves Graph still has it (a 404 means a new one),
     * else a new one; then a catch-up pass for what arrived before it stood.
     */
    private void resumeOrSubscribe() {
        GraphClient graph = owner.access.graph(mailboxId);
        if (current == null) {
            String resource = graph.folderResource(incoming.key());
            Optional<GraphSubscriptionStore.Row> row = owner.graphSubscriptions.get(mailboxId);
            if (row.isPresent()
                    && row.get().folderKey().equals(incoming.key())
                    && row.get().resource().equals(resource)
                    && row.get().notificationUrl().equals(url())) {
                GraphSubscriptionStore.Row r = row.get();
                current = new Current(
                        r.subscriptionId(), resource, HexFormat.of().parseHex(r.clientStateSha256()), r.expiresAt());
                owner.registerGraph(r.subscriptionId(), this);
                renew(graph);
            } else {
                // another folder or URL than before: that subscription would notify the wrong way
                row.ifPresent(r -> unsubscribeQuietly(graph, r.subscriptionId()));
                subscribe(graph, resource);
            }
        } else {
            renew(graph); // after a failure
        }
        owner.requests.requestRoutine(mailboxId);
    }

    /** Waits for lifecycle signals and the renewal time, until closed. */
    private void keep() throws InterruptedException {
        MailboxWatchers.GraphOptions g = owner.options.graph();
        while (!closed) {
            Signal s = signals.poll(g.checkInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (closed) {
                return;
            }
            Current c = current;
            Instant renewAt = c.expiresAt().minus(g.lifetime().dividedBy(2));
            if (s == Signal.RECREATE) {
                LOG.info("mailbox {}: Graph removed the subscription; subscribing again", mailboxId);
                GraphClient graph = owner.access.graph(mailboxId);
                subscribe(graph, c.resource());
                owner.requests.requestRoutine(mailboxId);
            } else if (s == Signal.RENEW || !owner.clock.instant().isBefore(renewAt)) {
                renew(owner.access.graph(mailboxId));
            }
        }
    }

    /** PATCH to a new expiry; when Graph no longer has the subscription (404), a new one and a catch-up. */
    private void renew(GraphClient graph) {
        Current c = current;
        String fresh = newClientState(); // used only if the subscription has to be created again
        String url = url();
        Subscription asked = new Subscription(c.id(), c.resource(), CHANGE_TYPE, url, url, fresh, c.expiresAt());
        Subscription got = graph.renew(asked, expiry());
        if (got.id().equals(c.id())) {
            current = new Current(c.id(), c.resource(), c.stateHash(), got.expirationDateTime());
            owner.graphSubscriptions.renewed(mailboxId, c.id(), got.expirationDateTime());
            LOG.debug("mailbox {}: Graph subscription renewed until {}", mailboxId, got.expirationDateTime());
        } else {
            adopt(got, fresh, c.resource());
            owner.requests.requestRoutine(mailboxId); // notifications may have been lost while it was gone
        }
    }

    private void subscribe(GraphClient graph, String resource) {
        String fresh = newClientState();
        URI url = URI.create(url());
        Subscription s = graph.subscribe(resource, CHANGE_TYPE, url, url, fresh, expiry());
        adopt(s, fresh, resource);
        LOG.info("mailbox {}: Graph subscription created, expires {}", mailboxId, s.expirationDateTime());
    }

    /** Makes a new subscription the current one: notifications of the old one are ignored from now. */
    private void adopt(Subscription s, String clientState, String resource) {
        Current old = current;
        byte[] hash = sha256(clientState);
        current = new Current(s.id(), resource, hash, s.expirationDateTime());
        owner.registerGraph(s.id(), this);
        if (old != null && !old.id().equals(s.id())) {
            owner.unregisterGraph(old.id(), this);
        }
        owner.graphSubscriptions.save(new GraphSubscriptionStore.Row(
                mailboxId,
                incoming.key(),
                s.id(),
                resource,
                url(),
                HexFormat.of().formatHex(hash),
                s.expirationDateTime()));
    }

    /** Unwatched for good: the subscription is deleted at Graph and here. */
    private void remove() {
        // the watch was interrupted (perhaps inside a request that kept the flag): still say goodbye
        boolean interrupted = Thread.interrupted();
        try {
            Current c = current;
            String id = c != null
                    ? c.id()
                    : owner.graphSubscriptions
                            .get(mailboxId)
                            .map(GraphSubscriptionStore.Row::subscriptionId)
                            .orElse(null);
            if (c != null) {
                owner.unregisterGraph(c.id(), this);
            }
            if (id != null) {
                try {
                    owner.access.graph(mailboxId).unsubscribe(id);
                } catch (RuntimeException e) {
                    LOG.debug(
                            "mailbox {}: deleting the Graph subscription failed (Graph lets it expire): {}",
                            mailboxId,
                            MailboxWatch.text(e));
                }
            }
            owner.graphSubscriptions.delete(mailboxId);
        } catch (RuntimeException e) {
            LOG.debug("mailbox {}: cannot forget the Graph subscription: {}", mailboxId, MailboxWatch.text(e));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A subscription left from when notifications were possible (another URL, before polling was set). */
    private void removeLeftover() {
        try {
            if (owner.graphSubscriptions.get(mailboxId).isPresent()) {
                Thread.ofVirtual().name("graph-unwatch-" + mailboxId).start(this::remove);
            }
        } catch (RuntimeException e) {
            LOG.debug("mailbox {}: cannot look for a Graph subscription: {}", mailboxId, MailboxWatch.text(e));
        }
    }

    private void unsubscribeQuietly(GraphClient graph, String id) {
        try {
            graph.unsubscribe(id);
        } catch (RuntimeException e) {
            LOG.debug("mailbox {}: deleting an old Graph subscription failed: {}", mailboxId, MailboxWatch.text(e));
        }
    }

    private String url() {
        return owner.options.graph().notificationUrl().toString();
    }

    private Instant expiry() {
        return owner.clock.instant().plus(owner.options.graph().lifetime());
    }

    private void setStatus(NotificationMode mode, String reason) {
        WatchStatus now = status;
        Optional<String> r = Optional.ofNullable(reason);
        if (now.mode() != mode || !now.reason().equals(r)) {
            status = new WatchStatus(mode, r, owner.clock.instant());
        }
    }

    /** 256 random bits: the secret Graph echoes in every notification of the subscription. */
    private static String newClientState() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
