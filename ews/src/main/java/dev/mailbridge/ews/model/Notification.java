package dev.mailbridge.ews.model;

import java.util.List;

/**
 * Events for one subscription from GetEvents or GetStreamingEvents. Notifications are hints: confirm
 * with SyncFolderItems. {@code previousWatermark}/{@code moreEvents} are null/false when not sent
 * (streaming in Exchange Online).
 */
public record Notification(
        String subscriptionId, String previousWatermark, boolean moreEvents, List<MailboxEvent> events) {
    public Notification {
        events = List.copyOf(events);
    }

    /** The watermark of the last event that has one, else {@code previousWatermark}. */
    public String lastWatermark() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).watermark() != null) {
                return events.get(i).watermark();
            }
        }
        return previousWatermark;
    }
}
