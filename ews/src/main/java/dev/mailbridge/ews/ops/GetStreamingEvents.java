package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.Outcome;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.ArrayList;
import java.util.List;

/**
 * GetStreamingEvents: one long HTTP response carrying a sequence of complete SOAP envelopes ("frames"):
 * event frames, heartbeats ({@code ConnectionStatus OK}) and a final {@code Closed}. Run it with
 * {@link dev.mailbridge.ews.EwsClient#stream(GetStreamingEvents, java.util.function.Consumer)}, which
 * calls {@link #readResponse} once per frame; reconnect after Closed with
 * {@link dev.mailbridge.ews.StreamingConnection}.
 */
public record GetStreamingEvents(List<String> subscriptionIds, int connectionTimeoutMinutes)
        implements EwsOperation<GetStreamingEvents.Frame> {

    /** One frame of the stream; {@code error} is set for an error frame (e.g. ErrorInvalidSubscription). */
    public record Frame(
            List<Notification> notifications,
            String connectionStatus,
            List<String> errorSubscriptionIds,
            dev.mailbridge.ews.error.EwsResponseException error) {
        public Frame {
            notifications = List.copyOf(notifications);
            errorSubscriptionIds = List.copyOf(errorSubscriptionIds);
        }

        public boolean closed() {
            return "Closed".equals(connectionStatus);
        }

        public boolean heartbeat() {
            return "OK".equals(connectionStatus) && notifications.isEmpty();
        }
    }

    public GetStreamingEvents {
        subscriptionIds = List.copyOf(subscriptionIds);
        Wire.requireNonEmpty(subscriptionIds, "subscriptionIds");
        if (subscriptionIds.size() > 200) {
            throw new IllegalArgumentException("At most 200 subscriptions per streaming connection");
        }
        if (connectionTimeoutMinutes < 1 || connectionTimeoutMinutes > 30) {
            throw new IllegalArgumentException("ConnectionTimeout must be 1-30 minutes");
        }
    }

    @Override
    public String name() {
        return "GetStreamingEvents";
    }

    @Override
    public boolean needsAffinity() {
        return true;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("GetStreamingEvents").m("SubscriptionIds");
        subscriptionIds.forEach(id -> out.tText("SubscriptionId", id));
        out.end()
                .mText("ConnectionTimeout", Integer.toString(connectionTimeoutMinutes))
                .end();
    }

    @Override
    public Frame readResponse(XmlIn in, ResponseContext ctx) {
        List<Notification> notifications = new ArrayList<>();
        List<String> badIds = new ArrayList<>();
        String[] status = {null};
        Outcome<Void> outcome = Wire.messages(in, ctx, i -> new Wire.MessageBody<Void>() {
                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "Notifications")) {
                            int d = x.depth();
                            while (x.nextChild(d)) {
                                if (x.localName().equals("Notification")) {
                                    notifications.add(Events.readNotification(x));
                                } else {
                                    x.skip();
                                }
                            }
                        } else if (x.is(M, "ErrorSubscriptionIds")) {
                            int d = x.depth();
                            while (x.nextChild(d)) {
                                badIds.add(x.text());
                            }
                        } else if (x.is(M, "ConnectionStatus")) {
                            status[0] = x.text().trim();
                        } else {
                            x.skip();
                        }
                    }

                    @Override
                    public Void result() {
                        return null;
                    }
                })
                .outcomes()
                .stream()
                .findFirst()
                .orElse(Outcome.success(null, null));
        return new Frame(notifications, status[0], badIds, outcome.error());
    }

    static boolean isTypes(XmlIn in) {
        return T.equals(in.namespace());
    }
}
