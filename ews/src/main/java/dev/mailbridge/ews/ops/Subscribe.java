package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.net.URI;
import java.util.List;

/**
 * Subscribe to mailbox events: pull ({@link #pull}), push ({@link #push}: Exchange POSTs notifications
 * to your URL, read them with {@link PushNotifications}) or streaming ({@link #streaming}). With no folders
 * the subscription covers all folders (SubscribeToAllFolders: one subscription for the mailbox;
 * Exchange Online allows 20 per mailbox). Sent with server affinity headers; the client replays the
 * back-end cookie on GetEvents / GetStreamingEvents.
 */
public record Subscribe(
        boolean streaming,
        List<FolderRef> folders,
        List<EventType> eventTypes,
        int timeoutMinutes,
        String watermark,
        URI pushUrl,
        int statusFrequencyMinutes)
        implements EwsOperation<Subscribe.Subscription> {

    public record Subscription(String id, String watermark) {}

    public Subscribe {
        folders = List.copyOf(folders);
        eventTypes = List.copyOf(eventTypes);
        Wire.requireNonEmpty(eventTypes, "eventTypes");
        if (pushUrl != null) {
            if (streaming) {
                throw new IllegalArgumentException("A subscription is push or streaming, not both");
            }
            String scheme = String.valueOf(pushUrl.getScheme()).toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("The push URL must be http(s): " + pushUrl);
            }
            if (statusFrequencyMinutes < 1 || statusFrequencyMinutes > 1440) {
                throw new IllegalArgumentException("A push subscription's status frequency must be 1-1440 minutes");
            }
        } else if (!streaming && (timeoutMinutes < 1 || timeoutMinutes > 1440)) {
            throw new IllegalArgumentException("A pull subscription's timeout must be 1-1440 minutes");
        }
    }

    public static Subscribe pull(
            List<FolderRef> folders, List<EventType> events, int timeoutMinutes, String watermark) {
        return new Subscribe(false, folders, events, timeoutMinutes, watermark, null, 0);
    }

    public static Subscribe streaming(List<FolderRef> folders, List<EventType> events) {
        return new Subscribe(true, folders, events, 0, null, null, 0);
    }

    /**
     * Exchange POSTs each batch of events to {@code url}, and a status ping every {@code
     * statusFrequencyMinutes} when nothing happens; answer with {@link PushNotifications#answer(boolean)}.
     */
    public static Subscribe push(
            List<FolderRef> folders, List<EventType> events, URI url, int statusFrequencyMinutes, String watermark) {
        return new Subscribe(false, folders, events, 0, watermark, url, statusFrequencyMinutes);
    }

    @Override
    public String name() {
        return "Subscribe";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public boolean needsAffinity() {
        return true;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("Subscribe")
                .m(
                        streaming
                                ? "StreamingSubscriptionRequest"
                                : pushUrl != null ? "PushSubscriptionRequest" : "PullSubscriptionRequest");
        if (folders.isEmpty()) {
            out.attr("SubscribeToAllFolders", "true");
        } else {
            out.t("FolderIds");
            folders.forEach(f -> Wire.folderRef(out, f));
            out.end();
        }
        out.t("EventTypes");
        eventTypes.forEach(e -> out.tText("EventType", e.wireName()));
        out.end();
        if (!streaming) {
            if (watermark != null) {
                out.tText("Watermark", watermark);
            }
            if (pushUrl != null) {
                out.tText("StatusFrequency", Integer.toString(statusFrequencyMinutes));
                out.tText("URL", pushUrl.toString());
            } else {
                out.tText("Timeout", Integer.toString(timeoutMinutes));
            }
        }
        out.end().end();
    }

    @Override
    public Subscription readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<Subscription>() {
                    String id;
                    String mark;

                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "SubscriptionId")) {
                            id = x.text();
                        } else if (x.is(M, "Watermark")) {
                            mark = x.text();
                        } else {
                            x.skip();
                        }
                    }

                    @Override
                    public Subscription result() {
                        return new Subscription(id, mark);
                    }
                })
                .single();
    }
}
