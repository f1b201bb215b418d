package dev.mailbridge.core.message;

/**
 * What the event says about one attachment; the content itself is fetched separately ({@link
 * MimeParser#openAttachment}).
 *
 * @param index position among the message's attachments, from 0, in MIME tree order (depth first);
 *     the same index opens the content with {@link MimeParser#openAttachment}
 * @param filename from {@code Content-Disposition: filename} or else {@code Content-Type: name}, RFC
 *     2231 and RFC 2047 decoded, directory components removed; a {@code message/rfc822} part without
 *     one is named after its subject ({@code <subject>.eml}); {@code null} when there is none
 * @param contentType the base type, lower-cased ({@code image/png}), without parameters
 * @param size the decoded content's length in bytes
 * @param contentId the {@code Content-ID} without angle brackets ({@code cid:} references in the
 *     HTML body use it), or {@code null}
 * @param inline {@code Content-Disposition: inline}, or no disposition but a Content-ID (an image of
 *     the HTML body)
 * @param sha256 the SHA-256 of the decoded content, lower-case hex
 */
public record AttachmentInfo(
        int index, String filename, String contentType, long size, String contentId, boolean inline, String sha256) {}
