package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.exchange.StoreAccess.Address;
import dev.mailbridge.emulator.exchange.StoreAccess.AttachmentView;
import dev.mailbridge.emulator.exchange.StoreAccess.FolderView;
import dev.mailbridge.emulator.exchange.StoreAccess.MessageView;
import dev.mailbridge.emulator.server.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Graph's JSON for the message, mailFolder and fileAttachment resources, as Exchange Online serves
 * them: property names and order, ids in the REST format ({@link RestIds}), {@code @odata.etag} =
 * {@code W/"changeKey"}, dates in UTC with seconds and {@code Z}, bodies as HTML unless the client
 * prefers text.
 */
final class MessageJson {
    /** The message properties Graph returns when there is no $select, in Graph's order. */
    static final List<String> MESSAGE_PROPERTIES = List.of(
            "createdDateTime",
            "lastModifiedDateTime",
            "changeKey",
            "categories",
            "receivedDateTime",
            "sentDateTime",
            "hasAttachments",
            "internetMessageId",
            "subject",
            "bodyPreview",
            "importance",
            "parentFolderId",
            "conversationId",
            "conversationIndex",
            "isDeliveryReceiptRequested",
            "isReadReceiptRequested",
            "isRead",
            "isDraft",
            "webLink",
            "inferenceClassification",
            "body",
            "sender",
            "from",
            "toRecipients",
            "ccRecipients",
            "bccRecipients",
            "replyTo",
            "flag");

    /** Properties $select and $orderby may name: the default ones and a few more. */
    static final Set<String> SELECTABLE = Set.copyOf(concat(MESSAGE_PROPERTIES, List.of("id", "uniqueBody")));

    private MessageJson() {}

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * One message. {@code select} null = the default properties; {@code textBody} when the client sent
     * {@code Prefer: outlook.body-content-type="text"}.
     */
    static ObjectNode message(MessageView m, List<String> select, boolean textBody, String webLinkBase) {
        ObjectNode o = Json.object();
        o.put("@odata.etag", etag(m));
        o.put("id", RestIds.toRest(m.id()));
        List<String> props = select == null ? MESSAGE_PROPERTIES : select;
        for (String p : MESSAGE_PROPERTIES) {
            if (props.contains(p)) {
                put(o, p, m, textBody, webLinkBase);
            }
        }
        if (select != null && select.contains("uniqueBody")) {
            o.set("uniqueBody", body(m, textBody));
        }
        return o;
    }

    static String etag(MessageView m) {
        return "W/\"" + m.changeKey() + "\"";
    }

    private static void put(ObjectNode o, String p, MessageView m, boolean textBody, String webLinkBase) {
        switch (p) {
            case "createdDateTime" -> o.put(p, date(m.created()));
            case "lastModifiedDateTime" -> o.put(p, date(m.lastModified()));
            case "changeKey" -> o.put(p, m.changeKey());
            case "categories" -> {
                ArrayNode a = o.putArray(p);
                m.categories().forEach(a::add);
            }
            case "receivedDateTime" -> o.put(p, date(m.received()));
            case "sentDateTime" -> o.put(p, date(m.sent() == null ? m.received() : m.sent()));
            case "hasAttachments" -> o.put(p, hasAttachments(m));
            case "internetMessageId" -> o.put(p, m.internetMessageId());
            case "subject" -> o.put(p, m.subject());
            case "bodyPreview" -> o.put(p, preview(m));
            case "importance" -> o.put(p, m.importance().toLowerCase(Locale.ROOT));
            case "parentFolderId" -> o.put(p, RestIds.toRest(m.folderId()));
            case "conversationId" -> o.put(p, conversationId(m));
            case "conversationIndex" -> o.put(p, conversationIndex(m));
            case "isDeliveryReceiptRequested" -> o.put(p, false);
            case "isReadReceiptRequested" -> o.put(p, false);
            case "isRead" -> o.put(p, m.read());
            case "isDraft" -> o.put(p, m.draft());
            // OWA's ItemID is the EWS id, as in Exchange Online's webLink.
            case "webLink" ->
                o.put(
                        p,
                        webLinkBase + "?ItemID="
                                + java.net.URLEncoder.encode(m.id(), StandardCharsets.UTF_8)
                                + "&exvsurl=1&viewmodel=ReadMessageItem");
            case "inferenceClassification" -> o.put(p, "focused");
            case "body" -> o.set(p, body(m, textBody));
            case "sender" -> recipient(o, p, m.sender().isEmpty() ? m.from() : m.sender());
            case "from" -> recipient(o, p, m.from());
            case "toRecipients" -> o.set(p, recipients(m.to()));
            case "ccRecipients" -> o.set(p, recipients(m.cc()));
            case "bccRecipients" -> o.set(p, recipients(m.bcc()));
            case "replyTo" -> o.set(p, recipients(m.replyTo()));
            case "flag" -> o.putObject(p).put("flagStatus", "notFlagged");
            default -> {}
        }
    }

