package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.Attachment;
import dev.mailbridge.emulator.exchange.MailStore.Folder;
import dev.mailbridge.emulator.exchange.MailStore.Ids;
import dev.mailbridge.emulator.exchange.MailStore.Item;
import dev.mailbridge.emulator.exchange.Xml.El;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How folders and items look on the wire: response shapes (IdOnly, Default, AllProperties, additional
 * properties) and their XML, elements in the order Microsoft's schema requires.
 */
final class ItemXml {
    private ItemXml() {}

    static final List<String> ITEM_ORDER = List.of(
            "MimeContent",
            "ItemId",
            "ParentFolderId",
            "ItemClass",
            "Subject",
            "Sensitivity",
            "Body",
            "Attachments",
            "DateTimeReceived",
            "Size",
            "Categories",
            "Importance",
            "InReplyTo",
            "IsSubmitted",
            "IsDraft",
            "IsFromMe",
            "IsResend",
            "IsUnmodified",
            "InternetMessageHeaders",
            "DateTimeSent",
            "DateTimeCreated",
            "DisplayCc",
            "DisplayTo",
            "HasAttachments",
            "LastModifiedTime",
            "Sender",
            "ToRecipients",
            "CcRecipients",
            "BccRecipients",
            "IsReadReceiptRequested",
            "IsDeliveryReceiptRequested",
            "ConversationTopic",
            "From",
            "InternetMessageId",
            "IsRead",
            "References",
            "ReplyTo");
    static final Set<String> ITEM_DEFAULT = Set.of(
            "ItemId",
            "ParentFolderId",
            "ItemClass",
            "Subject",
            "Sensitivity",
            "Body",
            "Attachments",
            "DateTimeReceived",
            "Size",
            "Categories",
            "Importance",
            "IsSubmitted",
            "IsDraft",
            "IsFromMe",
            "IsResend",
            "IsUnmodified",
            "DateTimeSent",
            "DateTimeCreated",
            "DisplayCc",
            "DisplayTo",
            "HasAttachments",
            "LastModifiedTime",
            "Sender",
            "ToRecipients",
            "CcRecipients",
            "IsReadReceiptRequested",
            "IsDeliveryReceiptRequested",
            "ConversationTopic",
            "From",
            "InternetMessageId",
            "IsRead");
    static final Set<String> ITEM_ALL_EXTRA = Set.of("InReplyTo", "BccRecipients", "References", "ReplyTo");
    static final Set<String> NOT_IN_FIND = Set.of(
            "MimeContent",
            "Body",
            "Attachments",
            "ToRecipients",
            "CcRecipients",
            "BccRecipients",
            "InternetMessageHeaders",
            "ReplyTo",
            "References");
    static final List<String> FOLDER_ORDER = List.of(
            "FolderId",
            "ParentFolderId",
            "FolderClass",
            "DisplayName",
            "TotalCount",
            "ChildFolderCount",
            "UnreadCount");

    record Shape(Set<String> props, String bodyType) {
        static Shape item(El shape, boolean find) {
            String base = shape == null ? "Default" : String.valueOf(shape.childText("BaseShape"));
            Set<String> p = new LinkedHashSet<>();
            p.add("ItemId");
            if (base.equals("Default") || base.equals("AllProperties")) {
                p.addAll(ITEM_DEFAULT);
            }
            if (base.equals("AllProperties")) {
                p.addAll(ITEM_ALL_EXTRA);
            }
            if (find) {
                p.removeAll(NOT_IN_FIND);
            }
            if (shape != null && "true".equals(shape.childText("IncludeMimeContent"))) {
                p.add("MimeContent");
            }
            El add = shape == null ? null : shape.child("AdditionalProperties");
            if (add != null) {
                for (El f : add.children) {
                    String uri = f.attr("FieldURI");
                    if (uri != null && uri.contains(":")) {
                        p.add(uri.substring(uri.indexOf(':') + 1));
                    }
                }
            }
            String bt = shape == null ? null : shape.childText("BodyType");
            return new Shape(p, bt == null ? "Best" : bt);
        }

