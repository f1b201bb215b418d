package dev.mailbridge.core.message;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A received message as applications see it: the payload of {@code message.received}, made by {@link
 * MimeParser} from the message's MIME and written as JSON by {@link MessageJson} (camelCase, the
 * component names below).
 *
 * <p>Message ids ({@code messageId}, {@code inReplyTo}, {@code references}) are written without their
 * angle brackets. Bodies have CRLF turned into LF. Lists are never {@code null} (empty instead);
 * absent single values are {@code null}.
 *
 * @param mailbox the address of the mailbox it arrived in
 * @param itemId the transport's id of the item (an EWS ItemId), or {@code null}
 * @param messageId {@code Message-ID}
 * @param inReplyTo the first id of {@code In-Reply-To}
 * @param references the ids of {@code References}, oldest first
 * @param conversationId the conversation GUID of {@code Thread-Index} (bytes 6 to 21, lower-case hex),
 *     which Outlook and Exchange use to group a conversation
 * @param conversationTopic {@code Thread-Topic}
 * @param conversationIndex {@code Thread-Index} as received (base64)
 * @param date {@code Date}, with the sender's offset; {@code null} when absent or unreadable
 * @param from the first address of {@code From}
 * @param sender {@code Sender} (who sent on behalf of {@code from}), or {@code null}
 * @param bcc only present when the transport kept it (a copy in Sent Items, a Bcc'd mailbox's own
 *     MIME)
 * @param text the text/plain body (the first one outside attachments; in multipart/alternative the
 *     plain alternative)
 * @param html the text/html body, likewise
 * @param bodyTruncated whether a body was cut at {@link MimeParser.Limits#maxBodyBytes}
 * @param attachments every part that is not one of the two bodies nor a multipart container, in MIME
 *     order, inline images included
 * @param headers the top-level header fields in order, up to {@link
 *     MimeParser.Limits#maxStoredHeaderChars} characters in all
 * @param headersTruncated whether headers were left off because of that cap
 * @param size the size of the whole MIME message in bytes
 * @param autoSubmitted the automation classification
 * @param autoSubmittedReason the header or signal that decided it ({@code Auto-Submitted:
 *     auto-replied}), {@code null} for {@link AutoSubmitted#NONE}
 */
public record ReceivedMessage(
        String mailbox,
        String itemId,
        String messageId,
        String inReplyTo,
        List<String> references,
        String conversationId,
        String conversationTopic,
        String conversationIndex,
        OffsetDateTime date,
        EmailAddress from,
        EmailAddress sender,
        List<EmailAddress> replyTo,
        List<EmailAddress> to,
        List<EmailAddress> cc,
        List<EmailAddress> bcc,
        String subject,
        String text,
        String html,
        boolean bodyTruncated,
        List<AttachmentInfo> attachments,
        List<Header> headers,
        boolean headersTruncated,
        long size,
        AutoSubmitted autoSubmitted,
        String autoSubmittedReason) {

    /**
     * The header Mailbridge puts on every message it sends ({@code X-Mailbridge-Sent: <id>}), by which
     * the rules recognise its own mail coming back.
     */
    public static final String SENT_MARKER_HEADER = "X-Mailbridge-Sent";

    public ReceivedMessage {
        references = copy(references);
        replyTo = copy(replyTo);
        to = copy(to);
        cc = copy(cc);
        bcc = copy(bcc);
        attachments = copy(attachments);
        headers = copy(headers);
        if (autoSubmitted == null) {
            autoSubmitted = AutoSubmitted.NONE;
        }
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** The first value of the header {@code name} (case-insensitive) among {@link #headers}. */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name");
        return headers.stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst();
    }

    /** Every value of the header {@code name} (case-insensitive) among {@link #headers}, in order. */
    public List<String> headers(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return headers.stream()
                .filter(h -> h.name().toLowerCase(Locale.ROOT).equals(lower))
                .map(Header::value)
                .toList();
    }

    /** {@code to}, {@code cc} and {@code bcc}, in that order. */
    public List<EmailAddress> recipients() {
        var all = new java.util.ArrayList<EmailAddress>(to.size() + cc.size() + bcc.size());
        all.addAll(to);
        all.addAll(cc);
        all.addAll(bcc);
        return List.copyOf(all);
    }
}
