package dev.mailbridge.emulator.exchange;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Push subscriptions: POSTs {@code SendNotification} to the client's URL when events arrive, and a
 * StatusEvent every StatusFrequency minutes. A failed POST is retried after 30 s, then 60, 120, …
 * (scaled by the minute length) until StatusFrequency has passed; then the subscription ends. The
 * client ends it by answering {@code SubscriptionStatus Unsubscribe}.
 */
final class PushNotifier {
    private final Subscriptions hub;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    PushNotifier(Subscriptions hub) {
        this.hub = hub;
    }

    Target start(Subscriptions.Sub sub, String url) {
        Target t = new Target(sub, URI.create(url.trim()));
        t.scheduleStatus();
        return t;
    }

    /** Delivery state of one push subscription. */
    final class Target {
        final Subscriptions.Sub sub;
        final URI url;
        private boolean sending;
        private boolean pending;
        private boolean cancelled;
        private long failingSinceMillis = -1;
        private int attempt;
        private ScheduledFuture<?> status;

        Target(Subscriptions.Sub sub, URI url) {
            this.sub = sub;
            this.url = url;
        }

        private long minuteMillis() {
            return hub.minuteLength().toMillis();
        }

        synchronized void scheduleStatus() {
            if (status != null) {
                status.cancel(false);
            }
            if (!cancelled) {
                long every = sub.minutes * minuteMillis();
                status = hub.timer.schedule(() -> send(true), every, TimeUnit.MILLISECONDS);
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (status != null) {
                status.cancel(false);
            }
        }

        /** New events: send soon (called under the hub's lock, so only schedules). */
        void wake() {
            hub.timer.execute(() -> send(false));
        }

        private void send(boolean statusWhenEmpty) {
            long before;
            String notification;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                if (sending) {
                    pending = true;
                    return;
                }
                before = sub.cursor;
                notification = hub.pushNotification(sub, statusWhenEmpty);
                if (notification == null) {
                    return;
                }
                sending = true;
            }
            String body = ExchangeService.envelope(
                    null,
                    "<m:SendNotification xmlns:m=\"" + Xml.M + "\" xmlns:t=\"" + Xml.T + "\"><m:ResponseMessages>"
                            + "<m:SendNotificationResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                            + "<m:Notification>" + notification
                            + "</m:Notification></m:SendNotificationResponseMessage>"
                            + "</m:ResponseMessages></m:SendNotification>");
            HttpRequest req = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, x) -> {
                boolean ok = x == null && r.statusCode() == 200;
                if (ok && r.body().contains("Unsubscribe") && r.body().contains("SubscriptionStatus")) {
                    cancel();
                    hub.drop(sub);
                    return;
                }
                if (ok) {
                    boolean again;
                    synchronized (this) {
                        sending = false;
                        failingSinceMillis = -1;
                        attempt = 0;
                        again = pending;
                        pending = false;
                    }
                    scheduleStatus();
                    if (again) {
                        send(false);
                    }
                    return;
                }
                retry(before);
            });
        }

        private void retry(long cursorBefore) {
            synchronized (this) {
                sending = false;
                synchronized (hub) {
                    sub.cursor = Math.min(sub.cursor, cursorBefore);
                }
                long now = System.currentTimeMillis();
                if (failingSinceMillis < 0) {
                    failingSinceMillis = now;
                }
                long delay = (minuteMillis() / 2) << Math.min(attempt, 20);
                attempt++;
                if (now - failingSinceMillis + delay > sub.minutes * minuteMillis()) {
                    cancelled = true;
                    hub.drop(sub);
                    return;
                }
                hub.timer.schedule(() -> send(true), delay, TimeUnit.MILLISECONDS);
            }
        }
    }
}
