package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.GetStreamingEvents;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a GetStreamingEvents connection open: reconnects after each ConnectionStatus Closed (the
 * server ends every connection after its ConnectionTimeout) and after dropped connections (with
 * back-off). Stops, telling the listener, when the subscription is lost: then create a new
 * subscription and resynchronise with SyncFolderItems (notifications are hints, not the truth).
 */
public final class StreamingConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingConnection.class);

    /** Receives what the stream delivers; called on the connection's thread. */
    public interface Listener {
        void onNotification(Notification notification);

        default void onHeartbeat() {}

        /**
         * Exchange accepted a connection (the first, or a reconnect). Events Exchange sent on a connection
         * that dropped are gone, so a caller that must miss nothing resynchronises after each one.
         */
        default void onConnected() {}

        /** The connection dropped or was closed by the server; the connection will reconnect. */
        default void onDisconnected(EwsException cause) {}

        /**
         * An error frame named these subscriptions (expired, unsubscribed, taken over by another
         * connection); called before {@link #onStopped}, so that a connection carrying many subscriptions
         * can tell which of them to create again.
         */
        default void onSubscriptionErrors(List<String> subscriptionIds, EwsException cause) {}

        /** The subscription is gone (or a failure is permanent): the connection has stopped. */
        default void onStopped(EwsException cause) {}
    }

    private final EwsClient client;
    private final GetStreamingEvents request;
    private final Listener listener;
    private final Duration silenceLimit;
    private final AtomicReference<InputStream> current = new AtomicReference<>();
    private volatile boolean closed;
    private Thread thread;

    public StreamingConnection(
            EwsClient client, List<String> subscriptionIds, int connectionTimeoutMinutes, Listener listener) {
        this(
                client,
                new GetStreamingEvents(subscriptionIds, connectionTimeoutMinutes),
                listener,
                Duration.ofSeconds(90));
    }

    StreamingConnection(EwsClient client, GetStreamingEvents request, Listener listener, Duration silenceLimit) {
        this.client = client;
        this.request = request;
        this.listener = listener;
        this.silenceLimit = silenceLimit;
    }

    public synchronized StreamingConnection start() {
        if (thread == null) {
            // A virtual thread: a server may hold thousands of these connections, mostly waiting.
            thread = Thread.ofVirtual().name("ews-stream").start(this::run);
        }
        return this;
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            try {
                client.stream(
                        request,
                        frame -> {
                            for (Notification n : frame.notifications()) {
                                listener.onNotification(n);
                            }
                            if (frame.heartbeat()) {
                                listener.onHeartbeat();
                            }
                            if (frame.error() != null
                                    && !frame.errorSubscriptionIds().isEmpty()) {
                                listener.onSubscriptionErrors(frame.errorSubscriptionIds(), frame.error());
                            }
                        },
                        silenceLimit,
                        current,
                        listener::onConnected);
                failures = 0;
                LOG.debug("EWS stream closed by the server; reconnecting");
            } catch (EwsResponseException e) {
                if (closed) {
                    return;
                }
                listener.onStopped(e);
                return;
            } catch (EwsException e) {
                if (closed) {
                    return;
                }
                if (!e.retryable()) {
                    listener.onStopped(e);
                    return;
                }
                listener.onDisconnected(e);
                failures++;
                try {
                    Thread.sleep(Math.min(30_000L, 250L << Math.min(failures, 7)));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = current.get();
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
