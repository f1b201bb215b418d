package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;

/** A Graph mailFolder. {@code id} never changes; well-known names (inbox, sentitems...) work as ids too. */
public record MailFolder(
        String id,
        String displayName,
        String parentFolderId,
        int childFolderCount,
        int unreadItemCount,
        int totalItemCount) {

    static MailFolder of(JsonNode n) {
        return new MailFolder(
                n.path("id").asText(),
                n.path("displayName").asText(),
                GraphErrors.textOrNull(n.get("parentFolderId")),
                n.path("childFolderCount").asInt(),
                n.path("unreadItemCount").asInt(),
                n.path("totalItemCount").asInt());
    }
}
