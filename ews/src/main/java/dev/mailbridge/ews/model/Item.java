package dev.mailbridge.ews.model;

import java.time.Instant;
import java.util.List;

/**
 * An item (usually a message) with the properties Exchange returned; absent ones are null (or empty
 * lists, -1 for size). {@code kind} is the element's local name (Message, CalendarItem, ...).
 * {@code mimeBytes} is the size of the MIME content streamed to the sink, -1 when none was requested.
 */
public record Item(
        String kind,
        ItemId id,
        FolderId parentFolderId,
        String itemClass,
        String subject,
        Instant dateTimeReceived,
        Instant dateTimeSent,
        long size,
        Boolean isRead,
        Boolean hasAttachments,
        EmailAddress from,
        List<EmailAddress> toRecipients,
        List<EmailAddress> ccRecipients,
        String internetMessageId,
        List<String> categories,
        String bodyType,
        String body,
        List<Attachment> attachments,
        long mimeBytes) {

    public Item {
        toRecipients = List.copyOf(toRecipients);
        ccRecipients = List.copyOf(ccRecipients);
        categories = List.copyOf(categories);
        attachments = List.copyOf(attachments);
    }
}
