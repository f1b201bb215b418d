package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;

/**
 * GetEvents (pull): events since {@code watermark}. Call again at once while {@code moreEvents}; pass
 * {@link Notification#lastWatermark()} next time. A lost subscription throws an
 * {@link dev.mailbridge.ews.error.EwsResponseException} with {@code subscriptionLost()} true.
 */
public record GetEvents(String subscriptionId, String watermark) implements EwsOperation<Notification> {
    @Override
    public String name() {
        return "GetEvents";
    }

    @Override
    public boolean needsAffinity() {
        return true;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("GetEvents")
                .mText("SubscriptionId", subscriptionId)
                .mText("Watermark", watermark)
                .end();
    }

    @Override
    public Notification readResponse(XmlIn in, ResponseContext ctx) {
        return Events.notification(in, ctx);
    }
}
