package dev.mailbridge.ews.model;

/**
 * An attachment's metadata ({@code t:FileAttachment} / {@code t:ItemAttachment}); the content is fetched
 * with GetAttachment and streamed to a sink. Size is -1 when not returned.
 */
public record Attachment(
        String kind, String id, String name, String contentType, String contentId, long size, boolean isInline) {}