        static Shape folder(El shape) {
            String base = shape == null ? "Default" : String.valueOf(shape.childText("BaseShape"));
            Set<String> p = new LinkedHashSet<>();
            p.add("FolderId");
            if (!base.equals("IdOnly")) {
                p.addAll(List.of("DisplayName", "TotalCount", "ChildFolderCount", "UnreadCount"));
            }
            if (base.equals("AllProperties")) {
                p.addAll(List.of("ParentFolderId", "FolderClass"));
            }
            El add = shape == null ? null : shape.child("AdditionalProperties");
            if (add != null) {
                for (El f : add.children) {
                    String uri = f.attr("FieldURI");
                    if (uri != null && uri.contains(":")) {
                        p.add(uri.substring(uri.indexOf(':') + 1));
                    }
                }
            }
            return new Shape(p, "Best");
        }
    }

    // ----- XML for folders and items -----

    static String date(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.SECONDS));
    }

    static String folderXml(Folder f, Shape s) {
        String el = f.elementName();
        StringBuilder b = new StringBuilder("<t:").append(el).append('>');
        for (String p : FOLDER_ORDER) {
            if (!s.props().contains(p)) {
                continue;
            }
            switch (p) {
                case "FolderId" ->
                    b.append("<t:FolderId Id=\"")
                            .append(f.id())
                            .append("\" ChangeKey=\"")
                            .append(f.changeKey())
                            .append("\"/>");
                case "ParentFolderId" -> {
                    if (f.parent != null) {
                        b.append("<t:ParentFolderId Id=\"")
                                .append(f.parent.id())
                                .append("\" ChangeKey=\"")
                                .append(f.parent.changeKey())
                                .append("\"/>");
                    }
                }
                case "FolderClass" -> {
                    if (!f.folderClass.isEmpty()) {
                        b.append("<t:FolderClass>")
                                .append(Xml.esc(f.folderClass))
                                .append("</t:FolderClass>");
                    }
                }
                case "DisplayName" ->
                    b.append("<t:DisplayName>").append(Xml.esc(f.displayName)).append("</t:DisplayName>");
                case "TotalCount" ->
                    b.append("<t:TotalCount>").append(f.items.size()).append("</t:TotalCount>");
                case "ChildFolderCount" ->
                    b.append("<t:ChildFolderCount>").append(f.childCount()).append("</t:ChildFolderCount>");
                case "UnreadCount" -> {
                    if (el.equals("Folder") || el.equals("TasksFolder")) {
                        b.append("<t:UnreadCount>").append(f.unread()).append("</t:UnreadCount>");
                    }
                }
                default -> {}
            }
        }
        return b.append("</t:").append(el).append('>').toString();
    }

    private static void mailboxXml(StringBuilder b, InternetAddress a) {
        b.append("<t:Mailbox>");
        if (a.getPersonal() != null) {
            b.append("<t:Name>").append(Xml.esc(a.getPersonal())).append("</t:Name>");
        } else {
            b.append("<t:Name>").append(Xml.esc(a.getAddress())).append("</t:Name>");
        }
        b.append("<t:EmailAddress>")
                .append(Xml.esc(a.getAddress()))
                .append(
                        "</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>");
    }

    private static void addresses(StringBuilder b, String el, List<InternetAddress> list, boolean single) {
        if (list.isEmpty()) {
            return;
        }
        b.append("<t:").append(el).append('>');
        for (InternetAddress a : single ? list.subList(0, 1) : list) {
            mailboxXml(b, a);
        }
        b.append("</t:").append(el).append('>');
    }

    private static String display(List<InternetAddress> list) {
        List<String> names = new ArrayList<>();
        for (InternetAddress a : list) {
            names.add(a.getPersonal() != null ? a.getPersonal() : a.getAddress());
        }
        return String.join("; ", names);
    }

    static String itemXml(Item i, Shape s) {
        StringBuilder b = new StringBuilder(256);
        itemXml(b, null, i, s);
        return b.toString();
    }

    /** Appends the item to {@code out}'s text, its MimeContent as the stored base64 bytes. */
    static void itemXml(ReplyBody out, Item i, Shape s) {
        itemXml(out.text(), out, i, s);
    }

    /** Appends the item to {@code b}, which is {@code mimeOut}'s text when {@code mimeOut} is given. */
    private static void itemXml(StringBuilder b, ReplyBody mimeOut, Item i, Shape s) {
        b.append("<t:Message>");
        for (String p : ITEM_ORDER) {
            if (!s.props().contains(p)) {
                continue;
            }
            switch (p) {
                case "MimeContent" -> {
                    b.append("<t:MimeContent CharacterSet=\"UTF-8\">");
                    if (mimeOut != null) {
                        mimeOut.mime(i.mimeContent());
                    } else {
                        b.append(new String(i.mimeContent().base64(), StandardCharsets.ISO_8859_1));
                    }
                    b.append("</t:MimeContent>");
                }
                case "ItemId" ->
                    b.append("<t:ItemId Id=\"")
                            .append(i.id())
                            .append("\" ChangeKey=\"")
                            .append(i.changeKey())
                            .append("\"/>");
                case "ParentFolderId" ->
                    b.append("<t:ParentFolderId Id=\"")
                            .append(i.folder.id())
                            .append("\" ChangeKey=\"")
                            .append(i.folder.changeKey())
                            .append("\"/>");
                case "ItemClass" ->
                    b.append("<t:ItemClass>").append(Xml.esc(i.itemClass)).append("</t:ItemClass>");
                case "Subject" ->
                    b.append("<t:Subject>")
                            .append(Xml.esc(i.subject == null ? "" : i.subject))
                            .append("</t:Subject>");
                case "Sensitivity" -> b.append("<t:Sensitivity>Normal</t:Sensitivity>");
                case "Body" -> body(b, i, s.bodyType());
                case "Attachments" -> {
                    if (!i.attachments.isEmpty()) {
                        b.append("<t:Attachments>");
                        for (Attachment a : i.attachments) {
                            attachmentXml(b, i, a, false);
                        }
                        b.append("</t:Attachments>");
                    }
                }
                case "DateTimeReceived" ->
                    b.append("<t:DateTimeReceived>").append(date(i.received)).append("</t:DateTimeReceived>");
                case "Size" -> b.append("<t:Size>").append(i.size()).append("</t:Size>");
                case "Categories" -> {
                    if (!i.categories.isEmpty()) {
                        b.append("<t:Categories>");
                        for (String c : i.categories) {
                            b.append("<t:String>").append(Xml.esc(c)).append("</t:String>");
                        }
                        b.append("</t:Categories>");
                    }
                }
                case "Importance" ->
                    b.append("<t:Importance>").append(i.importance).append("</t:Importance>");
                case "InReplyTo" -> {
                    if (i.inReplyTo != null) {
                        b.append("<t:InReplyTo>").append(Xml.esc(i.inReplyTo)).append("</t:InReplyTo>");
                    }
                }
                case "IsSubmitted" -> b.append("<t:IsSubmitted>false</t:IsSubmitted>");
                case "IsDraft" -> b.append("<t:IsDraft>").append(i.draft).append("</t:IsDraft>");
                case "IsFromMe" -> b.append("<t:IsFromMe>").append(i.fromMe).append("</t:IsFromMe>");
                case "IsResend" -> b.append("<t:IsResend>false</t:IsResend>");
                case "IsUnmodified" ->
                    b.append("<t:IsUnmodified>").append(i.version == 1).append("</t:IsUnmodified>");
                case "InternetMessageHeaders" -> {
                    b.append("<t:InternetMessageHeaders>");
                    for (String[] h : i.headers) {
                        b.append("<t:InternetMessageHeader HeaderName=\"")
                                .append(Xml.esc(h[0]))
                                .append("\">")
                                .append(Xml.esc(h[1]))
                                .append("</t:InternetMessageHeader>");
                    }
                    b.append("</t:InternetMessageHeaders>");
                }
                case "DateTimeSent" ->
                    b.append("<t:DateTimeSent>")
                            .append(date(i.sent == null ? i.created : i.sent))
                            .append("</t:DateTimeSent>");
                case "DateTimeCreated" ->
                    b.append("<t:DateTimeCreated>").append(date(i.created)).append("</t:DateTimeCreated>");
                case "DisplayCc" ->
                    b.append("<t:DisplayCc>").append(Xml.esc(display(i.cc))).append("</t:DisplayCc>");
                case "DisplayTo" ->
                    b.append("<t:DisplayTo>").append(Xml.esc(display(i.to))).append("</t:DisplayTo>");
                case "HasAttachments" ->
                    b.append("<t:HasAttachments>")
                            .append(i.attachments.stream().anyMatch(a -> !a.inline()))
                            .append("</t:HasAttachments>");
                case "LastModifiedTime" ->
                    b.append("<t:LastModifiedTime>")
                            .append(date(i.lastModified))
                            .append("</t:LastModifiedTime>");
                case "Sender" -> addresses(b, "Sender", i.sender.isEmpty() ? i.from : i.sender, true);
                case "ToRecipients" -> addresses(b, "ToRecipients", i.to, false);
                case "CcRecipients" -> addresses(b, "CcRecipients", i.cc, false);
                case "BccRecipients" -> addresses(b, "BccRecipients", i.bcc, false);
                case "IsReadReceiptRequested" -> b.append("<t:IsReadReceiptRequested>false</t:IsReadReceiptRequested>");
                case "IsDeliveryReceiptRequested" ->
                    b.append("<t:IsDeliveryReceiptRequested>false</t:IsDeliveryReceiptRequested>");
                case "ConversationTopic" ->
                    b.append("<t:ConversationTopic>")
                            .append(Xml.esc(topic(i.subject)))
                            .append("</t:ConversationTopic>");
                case "From" -> addresses(b, "From", i.from, true);
                case "InternetMessageId" -> {
                    if (i.messageId != null) {
                        b.append("<t:InternetMessageId>")
                                .append(Xml.esc(i.messageId))
                                .append("</t:InternetMessageId>");
                    }
                }
                case "IsRead" -> b.append("<t:IsRead>").append(i.read).append("</t:IsRead>");
                case "References" -> {
                    if (i.references != null) {
                        b.append("<t:References>").append(Xml.esc(i.references)).append("</t:References>");
                    }
                }
                case "ReplyTo" -> addresses(b, "ReplyTo", i.replyTo, false);
                default -> {}
            }
        }
        b.append("</t:Message>");
    }

    private static String topic(String subject) {
        if (subject == null) {
            return "";
        }
        return subject.replaceFirst("^(?i)((re|fw|fwd|aw|wg):\\s*)+", "");
    }

    private static void body(StringBuilder b, Item i, String type) {
        boolean html = switch (type) {
            case "HTML" -> true;
            case "Text" -> false;
            default -> i.htmlBody != null;
        };
        String content;
        if (html) {
            content = i.htmlBody != null
                    ? i.htmlBody
                    : "<html><body><pre>" + Xml.esc(i.textBody == null ? "" : i.textBody) + "</pre></body></html>";
        } else {
            content = i.textBody != null
                    ? i.textBody
                    : (i.htmlBody == null
                            ? ""
                            : i.htmlBody.replaceAll("(?s)<[^>]*>", "").trim());
        }
        b.append("<t:Body BodyType=\"")
                .append(html ? "HTML" : "Text")
                .append("\">")
                .append(Xml.esc(content))
                .append("</t:Body>");
    }

    static void attachmentXml(StringBuilder b, Item i, Attachment a, boolean content) {
        b.append("<t:FileAttachment><t:AttachmentId Id=\"")
                .append(Ids.attachmentId(i.mailbox.key, i.key, a.id()))
                .append("\"/><t:Name>")
                .append(Xml.esc(a.name()))
                .append("</t:Name><t:ContentType>")
                .append(Xml.esc(a.contentType()))
                .append("</t:ContentType>");
        if (a.contentId() != null) {
            b.append("<t:ContentId>").append(Xml.esc(a.contentId())).append("</t:ContentId>");
        }
        b.append("<t:Size>")
                .append(a.content().length)
                .append("</t:Size><t:LastModifiedTime>")
                .append(date(i.created).replace("Z", ""))
                .append("</t:LastModifiedTime><t:IsInline>")
                .append(a.inline())
                .append("</t:IsInline><t:IsContactPhoto>false</t:IsContactPhoto>");
        if (content) {
            b.append("<t:Content>")
                    .append(Base64.getEncoder().encodeToString(a.content()))
                    .append("</t:Content>");
        }
        b.append("</t:FileAttachment>");
    }
}
