package dev.mailbridge.core.sync;

import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.StreamingConnection;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.Notification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GetStreamingEvents connection carrying the streaming subscriptions of several mailboxes that one
 * credential may read together (up to 200, Exchange's limit per connection), opened through the first
 * member's client. A change of members reconnects it after a short delay, so that many mailboxes joining
 * at start-up make one connection rather than hundreds of reconnects; events that happen meanwhile wait
 * at Exchange for the subscription's next connection.
 *
 * <p>It routes each notification to its mailbox's watch (which asks for a sync), asks every member for a
 * pass each time a connection is accepted (events written to a dropped or replaced connection are lost;
 * the {@link StreamingConnection} reconnects by itself), and when the connection
 * stops tells the members why: subscriptions named in an error frame (or all, when none is named) are
 * LOST; a refusal (too many connections, streaming not available) is REFUSED for all; a failed sign-in is
 * FAILED for all.
 */
final class StreamGroup {
    private static final Logger LOG = LoggerFactory.getLogger(StreamGroup.class);

    private record Member(MailboxWatch watch, EwsClient ews) {}

    private final MailboxWatchers owner;
    private final Map<String, Member> members = new LinkedHashMap<>(); // subscription id -> member
    private StreamingConnection connection;
    private boolean reconnectScheduled;

    StreamGroup(MailboxWatchers owner) {
        this.owner = owner;
    }

    synchronized int size() {
        return members.size();
    }

    synchronized void add(MailboxWatch w, EwsClient ews, String subscriptionId) {
        members.put(subscriptionId, new Member(w, ews));
        scheduleReconnect();
    }

    /** Removes the watch's subscription; returns the members left (none: the connection is closed). */
    synchronized int remove(MailboxWatch w) {
        boolean removed = members.values().removeIf(m -> m.watch() == w);
        if (members.isEmpty()) {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } else if (removed) {
            scheduleReconnect();
        }
        return members.size();
    }

    private void scheduleReconnect() {
        if (reconnectScheduled) {
            return;
        }
        reconnectScheduled = true;
        try {
            owner.timer.schedule(this::reconnect, owner.options.regroupDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reconnectScheduled = false; // shutting down
        }
    }

    /** Replaces the connection with one for the current members. */
    private void reconnect() {
        StreamingConnection old;
        StreamingConnection next = null;
        synchronized (this) {
            reconnectScheduled = false;
            old = connection;
            connection = null;
            if (!members.isEmpty()) {
                List<String> ids = new ArrayList<>(members.keySet());
                Listener listener = new Listener();
                next = new StreamingConnection(
                        members.get(ids.get(0)).ews(), ids, owner.options.streamTimeoutMinutes(), listener);
                listener.connection = next;
                connection = next;
            }
        }
        if (old != null) {
            old.close();
        }
        if (next != null) {
            LOG.debug("streaming connection for {} subscriptions", size());
            next.start();
        }
    }

    /** Events of one connection; what a replaced connection reports (other than events) is ignored. */
    private final class Listener implements StreamingConnection.Listener {
        volatile StreamingConnection connection;
        private final Set<String> lost = new HashSet<>();

        private boolean current() {
            synchronized (StreamGroup.this) {
                return StreamGroup.this.connection == connection;
            }
        }

        @Override
        public void onNotification(Notification n) {
            if (!MailboxWatch.mayBeNewMail(n)) {
                return;
            }
            List<MailboxWatch> to = new ArrayList<>();
            synchronized (StreamGroup.this) {
                Member m = n.subscriptionId() == null ? null : members.get(n.subscriptionId());
                if (m != null) {
                    to.add(m.watch());
                } else if (n.subscriptionId() == null) {
                    members.values().forEach(x -> to.add(x.watch()));
                }
            }
            // even from a replaced connection: the event was consumed there and is not sent again
            to.forEach(MailboxWatch::eventsArrived);
        }

        @Override
        public void onConnected() {
            if (!current()) {
                return;
            }
            // Events Exchange wrote to the connection before (dropped, or replaced by this one) are gone:
            // a pass each finds whatever they were.
            List<MailboxWatch> all;
            synchronized (StreamGroup.this) {
                all = members.values().stream().map(Member::watch).toList();
            }
            all.forEach(MailboxWatch::catchUp);
        }

        @Override
        public void onDisconnected(EwsException cause) {
            LOG.debug("streaming connection dropped ({}); reconnecting", cause.plainMessage());
        }

        @Override
        public void onSubscriptionErrors(List<String> subscriptionIds, EwsException cause) {
            synchronized (StreamGroup.this) {
                lost.addAll(subscriptionIds);
            }
        }

        @Override
        public void onStopped(EwsException cause) {
            Map<MailboxWatch, MailboxWatch.SignalKind> told = new LinkedHashMap<>();
            synchronized (StreamGroup.this) {
                if (StreamGroup.this.connection != connection) {
                    return;
                }
                StreamGroup.this.connection = null;
                MailboxWatch.SignalKind kind;
                if (cause instanceof EwsResponseException r && r.subscriptionLost()) {
                    kind = MailboxWatch.SignalKind.LOST;
                } else if (MailboxWatch.notAboutNotifications(cause)) {
                    kind = MailboxWatch.SignalKind.FAILED;
                } else {
                    kind = MailboxWatch.SignalKind.REFUSED;
                }
                var it = members.entrySet().iterator();
                while (it.hasNext()) {
                    var e = it.next();
                    if (kind != MailboxWatch.SignalKind.LOST || lost.isEmpty() || lost.contains(e.getKey())) {
                        told.put(e.getValue().watch(), kind);
                        it.remove();
                    }
                }
                if (!members.isEmpty()) {
                    scheduleReconnect(); // the others keep streaming
                }
            }
            String reason = MailboxWatch.text(cause);
            LOG.debug("streaming connection stopped ({}); {} of its subscriptions told", reason, told.size());
            told.forEach((w, kind) -> w.signal(kind, reason));
        }
    }
}
