package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.model.MailboxEvent;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.xml.XmlIn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code Notification} elements (GetEvents, GetStreamingEvents). */
final class Events {
    private Events() {}

    /** The single response message of GetEvents or a push SendNotification: its Notification. */
    static Notification notification(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<Notification>() {
                    Notification n;

                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "Notification")) {
                            n = readNotification(x);
                        } else {
                            x.skip();
                        }
                    }

                    @Override
                    public Notification result() {
                        return n;
                    }
                })
                .single();
    }

    static Notification readNotification(XmlIn in) {
        String subscriptionId = null;
        String previous = null;
        boolean more = false;
        List<MailboxEvent> events = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (!T.equals(in.namespace())) {
                in.skip();
                continue;
            }
            switch (in.localName()) {
                case "SubscriptionId" -> subscriptionId = in.text();
                case "PreviousWatermark" -> previous = in.text();
                case "MoreEvents" -> more = in.booleanText();
                default -> {
                    if (in.localName().endsWith("Event")) {
                        events.add(readEvent(in));
                    } else {
                        in.skip();
                    }
                }
            }
        }
        return new Notification(subscriptionId, previous, more, events);
    }

    static MailboxEvent readEvent(XmlIn in) {
        String type = in.localName();
        String watermark = null;
        Instant ts = null;
        ItemId itemId = null;
        FolderId folderId = null;
        FolderId parent = null;
        ItemId oldItemId = null;
        FolderId oldFolderId = null;
        FolderId oldParent = null;
        int unread = -1;
        int d = in.depth();
        while (in.nextChild(d)) {
            switch (in.localName()) {
                case "Watermark" -> watermark = in.text();
                case "TimeStamp" -> ts = Wire.instant(in.text());
                case "ItemId" -> itemId = Wire.readItemId(in);
                case "FolderId" -> folderId = Wire.readFolderId(in);
                case "ParentFolderId" -> parent = Wire.readFolderId(in);
                case "OldItemId" -> oldItemId = Wire.readItemId(in);
                case "OldFolderId" -> oldFolderId = Wire.readFolderId(in);
                case "OldParentFolderId" -> oldParent = Wire.readFolderId(in);
                case "UnreadCount" -> unread = in.intText();
                default -> in.skip();
            }
        }
        return new MailboxEvent(
                type, watermark, ts, itemId, folderId, parent, oldItemId, oldFolderId, oldParent, unread);
    }
}
