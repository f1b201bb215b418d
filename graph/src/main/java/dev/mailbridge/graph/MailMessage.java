package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's metadata as Graph gives it (the body is left out: get the MIME with
 * {@link GraphClient#downloadMime}). {@code id} changes when the message moves.
 */
public record MailMessage(
        String id,
        String changeKey,
        String parentFolderId,
        String internetMessageId,
        String conversationId,
        String subject,
        String fromAddress,
        Instant receivedDateTime,
        boolean isRead,
        boolean hasAttachments,
        List<String> categories) {

    /** The properties asked for with {@code $select} (the body stays on the server). */
    static final String SELECT = "id,changeKey,parentFolderId,internetMessageId,conversationId,subject,from,"
            + "receivedDateTime,isRead,hasAttachments,categories";

    static MailMessage of(JsonNode n) {
        List<String> categories = new ArrayList<>();
        n.path("categories").forEach(c -> categories.add(c.asText()));
        String received = GraphErrors.textOrNull(n.get("receivedDateTime"));
        return new MailMessage(
                n.path("id").asText(),
                GraphErrors.textOrNull(n.get("changeKey")),
                GraphErrors.textOrNull(n.get("parentFolderId")),
                GraphErrors.textOrNull(n.get("internetMessageId")),
                GraphErrors.textOrNull(n.get("conversationId")),
                GraphErrors.textOrNull(n.get("subject")),
                GraphErrors.textOrNull(n.path("from").path("emailAddress").get("address")),
                received == null ? null : Instant.parse(received),
                n.path("isRead").asBoolean(false),
                n.path("hasAttachments").asBoolean(false),
                List.copyOf(categories));
    }
}
