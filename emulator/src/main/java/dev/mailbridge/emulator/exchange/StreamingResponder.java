package dev.mailbridge.emulator.exchange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One GetStreamingEvents connection: a single chunked HTTP response that carries a complete SOAP
 * envelope per chunk (events, {@code ConnectionStatus OK} heartbeats, and a last {@code Closed}).
 * Writes are asynchronous (one in flight at a time, the rest queued); timers run on the
 * notification scheduler, so no thread is held per connection.
 */
final class StreamingResponder {
    private final Subscriptions hub;
    final List<Subscriptions.Sub> subs;
    final String budget;
    private final long timeoutMillis;
    private final long heartbeatMillis;
    private final boolean withWatermarks;

    private Request request;
    private Response response;
    private Callback callback;
    private final String versionHeader;

    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean finished;
    private boolean done;
    private ScheduledFuture<?> heartbeatTask;
    private ScheduledFuture<?> closeTask;

    private record Frame(ByteBuffer bytes, boolean last) {}

    StreamingResponder(
            Subscriptions hub,
            List<Subscriptions.Sub> subs,
            String budget,
            long timeoutMillis,
            long heartbeatMillis,
            boolean withWatermarks,
            String versionHeader) {
        this.hub = hub;
        this.versionHeader = versionHeader;
        this.subs = subs;
        this.budget = budget;
        this.timeoutMillis = timeoutMillis;
        this.heartbeatMillis = heartbeatMillis;
        this.withWatermarks = withWatermarks;
    }

    boolean serves(String smtp) {
        for (Subscriptions.Sub s : subs) {
            if (s.mailbox.smtp.equalsIgnoreCase(smtp)) {
                return true;
            }
        }
        return false;
    }

    /** Commits the 200 with chunked encoding, starts the timers and sends any queued events. */
    void start(Request request, Response response, Callback callback) {
        synchronized (this) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private");
            response.getHeaders().put("request-id", UUID.randomUUID().toString());
            response.getHeaders().put("X-FEServer", "EMULATOR");
            queue.add(new Frame(BufferUtil.EMPTY_BUFFER, false));
            heartbeatTask = hub.timer.scheduleAtFixedRate(
                    this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
            closeTask = hub.timer.schedule(this::timeout, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        pump();
        hub.timer.execute(this::drain);
    }

    /** Sends the events that are waiting, one frame per batch. */
    void drain() {
        while (true) {
            synchronized (this) {
                if (finished) {
                    return;
                }
            }
            List<String> notifications = hub.collect(this, withWatermarks);
            if (notifications.isEmpty()) {
                return;
            }
            offer(
                    frame("<m:Notifications>" + String.join("", notifications) + "</m:Notifications>", "Success", null),
                    false);
        }
    }

    private void heartbeat() {
        offer(frame("<m:ConnectionStatus>OK</m:ConnectionStatus>", "Success", null), false);
    }

    private void timeout() {
        drain();
        offer(frame("<m:ConnectionStatus>Closed</m:ConnectionStatus>", "Success", null), true);
    }

    /** Some subscriptions were expired, unsubscribed or taken over by another connection. */
    void subscriptionsExpired() {
        drain();
        List<String> lost = hub.lostSubscriptions(this);
        if (lost.isEmpty()) {
            return;
        }
        boolean any = false;
        for (Subscriptions.Sub s : subs) {
            if (!lost.contains(s.id)) {
                any = true;
                break;
            }
        }
        StringBuilder ids = new StringBuilder("<m:ErrorSubscriptionIds>");
        for (String id : lost) {
            ids.append("<m:SubscriptionId>").append(id).append("</m:SubscriptionId>");
        }
        ids.append("</m:ErrorSubscriptionIds>");
        String body =
                "<m:MessageText>The subscription is invalid.</m:MessageText><m:ResponseCode>ErrorInvalidSubscription</m:ResponseCode>"
                        + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>" + ids
                        + (any ? "" : "<m:ConnectionStatus>Closed</m:ConnectionStatus>");
        offer(frame(null, "Error", body), !any);
    }

    /** Closes the TCP connection without the final Closed message (fault injection). */
    void cut() {
        synchronized (this) {
            if (done) {
                return;
            }
            finished = true;
            queue.clear();
        }
        try {
            request.getConnectionMetaData().getConnection().getEndPoint().close();
        } finally {
            end(new IOException("stream cut by fault injection"));
        }
    }

    private String frame(String inner, String responseClass, String rawBody) {
        String message = "<m:GetStreamingEventsResponseMessage ResponseClass=\"" + responseClass + "\">"
                + (rawBody != null ? rawBody : "<m:ResponseCode>NoError</m:ResponseCode>" + inner)
                + "</m:GetStreamingEventsResponseMessage>";
        return "<s:Envelope xmlns:s=\"" + Xml.SOAP + "\"><s:Header>" + versionHeader + "</s:Header><s:Body>"
                + "<m:GetStreamingEventsResponse xmlns:m=\"" + Xml.M + "\" xmlns:t=\"" + Xml.T
                + "\"><m:ResponseMessages>"
                + message + "</m:ResponseMessages></m:GetStreamingEventsResponse></s:Body></s:Envelope>";
    }

    private void offer(String xml, boolean last) {
        synchronized (this) {
            if (finished) {
                return;
            }
            if (last) {
                finished = true;
            }
            queue.add(new Frame(ByteBuffer.wrap(xml.getBytes(StandardCharsets.UTF_8)), last));
        }
        pump();
    }

    private void pump() {
        Frame f;
        synchronized (this) {
            if (writing || done || response == null || queue.isEmpty()) {
                return;
            }
            writing = true;
            f = queue.poll();
        }
        response.write(f.last(), f.bytes(), new Callback() {
            @Override
            public void succeeded() {
                synchronized (StreamingResponder.this) {
                    writing = false;
                }
                if (f.last()) {
                    end(null);
                } else {
                    pump();
                }
            }

            @Override
            public void failed(Throwable x) {
                synchronized (StreamingResponder.this) {
                    writing = false;
                    finished = true;
                }
                end(x);
            }
        });
    }

    private void end(Throwable failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            finished = true;
            queue.clear();
            if (heartbeatTask != null) {
                heartbeatTask.cancel(false);
            }
            if (closeTask != null) {
                closeTask.cancel(false);
            }
        }
        hub.disconnected(this);
        if (failure == null) {
            callback.succeeded();
        } else {
            callback.failed(failure);
        }
    }
}
