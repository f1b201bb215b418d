package dev.mailbridge.core.sync;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.error.EwsAccessBlockedException;
import dev.mailbridge.ews.error.EwsAuthenticationException;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.MailboxEvent;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.GetEvents;
import dev.mailbridge.ews.ops.Subscribe;
import dev.mailbridge.ews.ops.Unsubscribe;
import dev.mailbridge.identity.failure.SignInFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched mailbox, on its own virtual thread: subscribes to its incoming folder the best way
 * Exchange allows and asks for a sync pass whenever something may have arrived. Streaming: the
 * subscription joins a {@link StreamGroup} and the watch waits until the group reports it lost (it
 * subscribes again and catches up) or refused (it falls back to pull). Pull: GetEvents every pull interval.
 * Polling: nothing to do but wait for the caller's periodic pass. A refused way is tried again after
 * {@link MailboxWatchers.Options#retryBetterAfter}; a failure that is not a refusal (Exchange unreachable,
 * a sign-in that fails) is retried with back-off, polling meanwhile.
 */
final class MailboxWatch extends WatchThread {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxWatch.class);

    /** What a stream group tells a streaming watch. */
    enum SignalKind {
        /** The subscription is gone (expired, missed events): subscribe again and catch up. */
        LOST,
        /** Exchange will not stream for it (connection limit, not supported): fall back to pull. */
        REFUSED,
        /** The stream failed in a way that is not about streaming (sign-in, access): back off, try again. */
        FAILED
    }

    record Signal(SignalKind kind, String reason) {}

    /** Exchange refused the way tried; the next way is used until the retry time. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    final UUID mailboxId;
    final MailboxSync.Incoming incoming;
    private final MailboxWatchers owner;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicLong notifications = new java.util.concurrent.atomic.AtomicLong();
    private volatile WatchStatus status;

    private String streamingRefusal;
    private Instant retryStreamingAt = Instant.MIN;
    private String pullRefusal;
    private Instant retryPullAt = Instant.MIN;

    MailboxWatch(MailboxWatchers owner, UUID mailboxId, MailboxSync.Incoming incoming) {
        this.owner = owner;
        this.mailboxId = mailboxId;
        this.incoming = incoming;
        // polling until a subscription stands
        this.status = new WatchStatus(
                NotificationMode.POLL,
                owner.options.mode() == NotificationMode.POLL ? Optional.empty() : Optional.of("subscribing"),
                owner.clock.instant());
    }

    @Override
    public MailboxSync.Incoming incoming() {
        return incoming;
    }

    @Override
    public dev.mailbridge.core.model.Transport transport() {
        return dev.mailbridge.core.model.Transport.EWS;
    }

    @Override
    public WatchStatus status() {
        return status;
    }

    @Override
    public synchronized void start() {
        if (owner.options.mode() == NotificationMode.POLL) {
            return; // the caller's periodic passes are all there is
        }
        startThread("mailbox-watch-" + mailboxId);
    }

    /** Called by the stream group, on its thread. */
    void signal(SignalKind kind, String reason) {
        signals.add(new Signal(kind, reason));
    }

    /** A notification for this mailbox arrived: sync. */
    void eventsArrived() {
        notifications.incrementAndGet();
        owner.requests.request(mailboxId);
    }

    /** Events may have been missed (a new connection, a new subscription): a routine pass. */
    void catchUp() {
        owner.requests.requestRoutine(mailboxId);
    }

    @Override
    public long notifications() {
        return notifications.get();
    }

    @Override
    protected void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closed) {
            Instant now = owner.clock.instant();
            NotificationMode mode = owner.options.mode();
            if (mode == NotificationMode.STREAMING && streamingRefusal != null && now.isBefore(retryStreamingAt)) {
                mode = NotificationMode.PULL;
            }
            if (mode == NotificationMode.PULL && pullRefusal != null && now.isBefore(retryPullAt)) {
                mode = NotificationMode.POLL;
            }
            try {
                switch (mode) {
                    case STREAMING -> stream();
                    case PULL -> pull();
                    case POLL -> waitForRetry();
                }
                backoff = Duration.ofSeconds(1);
            } catch (Refused r) {
                Instant retry = owner.clock.instant().plus(owner.options.retryBetterAfter());
                if (mode == NotificationMode.STREAMING) {
                    streamingRefusal = "streaming refused: " + r.getMessage();
                    retryStreamingAt = retry;
                    LOG.info("mailbox {}: Exchange refused streaming, pulling instead: {}", mailboxId, r.getMessage());
                } else {
                    pullRefusal = "pull refused: " + r.getMessage();
                    retryPullAt = retry;
                    LOG.info(
                            "mailbox {}: Exchange refused a pull subscription, polling instead: {}",
                            mailboxId,
                            r.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                // not a refusal: Exchange unreachable, a sign-in that fails, settings missing
                setStatus(NotificationMode.POLL, "cannot subscribe: " + text(e) + "; trying again");
                LOG.debug("mailbox {}: cannot subscribe, again in {} s: {}", mailboxId, backoff.toSeconds(), text(e));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = doubled(backoff);
            }
        }
    }

    /** One streaming subscription, for as long as it lasts. */
    private void stream() throws Refused, InterruptedException {
        EwsClient ews = owner.access.ews(mailboxId);
        Subscribe.Subscription sub =
                subscribe(ews, Subscribe.streaming(List.of(incoming.folder()), MailboxWatchers.EVENTS));
        signals.clear();
        StreamGroup group = owner.join(this, ews, sub.id());
        setStatus(NotificationMode.STREAMING, null);
        catchUp(); // what arrived before the subscription
        Signal s = null;
        try {
            s = signals.take();
        } finally {
            owner.leave(group, this);
            if (s == null || s.kind() != SignalKind.LOST) {
                unsubscribe(ews, sub.id());
            }
        }
        switch (s.kind()) {
            case LOST -> {
                LOG.info("mailbox {}: streaming subscription lost ({}); subscribing again", mailboxId, s.reason());
                owner.requests.request(mailboxId); // events may be missing: the sync finds what they were
            }
            case REFUSED -> throw new Refused(s.reason());
            case FAILED -> throw new IllegalStateException(s.reason());
        }
    }

    /** One pull subscription: GetEvents every pull interval until it is lost or streaming may be retried. */
    private void pull() throws Refused, InterruptedException {
        EwsClient ews = owner.access.ews(mailboxId);
        Subscribe.Subscription sub = subscribe(
                ews,
                Subscribe.pull(
                        List.of(incoming.folder()), MailboxWatchers.EVENTS, owner.options.pullTimeoutMinutes(), null));
        setStatus(NotificationMode.PULL, streamingRefusal);
        catchUp();
        String watermark = sub.watermark();
        boolean lost = false;
        try {
            while (!closed) {
                if (streamingRefusal != null
                        && owner.options.mode() == NotificationMode.STREAMING
                        && !owner.clock.instant().isBefore(retryStreamingAt)) {
                    streamingRefusal = null; // time to try streaming again
                    return;
                }
                Thread.sleep(owner.options.pullInterval());
                boolean news = false;
                Notification n;
                do {
                    n = ews.execute(new GetEvents(sub.id(), watermark));
                    news |= mayBeNewMail(n);
                    if (n.lastWatermark() != null) {
                        watermark = n.lastWatermark();
                    }
                } while (n.moreEvents());
                if (news) {
                    eventsArrived();
                }
            }
        } catch (EwsResponseException e) {
            if (e.subscriptionLost()) {
                lost = true;
                LOG.info("mailbox {}: pull subscription lost ({}); subscribing again", mailboxId, text(e));
                owner.requests.request(mailboxId);
                return;
            }
            if (!e.retryable()) {
                throw new Refused(text(e));
            }
            throw e;
        } finally {
            if (!lost) {
                unsubscribe(ews, sub.id());
            }
        }
    }

    /** Polling only: wait until a refused way may be tried again (or for ever when polling is the setting). */
    private void waitForRetry() throws InterruptedException {
        String reason = pullRefusal != null ? pullRefusal : streamingRefusal;
        setStatus(NotificationMode.POLL, reason);
        Instant until = pullRefusal != null ? retryPullAt : retryStreamingAt;
        Duration wait = Duration.between(owner.clock.instant(), until);
        Thread.sleep(wait.isNegative() ? Duration.ofSeconds(1) : wait);
        pullRefusal = null;
    }

    private Subscribe.Subscription subscribe(EwsClient ews, Subscribe request) throws Refused {
        try {
            return ews.execute(request);
        } catch (EwsResponseException e) {
            if (e.retryable()) {
                throw e;
            }
            // ErrorExceededSubscriptionCount, a schema fault from a server without streaming, ...
            throw new Refused(text(e));
        }
    }

    private void unsubscribe(EwsClient ews, String id) {
        // a watch being closed was interrupted (perhaps inside a request that kept the flag): still say goodbye
        boolean interrupted = Thread.interrupted();
        try {
            ews.execute(new Unsubscribe(id));
        } catch (RuntimeException e) {
            LOG.debug("mailbox {}: Unsubscribe failed (Exchange lets it expire): {}", mailboxId, text(e));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Any event of the subscribed kinds; a StatusEvent (nothing happened) is not one. */
    static boolean mayBeNewMail(Notification n) {
        for (MailboxEvent e : n.events()) {
            if (!"StatusEvent".equals(e.type())) {
                return true;
            }
        }
        return false;
    }

    private void setStatus(NotificationMode mode, String reason) {
        WatchStatus now = status;
        Optional<String> r = Optional.ofNullable(reason);
        if (now.mode() != mode || !now.reason().equals(r)) {
            status = new WatchStatus(mode, r, owner.clock.instant());
        }
    }

    /** Whether a failure is about the mailbox's sign-in or access rather than about notifications. */
    static boolean notAboutNotifications(RuntimeException e) {
        return e instanceof EwsAuthenticationException
                || e instanceof EwsAccessBlockedException
                || e instanceof SignInFailure
                || e instanceof ValidationException;
    }

    static String text(RuntimeException e) {
        String t = e instanceof EwsException x
                ? x.messageText().orElse(x.plainMessage())
                : (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return t.length() <= 500 ? t : t.substring(0, 500) + "...";
    }
}
