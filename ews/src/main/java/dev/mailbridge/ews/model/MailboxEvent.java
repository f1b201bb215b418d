package dev.mailbridge.ews.model;

import java.time.Instant;

/**
 * One event: {@code type} is the element name (NewMailEvent, CreatedEvent, DeletedEvent, ModifiedEvent,
 * MovedEvent, CopiedEvent, FreeBusyChangedEvent, StatusEvent). Exactly one of itemId/folderId is set
 * for item/folder events; old* are set for moves and copies.
 */
public record MailboxEvent(
        String type,
        String watermark,
        Instant timeStamp,
        ItemId itemId,
        FolderId folderId,
        FolderId parentFolderId,
        ItemId oldItemId,
        FolderId oldFolderId,
        FolderId oldParentFolderId,
        int unreadCount) {}