    static boolean hasAttachments(MessageView m) {
        for (AttachmentView a : m.attachments()) {
            if (!a.inline()) {
                return true;
            }
        }
        return false;
    }

    /** UTC, whole seconds, with Z: 2026-12-04T21:20:13Z. */
    static String date(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static ObjectNode body(MessageView m, boolean text) {
        ObjectNode b = Json.object();
        if (text) {
            b.put("contentType", "text");
            b.put("content", m.textBody() != null ? m.textBody() : stripTags(m.htmlBody()));
        } else {
            b.put("contentType", "html");
            b.put(
                    "content",
                    m.htmlBody() != null
                            ? m.htmlBody()
                            : "<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
                                    + "</head><body><div>" + escape(m.textBody() == null ? "" : m.textBody())
                                    + "</div></body></html>");
        }
        return b;
    }

    private static String preview(MessageView m) {
        String text = m.textBody() != null ? m.textBody() : stripTags(m.htmlBody());
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > 255 ? flat.substring(0, 255) : flat;
    }

    private static String stripTags(String html) {
        return html == null
                ? ""
                : html.replaceAll("(?is)<(script|style|head)[^>]*>.*?</\\1>", "")
                        .replaceAll("<[^>]+>", " ")
                        .replace("&nbsp;", " ")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\r\n", "<br>")
                .replace("\n", "<br>");
    }

    private static void recipient(ObjectNode o, String p, List<Address> list) {
        if (list.isEmpty()) {
            return;
        }
        o.set(p, emailAddress(list.get(0)));
    }

    private static ArrayNode recipients(List<Address> list) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Address ad : list) {
            a.add(emailAddress(ad));
        }
        return a;
    }

    private static ObjectNode emailAddress(Address a) {
        ObjectNode r = Json.object();
        ObjectNode e = r.putObject("emailAddress");
        e.put("name", a.name() == null ? a.address() : a.name());
        e.put("address", a.address());
        return r;
    }

    /**
     * Exchange's conversation id: the same for every message of a thread. The emulator derives it
     * from the thread's first Message-ID (References, else In-Reply-To, else the message's own).
     */
    static String conversationId(MessageView m) {
        return RestIds.toRest("AAQk"
                + Base64.getEncoder().encodeToString(digest(threadRoot(m))).substring(0, 40));
    }

    private static String conversationIndex(MessageView m) {
        byte[] idx = new byte[22];
        idx[0] = 1;
        System.arraycopy(digest(threadRoot(m)), 0, idx, 6, 16);
        return Base64.getEncoder().encodeToString(idx);
    }

    private static String threadRoot(MessageView m) {
        if (m.references() != null && !m.references().isBlank()) {
            return m.references().trim().split("\\s+")[0];
        }
        if (m.inReplyTo() != null && !m.inReplyTo().isBlank()) {
            return m.inReplyTo().trim();
        }
        return m.internetMessageId() == null ? m.id() : m.internetMessageId();
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A mailFolder. */
    static ObjectNode folder(FolderView f) {
        ObjectNode o = Json.object();
        o.put("id", RestIds.toRest(f.id()));
        o.put("displayName", f.displayName());
        o.put("parentFolderId", RestIds.toRest(f.parentId()));
        o.put("childFolderCount", f.childCount());
        o.put("unreadItemCount", f.unreadCount());
        o.put("totalItemCount", f.totalCount());
        o.put("sizeInBytes", f.sizeInBytes());
        o.put("isHidden", false);
        return o;
    }

    /** A fileAttachment; {@code content} adds contentBytes (the list leaves it out only with $select). */
    static ObjectNode attachment(AttachmentView a, Instant modified, boolean content) {
        ObjectNode o = Json.object();
        o.put("@odata.type", "#microsoft.graph.fileAttachment");
        o.put("@odata.mediaContentType", a.contentType());
        o.put("id", RestIds.toRest(a.id()));
        o.put("lastModifiedDateTime", date(modified));
        o.put("name", a.name());
        o.put("contentType", a.contentType());
        o.put("size", a.content().length);
        o.put("isInline", a.inline());
        o.put("contentId", a.contentId());
        o.putNull("contentLocation");
        if (content) {
            o.put("contentBytes", Base64.getEncoder().encodeToString(a.content()));
        }
        return o;
    }

    /** A removed entry of a delta page; {@code id} in the REST format. */
    static ObjectNode removed(String id) {
        ObjectNode o = Json.object();
        o.put("@odata.type", "#microsoft.graph.message");
        o.put("id", id);
        o.putObject("@removed").put("reason", "deleted");
        return o;
    }
}
