package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.Attachment;
import dev.mailbridge.emulator.exchange.MailStore.Folder;
import dev.mailbridge.emulator.exchange.MailStore.Ids;
import dev.mailbridge.emulator.exchange.MailStore.Item;
import dev.mailbridge.emulator.exchange.MailStore.Mailbox;
import dev.mailbridge.emulator.exchange.MailStore.Tombstone;
import dev.mailbridge.emulator.exchange.Xml.El;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The EWS operations over the mail store. Every method runs under the store's lock. */
final class EwsOperations {
    static final int FIND_PAGE_LIMIT = 1000;
    static final int MAX_SYNC_CHANGES = 512;

    /** Who the request acts for: the caller and the mailbox it acts as (own or impersonated). */
    record Ctx(EwsAuth.Caller caller, Mailbox mailbox) {}

    private final MailStore store;
    private final Subscriptions subscriptions;
    private final byte[] stateKey = new byte[32];

    EwsOperations(MailStore store, Subscriptions subscriptions) {
        this.store = store;
        this.subscriptions = subscriptions;
        new SecureRandom().nextBytes(stateKey);
    }

    static final Set<String> OPERATIONS = Set.of(
            "GetFolder",
            "FindFolder",
            "CreateFolder",
            "SyncFolderHierarchy",
            "FindItem",
            "GetItem",
            "SyncFolderItems",
            "CreateItem",
            "SendItem",
            "UpdateItem",
            "MoveItem",
            "CopyItem",
            "DeleteItem",
            "GetAttachment",
            "ResolveNames",
            "Subscribe",
            "GetEvents",
            "GetStreamingEvents",
            "Unsubscribe");

    /** Runs one operation; returns the Body's child element. */
    String run(Ctx ctx, El op) throws SoapFault {
        return switch (op.name) {
            case "GetFolder" ->
                perEach(op, "GetFolder", op.child("FolderIds"), "<m:Folders/>", id -> {
                    Shape s = Shape.folder(op.child("FolderShape"));
                    return "<m:Folders>" + folderXml(resolveFolder(ctx, id), s) + "</m:Folders>";
                });
            case "FindFolder" -> findFolder(ctx, op);
            case "CreateFolder" -> createFolder(ctx, op);
            case "SyncFolderHierarchy" -> syncHierarchy(ctx, op);
            case "FindItem" -> findItem(ctx, op);
            case "GetItem" ->
                perEach(op, "GetItem", op.child("ItemIds"), "<m:Items/>", id -> {
                    Shape s = Shape.item(op.child("ItemShape"), false);
                    return "<m:Items>" + itemXml(resolveItem(ctx, id), s) + "</m:Items>";
                });
            case "SyncFolderItems" -> syncItems(ctx, op);
            case "CreateItem" -> createItem(ctx, op);
            case "SendItem" -> sendItem(ctx, op);
            case "UpdateItem" -> updateItem(ctx, op);
            case "MoveItem", "CopyItem" -> moveCopy(ctx, op, op.name.equals("MoveItem"));
            case "DeleteItem" -> deleteItem(ctx, op);
            case "GetAttachment" -> getAttachment(ctx, op);
            case "ResolveNames" -> resolveNames(ctx, op);
            case "Subscribe" -> subscriptions.subscribe(this, ctx, op);
            case "GetEvents" -> subscriptions.getEvents(ctx, op);
            case "Unsubscribe" -> subscriptions.unsubscribe(ctx, op);
            default ->
                throw SoapFault.schema(
                        "The element '" + op.name + "' in namespace '" + op.ns + "' is not a supported EWS operation.",
                        op);
        };
    }

    // ----- response plumbing -----

    interface Body {
        String apply(El e);
    }

    private static String perEach(El op, String name, El list, String onError, Body body) throws SoapFault {
        if (list == null || list.children.isEmpty()) {
            throw SoapFault.schema("The element '" + name + "' has incomplete content.", op);
        }
        List<String> msgs = new ArrayList<>();
        for (El e : list.children) {
            msgs.add(message(name, () -> body.apply(e), onError));
        }
        return wrap(name, msgs);
    }

    interface Producer {
        String get();
    }

    static String message(String name, Producer p, String onError) {
        try {
            return success(name, p.get());
        } catch (EwsError e) {
            return error(name, "Error", e, onError);
        }
    }

    static String success(String name, String inner) {
        return "<m:" + name + "ResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                + inner + "</m:" + name + "ResponseMessage>";
    }

    static String error(String name, String cls, EwsError e, String trailing) {
        return "<m:" + name + "ResponseMessage ResponseClass=\"" + cls + "\"><m:MessageText>" + Xml.esc(e.getMessage())
                + "</m:MessageText><m:ResponseCode>" + e.code
                + "</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
                + (e.messageXml == null ? "" : "<m:MessageXml>" + e.messageXml + "</m:MessageXml>")
                + (trailing == null ? "" : trailing) + "</m:" + name + "ResponseMessage>";
    }

    static String wrap(String name, List<String> msgs) {
        return "<m:" + name + "Response xmlns:m=\"" + Xml.M + "\" xmlns:t=\"" + Xml.T + "\"><m:ResponseMessages>"
                + String.join("", msgs) + "</m:ResponseMessages></m:" + name + "Response>";
    }

    // ----- ids and access -----

    private Mailbox access(Ctx ctx, String smtp) {
        Mailbox mb = store.mailbox(smtp);
        if (mb == null) {
            throw new EwsError("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.");
        }
        if (mb == ctx.mailbox()) {
            return mb;
        }
        if (ctx.caller().appOnly() && ctx.caller().tenant().id().equals(mb.tenantId)) {
            return mb;
        }
        throw new EwsError("ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    }

    Folder resolveFolder(Ctx ctx, El id) {
        if (id.name.equals("DistinguishedFolderId")) {
            Mailbox mb = ctx.mailbox();
            El m = id.child("Mailbox");
            if (m != null && m.childText("EmailAddress") != null) {
                mb = access(ctx, m.childText("EmailAddress"));
            }
            Folder f = mb.folder(String.valueOf(id.attr("Id")));
            if (f == null) {
                throw EwsError.folderNotFound();
            }
            return f;
        }
        if (!id.name.equals("FolderId")) {
            throw EwsError.malformed();
        }
        String[] d = Ids.decode(id.attr("Id"));
        if (d == null || !d[0].equals("F")) {
            throw EwsError.malformed();
        }
        Mailbox mb = access(ctx, d[1]);
        Folder f = mb.folders.get(d[2]);
        if (f == null) {
            throw EwsError.folderNotFound();
        }
        return f;
    }

    Item resolveItem(Ctx ctx, El id) {
        if (!id.name.equals("ItemId")) {
            throw new EwsError("ErrorInvalidIdMalformed", "Id is malformed.");
        }
        String[] d = Ids.decode(id.attr("Id"));
        if (d == null || !d[0].equals("I")) {
            throw EwsError.malformed();
        }
        String ck = id.attr("ChangeKey");
        if (ck != null && !Ids.wellFormedChangeKey(ck)) {
            throw new EwsError("ErrorInvalidChangeKey", "The change key is invalid.");
        }
        Mailbox mb = access(ctx, d[1]);
        Item item = mb.items.get(d[2]);
        if (item == null) {
            throw EwsError.itemNotFound();
        }
        return item;
    }

    private static El single(El parent, String op) throws SoapFault {
        if (parent == null || parent.children.isEmpty()) {
            throw SoapFault.schema("The element '" + op + "' has incomplete content.", parent);
        }
        return parent.first();
    }

    // ----- shapes -----

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

    String folderXml(Folder f, Shape s) {
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

    String itemXml(Item i, Shape s) {
        StringBuilder b = new StringBuilder("<t:Message>");
        for (String p : ITEM_ORDER) {
            if (!s.props().contains(p)) {
                continue;
            }
            switch (p) {
                case "MimeContent" ->
                    b.append("<t:MimeContent CharacterSet=\"UTF-8\">")
                            .append(Base64.getEncoder().encodeToString(i.mime))
                            .append("</t:MimeContent>");
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
        return b.append("</t:Message>").toString();
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

    private static void attachmentXml(StringBuilder b, Item i, Attachment a, boolean content) {
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

    // ----- restrictions (a useful subset) -----

    private static boolean matches(El restriction, Function<String, String> field) {
        if (restriction == null) {
            return true;
        }
        El e = restriction.name.equals("Restriction") ? restriction.first() : restriction;
        if (e == null) {
            return true;
        }
        switch (e.name) {
            case "And":
                return e.children.stream().allMatch(c -> matches(c, field));
            case "Or":
                return e.children.stream().anyMatch(c -> matches(c, field));
            case "Not":
                return !matches(e.first(), field);
            case "Exists": {
                return field.apply(fieldName(e)) != null;
            }
            case "IsEqualTo",
                    "IsNotEqualTo",
                    "IsGreaterThan",
                    "IsGreaterThanOrEqualTo",
                    "IsLessThan",
                    "IsLessThanOrEqualTo",
                    "Contains": {
                String actual = field.apply(fieldName(e));
                El c = e.child("FieldURIOrConstant");
                El constant = c != null ? c.child("Constant") : e.child("Constant");
                String want = constant == null ? null : constant.attr("Value");
                if (actual == null || want == null) {
                    return e.name.equals("IsNotEqualTo");
                }
                if (e.name.equals("Contains")) {
                    boolean ic = String.valueOf(e.attr("ContainmentComparison")).startsWith("IgnoreCase");
                    String mode = String.valueOf(e.attr("ContainmentMode"));
                    String a = ic ? actual.toLowerCase(Locale.ROOT) : actual;
                    String w = ic ? want.toLowerCase(Locale.ROOT) : want;
                    return switch (mode) {
                        case "FullString" -> a.equals(w);
                        case "Prefixed" -> a.startsWith(w);
                        default -> a.contains(w);
                    };
                }
                int cmp = actual.compareToIgnoreCase(want);
                return switch (e.name) {
                    case "IsEqualTo" -> cmp == 0;
                    case "IsNotEqualTo" -> cmp != 0;
                    case "IsGreaterThan" -> cmp > 0;
                    case "IsGreaterThanOrEqualTo" -> cmp >= 0;
                    case "IsLessThan" -> cmp < 0;
                    default -> cmp <= 0;
                };
            }
            default:
                throw new EwsError(
                        "ErrorUnsupportedQueryFilter",
                        "The restriction " + e.name + " is not supported by the emulator.");
        }
    }

    private static String fieldName(El e) {
        El f = e.child("FieldURI");
        String uri = f == null ? null : f.attr("FieldURI");
        return uri == null ? "" : uri.substring(uri.indexOf(':') + 1);
    }

    private static String itemField(Item i, String name) {
        return switch (name) {
            case "Subject" -> i.subject;
            case "IsRead" -> String.valueOf(i.read);
            case "ItemClass" -> i.itemClass;
            case "DateTimeReceived" -> date(i.received);
            case "DateTimeSent" -> i.sent == null ? null : date(i.sent);
            case "HasAttachments" -> String.valueOf(!i.attachments.isEmpty());
            case "Importance" -> i.importance;
            case "InternetMessageId" -> i.messageId;
            case "From" -> i.from.isEmpty() ? null : i.from.get(0).getAddress();
            case "Categories" -> i.categories.isEmpty() ? null : String.join(",", i.categories);
            default ->
                throw new EwsError(
                        "ErrorUnsupportedPathForQuery",
                        "The property " + name + " cannot be used in a restriction by the emulator.");
        };
    }

    // ----- folders -----

    private String findFolder(Ctx ctx, El op) throws SoapFault {
        Shape s = Shape.folder(op.child("FolderShape"));
        boolean deep = "Deep".equals(op.attr("Traversal"));
        El view = op.child("IndexedPageFolderView");
        El restriction = op.child("Restriction");
        return perEach(op, "FindFolder", op.child("ParentFolderIds"), null, id -> {
            Folder parent = resolveFolder(ctx, id);
            List<Folder> found = new ArrayList<>();
            collect(parent, deep, found);
            found.removeIf(f -> !matches(restriction, n -> switch (n) {
                case "DisplayName" -> f.displayName;
                case "FolderClass" -> f.folderClass;
                case "TotalCount" -> String.valueOf(f.items.size());
                case "UnreadCount" -> String.valueOf(f.unread());
                default ->
                    throw new EwsError(
                            "ErrorUnsupportedPathForQuery",
                            "The property " + n + " cannot be used in a restriction by the emulator.");
            }));
            return page(found, view, f -> folderXml(f, s), "Folders");
        });
    }

    private static void collect(Folder parent, boolean deep, List<Folder> out) {
        List<Folder> kids = new ArrayList<>();
        for (Folder f : parent.mailbox.folders.values()) {
            if (f.parent == parent) {
                kids.add(f);
            }
        }
        kids.sort((a, b) -> a.displayName.compareToIgnoreCase(b.displayName));
        for (Folder k : kids) {
            out.add(k);
            if (deep) {
                collect(k, true, out);
            }
        }
    }

    private static <X> String page(List<X> all, El view, Function<X, String> xml, String listName) {
        int total = all.size();
        int max = FIND_PAGE_LIMIT;
        int offset = 0;
        boolean fromEnd = false;
        if (view != null) {
            if (view.attr("MaxEntriesReturned") != null) {
                max = Math.min(
                        FIND_PAGE_LIMIT, Math.max(1, parseInt(view.attr("MaxEntriesReturned"), FIND_PAGE_LIMIT)));
            }
            offset = Math.max(0, parseInt(view.attr("Offset"), 0));
            fromEnd = "End".equals(view.attr("BasePoint"));
        }
        int start;
        int end;
        if (fromEnd) {
            end = Math.max(0, total - offset);
            start = Math.max(0, end - max);
        } else {
            start = Math.min(total, offset);
            end = Math.min(total, start + max);
        }
        StringBuilder b = new StringBuilder();
        int next = fromEnd ? total - start : end;
        boolean last = fromEnd ? start == 0 : end >= total;
        b.append("<m:RootFolder IndexedPagingOffset=\"")
                .append(next)
                .append("\" TotalItemsInView=\"")
                .append(total)
                .append("\" IncludesLastItemInRange=\"")
                .append(last)
                .append("\"><t:")
                .append(listName)
                .append('>');
        for (X x : all.subList(start, end)) {
            b.append(xml.apply(x));
        }
        return b.append("</t:").append(listName).append("></m:RootFolder>").toString();
    }

    private static int parseInt(String s, int dflt) {
        try {
            return s == null ? dflt : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private String createFolder(Ctx ctx, El op) throws SoapFault {
        El parentId = single(op.child("ParentFolderId"), "CreateFolder");
        El folders = op.child("Folders");
        if (folders == null || folders.children.isEmpty()) {
            throw SoapFault.schema("The element 'CreateFolder' has incomplete content.", op);
        }
        List<String> msgs = new ArrayList<>();
        for (El f : folders.children) {
            msgs.add(message(
                    "CreateFolder",
                    () -> {
                        Folder parent = resolveFolder(ctx, parentId);
                        String name = f.childText("DisplayName");
                        if (name == null || name.isBlank()) {
                            throw new EwsError("ErrorInvalidFolderName", "The folder name is invalid.");
                        }
                        for (Folder c : parent.mailbox.folders.values()) {
                            if (c.parent == parent && c.displayName.equalsIgnoreCase(name)) {
                                throw new EwsError(
                                        "ErrorFolderExists", "A folder with the specified name already exists.");
                            }
                        }
                        String cls = f.childText("FolderClass");
                        if (cls == null) {
                            cls = switch (f.name) {
                                case "CalendarFolder" -> "IPF.Appointment";
                                case "ContactsFolder" -> "IPF.Contact";
                                case "TasksFolder" -> "IPF.Task";
                                default -> "IPF.Note";
                            };
                        }
                        Folder created = store.createFolder(parent, name, cls);
                        parent.modSeq = parent.mailbox.next();
                        return "<m:Folders>" + folderXml(created, new Shape(Set.of("FolderId"), "Best"))
                                + "</m:Folders>";
                    },
                    "<m:Folders/>"));
        }
        return wrap("CreateFolder", msgs);
    }

    // ----- sync states -----

    String state(String kind, Folder f, long seq) {
        String payload = kind + "|" + f.mailbox.key + "|" + f.key + "|" + seq + "|" + store.epoch;
        return Base64.getEncoder().encodeToString((payload + "|" + mac(payload)).getBytes(StandardCharsets.UTF_8));
    }

    /** The sequence number a sync state stands for, or -1 when it is not valid for this folder. */
    long parseState(String kind, Folder f, String state) {
        try {
            String s = new String(Base64.getDecoder().decode(state.trim()), StandardCharsets.UTF_8);
            int bar = s.lastIndexOf('|');
            String payload = s.substring(0, bar);
            if (!MessageDigest.isEqual(
                    mac(payload).getBytes(StandardCharsets.UTF_8),
                    s.substring(bar + 1).getBytes(StandardCharsets.UTF_8))) {
                return -1;
            }
            String[] p = payload.split("\\|");
            if (p.length != 5
                    || !p[0].equals(kind)
                    || !p[1].equals(f.mailbox.key)
                    || !p[2].equals(f.key)
                    || Long.parseLong(p[4]) != store.epoch) {
                return -1;
            }
            long seq = Long.parseLong(p[3]);
            return seq < 0 || seq > f.mailbox.seq ? -1 : seq;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private String mac(String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(stateKey, "HmacSHA256"));
            byte[] d = m.doFinal(payload.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String syncHierarchy(Ctx ctx, El op) {
        Shape s = Shape.folder(op.child("FolderShape"));
        El syncFolder = op.child("SyncFolderId");
        String stateText = op.childText("SyncState");
        String trailing = "<m:SyncState/><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange>";
        return wrap(
                "SyncFolderHierarchy",
                List.of(message(
                        "SyncFolderHierarchy",
                        () -> {
                            Folder root = syncFolder == null || syncFolder.first() == null
                                    ? ctx.mailbox().folder("root")
                                    : resolveFolder(ctx, syncFolder.first());
                            long since = 0;
                            if (stateText != null && !stateText.isEmpty()) {
                                since = parseState("SFH", root, stateText);
                                if (since < 0) {
                                    throw new EwsError(
                                            "ErrorInvalidSyncStateData",
                                            "Synchronization state data is corrupted or otherwise invalid.");
                                }
                            }
                            List<Folder> all = new ArrayList<>();
                            collect(root, true, all);
                            StringBuilder changes = new StringBuilder();
                            for (Folder f : all) {
                                if (f.createdSeq > since) {
                                    changes.append("<t:Create>")
                                            .append(folderXml(f, s))
                                            .append("</t:Create>");
                                } else if (f.modSeq > since) {
                                    changes.append("<t:Update>")
                                            .append(folderXml(f, s))
                                            .append("</t:Update>");
                                }
                            }
                            return "<m:SyncState>" + state("SFH", root, root.mailbox.seq)
                                    + "</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange><m:Changes>"
                                    + changes + "</m:Changes>";
                        },
                        trailing)));
    }

    private record Change(long seq, String kind, Item item, Tombstone tomb) {}

    private String syncItems(Ctx ctx, El op) throws SoapFault {
        Shape s = Shape.item(op.child("ItemShape"), true);
        El syncFolder = op.child("SyncFolderId");
        if (syncFolder == null || syncFolder.first() == null) {
            throw SoapFault.schema(
                    "The element 'SyncFolderItems' has invalid child element. List of possible elements expected: 'SyncFolderId'.",
                    op);
        }
        El maxEl = op.child("MaxChangesReturned");
        if (maxEl == null) {
            throw SoapFault.schema(
                    "The element 'SyncFolderItems' has incomplete content. List of possible elements expected: 'MaxChangesReturned'.",
                    op);
        }
        int max;
        try {
            max = Integer.parseInt(maxEl.text());
        } catch (NumberFormatException e) {
            max = -1;
        }
        if (max < 1 || max > MAX_SYNC_CHANGES) {
            throw SoapFault.schema(
                    "The 'http://schemas.microsoft.com/exchange/services/2006/messages:MaxChangesReturned' element is invalid - The value '"
                            + maxEl.text()
                            + "' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:MaxSyncChangesReturnedType' - The value must be between 1 and 512, inclusive.",
                    maxEl);
        }
        Set<String> ignore = new HashSet<>();
        El ign = op.child("Ignore");
        if (ign != null) {
            for (El e : ign.children) {
                ignore.add(e.attr("Id"));
            }
        }
        String stateText = op.childText("SyncState");
        int limit = max;
        String trailing = "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>";
        return wrap(
                "SyncFolderItems",
                List.of(message(
                        "SyncFolderItems",
                        () -> {
                            Folder f;
                            try {
                                f = resolveFolder(ctx, syncFolder.first());
                            } catch (EwsError e) {
                                if (e.code.equals("ErrorFolderNotFound")) {
                                    throw new EwsError(
                                            "ErrorSyncFolderNotFound",
                                            "The specified folder could not be found in the store.");
                                }
                                throw e;
                            }
                            long since = 0;
                            if (stateText != null && !stateText.isEmpty()) {
                                since = parseState("SFI", f, stateText);
                                if (since < 0) {
                                    throw new EwsError(
                                            "ErrorInvalidSyncStateData",
                                            "Synchronization state data is corrupt or otherwise invalid.");
                                }
                            }
                            List<Change> changes = new ArrayList<>();
                            for (Item i : f.items.values()) {
                                if (ignore.contains(i.id())) {
                                    continue;
                                }
                                if (i.enteredSeq > since) {
                                    changes.add(new Change(i.enteredSeq, "Create", i, null));
                                } else if (i.contentSeq > since) {
                                    changes.add(new Change(i.contentSeq, "Update", i, null));
                                } else if (i.readSeq > since) {
                                    changes.add(new Change(i.readSeq, "ReadFlagChange", i, null));
                                }
                            }
                            for (Tombstone t : f.tombstones) {
                                if (t.seq() > since && t.enteredSeq() <= since) {
                                    changes.add(new Change(t.seq(), "Delete", null, t));
                                }
                            }
                            changes.sort((a, b) -> Long.compare(a.seq(), b.seq()));
                            boolean last = changes.size() <= limit;
                            List<Change> pageList = last ? changes : changes.subList(0, limit);
                            long newSeq = last
                                    ? f.mailbox.seq
                                    : pageList.get(pageList.size() - 1).seq();
                            StringBuilder b = new StringBuilder();
                            for (int k = pageList.size() - 1; k >= 0; k--) {
                                Change c = pageList.get(k);
                                switch (c.kind()) {
                                    case "Create", "Update" ->
                                        b.append("<t:")
                                                .append(c.kind())
                                                .append('>')
                                                .append(itemXml(c.item(), s))
                                                .append("</t:")
                                                .append(c.kind())
                                                .append('>');
                                    case "ReadFlagChange" ->
                                        b.append("<t:ReadFlagChange><t:ItemId Id=\"")
                                                .append(c.item().id())
                                                .append("\" ChangeKey=\"")
                                                .append(c.item().changeKey())
                                                .append("\"/><t:IsRead>")
                                                .append(c.item().read)
                                                .append("</t:IsRead></t:ReadFlagChange>");
                                    default ->
                                        b.append("<t:Delete><t:ItemId Id=\"")
                                                .append(c.tomb().itemId())
                                                .append("\"/></t:Delete>");
                                }
                            }
                            return "<m:SyncState>" + state("SFI", f, newSeq)
                                    + "</m:SyncState><m:IncludesLastItemInRange>" + last
                                    + "</m:IncludesLastItemInRange><m:Changes>" + b + "</m:Changes>";
                        },
                        trailing)));
    }

    // ----- items -----

    private String findItem(Ctx ctx, El op) throws SoapFault {
        Shape s = Shape.item(op.child("ItemShape"), true);
        El view = op.child("IndexedPageItemView");
        El restriction = op.child("Restriction");
        El sort = op.child("SortOrder");
        String traversal = op.attr("Traversal");
        if (op.child("QueryString") != null) {
            throw new SoapFault(
                    "ErrorUnsupportedQueryFilter",
                    "QueryString (AQS) searches are not supported by the emulator.",
                    null);
        }
        return perEach(op, "FindItem", op.child("ParentFolderIds"), null, id -> {
            Folder f = resolveFolder(ctx, id);
            List<Item> items = "Shallow".equals(traversal) || traversal == null
                    ? MailStore.sorted(f.items.values())
                    : new ArrayList<>();
            items.removeIf(i -> !matches(restriction, n -> itemField(i, n)));
            if (sort != null && sort.first() != null) {
                El order = sort.first();
                String field = fieldName(order);
                boolean desc = "Descending".equals(order.attr("Order"));
                items.sort((a, b) -> {
                    String x = itemField(a, field);
                    String y = itemField(b, field);
                    int c = String.valueOf(x).compareToIgnoreCase(String.valueOf(y));
                    return desc ? -c : c;
                });
            }
            return page(items, view, i -> itemXml(i, s), "Items");
        });
    }

    private byte[] buildMime(Ctx ctx, El msg) {
        El mimeEl = msg.child("MimeContent");
        if (mimeEl != null) {
            try {
                return Base64.getMimeDecoder().decode(mimeEl.text());
            } catch (IllegalArgumentException e) {
                throw new EwsError("ErrorMimeContentConversionFailed", "The MIME content could not be decoded.");
            }
        }
        try {
            MimeMessage m = new MimeMessage(MailStore.SESSION);
            String subject = msg.childText("Subject");
            if (subject != null) {
                m.setSubject(subject, "UTF-8");
            }
            setRecipients(m, Message.RecipientType.TO, msg.child("ToRecipients"));
            setRecipients(m, Message.RecipientType.CC, msg.child("CcRecipients"));
            setRecipients(m, Message.RecipientType.BCC, msg.child("BccRecipients"));
            El from = msg.child("From");
            if (from != null && from.child("Mailbox") != null) {
                m.setFrom(address(from.child("Mailbox")));
            }
            String imp = msg.childText("Importance");
            if (imp != null && !imp.equals("Normal")) {
                m.setHeader("Importance", imp.toLowerCase(Locale.ROOT));
            }
            El body = msg.child("Body");
            String text = body == null ? "" : body.text.toString();
            if (body != null && "HTML".equalsIgnoreCase(body.attr("BodyType"))) {
                m.setText(text, "UTF-8", "html");
            } else {
                m.setText(text, "UTF-8");
            }
            m.setSentDate(Date.from(store.now()));
            m.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (jakarta.mail.MessagingException | java.io.IOException e) {
            throw new EwsError("ErrorInvalidRequest", "The message could not be built: " + e.getMessage());
        }
    }

    private static InternetAddress address(El mailbox) throws jakarta.mail.internet.AddressException {
        String email = mailbox.childText("EmailAddress");
        if (email == null) {
            throw new EwsError("ErrorInvalidRecipients", "One or more recipients are invalid.");
        }
        InternetAddress a = new InternetAddress(email, true);
        String name = mailbox.childText("Name");
        if (name != null && !name.isEmpty()) {
            try {
                a.setPersonal(name, "UTF-8");
            } catch (java.io.UnsupportedEncodingException ignored) {
                // UTF-8 is always there
            }
        }
        return a;
    }

    private static void setRecipients(MimeMessage m, Message.RecipientType type, El list)
            throws jakarta.mail.MessagingException {
        if (list == null) {
            return;
        }
        List<InternetAddress> out = new ArrayList<>();
        for (El mb : list.all("Mailbox")) {
            out.add(address(mb));
        }
        if (!out.isEmpty()) {
            m.setRecipients(type, out.toArray(new InternetAddress[0]));
        }
    }

    /** Sets From (the sending mailbox) when the MIME has none. */
    private byte[] withSender(Ctx ctx, byte[] mime) {
        try {
            MimeMessage m = new MimeMessage(MailStore.SESSION, new java.io.ByteArrayInputStream(mime));
            if (m.getFrom() != null && m.getHeader("Date") != null) {
                return mime;
            }
            String originalId = m.getMessageID();
            if (m.getFrom() == null) {
                m.setFrom(new InternetAddress(ctx.mailbox().smtp, ctx.mailbox().displayName, "UTF-8"));
            }
            if (m.getHeader("Date") == null) {
                m.setSentDate(Date.from(store.now()));
            }
            m.saveChanges();
            if (originalId != null) {
                m.setHeader("Message-ID", originalId);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (Exception e) {
            return mime;
        }
    }

    /** Sends: a copy into every emulator mailbox among the recipients' inboxes. */
    private void send(Ctx ctx, Item sent) {
        for (String rcpt : MailStore.recipients(sent)) {
            Mailbox target = store.mailbox(rcpt);
            if (target == null) {
                continue;
            }
            Item copy = store.newItem(target, sent.mime);
            copy.read = false;
            store.deliverItem(target.folder("inbox"), copy);
        }
    }

    private String createItem(Ctx ctx, El op) throws SoapFault {
        String disposition = op.attr("MessageDisposition");
        El saved = op.child("SavedItemFolderId");
        El items = op.child("Items");
        if (items == null || items.children.isEmpty()) {
            throw SoapFault.schema(
                    "The element 'CreateItem' has incomplete content. List of possible elements expected: 'Items'.",
                    op);
        }
        List<String> msgs = new ArrayList<>();
        for (El msg : items.children) {
            msgs.add(message(
                    "CreateItem",
                    () -> {
                        if (!msg.name.equals("Message")) {
                            throw new EwsError(
                                    "ErrorInvalidItemForOperationCreateItem",
                                    "The emulator can only create Message items.");
                        }
                        if (disposition == null) {
                            throw new EwsError(
                                    "ErrorMessageDispositionRequired", "MessageDisposition attribute is required.");
                        }
                        boolean fromMime = msg.child("MimeContent") != null;
                        byte[] mime = buildMime(ctx, msg);
                        Folder target = saved == null || saved.first() == null
                                ? ctx.mailbox().folder(disposition.equals("SaveOnly") ? "drafts" : "sentitems")
                                : resolveFolder(ctx, saved.first());
                        if (disposition.equals("SaveOnly")) {
                            Item item = store.newItem(target.mailbox, mime);
                            item.draft = !fromMime;
                            item.read = !fromMime || "true".equals(msg.childText("IsRead"));
                            if ("false".equals(msg.childText("IsRead"))) {
                                item.read = false;
                            }
                            applyCategories(item, msg);
                            store.add(target, item);
                            return "<m:Items><t:Message><t:ItemId Id=\"" + item.id() + "\" ChangeKey=\""
                                    + item.changeKey() + "\"/></t:Message></m:Items>";
                        }
                        byte[] out = withSender(ctx, mime);
                        Item sent = store.newItem(ctx.mailbox(), out);
                        if (MailStore.recipients(sent).isEmpty()) {
                            throw new EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.");
                        }
                        send(ctx, sent);
                        if (disposition.equals("SendAndSaveCopy")) {
                            sent.read = true;
                            sent.fromMe = true;
                            applyCategories(sent, msg);
                            store.add(target, sent);
                        }
                        return "<m:Items/>";
                    },
                    "<m:Items/>"));
        }
        return wrap("CreateItem", msgs);
    }

    private static void applyCategories(Item item, El msg) {
        El cats = msg.child("Categories");
        if (cats != null) {
            item.categories.clear();
            for (El s : cats.all("String")) {
                item.categories.add(s.text());
            }
        }
    }

    private String sendItem(Ctx ctx, El op) throws SoapFault {
        boolean save = !"false".equals(op.attr("SaveItemToFolder"));
        El saved = op.child("SavedItemFolderId");
        return perEach(op, "SendItem", op.child("ItemIds"), null, id -> {
            Item draft = resolveItem(ctx, id);
            byte[] out = withSender(ctx, draft.mime);
            Item sent = store.newItem(draft.mailbox, out);
            if (MailStore.recipients(sent).isEmpty()) {
                throw new EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.");
            }
            send(ctx, sent);
            store.remove(draft);
            if (save) {
                Folder target = saved == null || saved.first() == null
                        ? draft.mailbox.folder("sentitems")
                        : resolveFolder(ctx, saved.first());
                sent.read = true;
                sent.fromMe = true;
                store.add(target, sent);
            }
            return "";
        });
    }

    private String updateItem(Ctx ctx, El op) throws SoapFault {
        String conflict = op.attr("ConflictResolution") == null ? "AutoResolve" : op.attr("ConflictResolution");
        El changes = op.child("ItemChanges");
        if (changes == null || changes.children.isEmpty()) {
            throw SoapFault.schema(
                    "The element 'UpdateItem' has incomplete content. List of possible elements expected: 'ItemChanges'.",
                    op);
        }
        List<String> msgs = new ArrayList<>();
        for (El change : changes.children) {
            msgs.add(message(
                    "UpdateItem",
                    () -> {
                        El idEl = change.child("ItemId");
                        if (idEl == null) {
                            throw EwsError.malformed();
                        }
                        Item item = resolveItem(ctx, idEl);
                        String ck = idEl.attr("ChangeKey");
                        if (ck != null && !ck.equals(item.changeKey()) && conflict.equals("NeverOverwrite")) {
                            throw new EwsError(
                                    "ErrorIrresolvableConflict",
                                    "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
                        }
                        El updates = change.child("Updates");
                        boolean readChanged = false;
                        boolean otherChanged = false;
                        for (El u : updates == null ? List.<El>of() : updates.children) {
                            String field = fieldName(u);
                            El value = u.child("Message") != null ? u.child("Message") : u.child("Item");
                            switch (field) {
                                case "IsRead" -> {
                                    boolean v = u.name.equals("DeleteItemField")
                                            ? false
                                            : "true".equals(value == null ? null : value.childText("IsRead"));
                                    readChanged |= v != item.read;
                                    item.read = v;
                                }
                                case "Categories" -> {
                                    if (u.name.equals("DeleteItemField")) {
                                        item.categories.clear();
                                    } else {
                                        List<String> vals = new ArrayList<>();
                                        El cats = value == null ? null : value.child("Categories");
                                        for (El s : cats == null ? List.<El>of() : cats.all("String")) {
                                            vals.add(s.text());
                                        }
                                        if (u.name.equals("SetItemField")) {
                                            item.categories.clear();
                                        }
                                        for (String v : vals) {
                                            if (!item.categories.contains(v)) {
                                                item.categories.add(v);
                                            }
                                        }
                                    }
                                    otherChanged = true;
                                }
                                case "Importance" -> {
                                    item.importance = u.name.equals("DeleteItemField") || value == null
                                            ? "Normal"
                                            : value.childText("Importance");
                                    otherChanged = true;
                                }
                                case "Subject" -> {
                                    String subject = u.name.equals("DeleteItemField") || value == null
                                            ? ""
                                            : value.childText("Subject");
                                    item.mime = replaceSubject(item.mime, subject);
                                    item.subject = subject;
                                    otherChanged = true;
                                }
                                default ->
                                    throw new EwsError(
                                            "ErrorInvalidPropertySet",
                                            "The emulator cannot update this property.",
                                            "<t:FieldURI FieldURI=\""
                                                    + Xml.esc(String.valueOf(
                                                            u.child("FieldURI") == null
                                                                    ? field
                                                                    : u.child("FieldURI")
                                                                            .attr("FieldURI")))
                                                    + "\"/>");
                            }
                        }
                        if (otherChanged) {
                            store.touch(item, false);
                        } else if (readChanged) {
                            store.touch(item, true);
                        } else {
                            item.version++;
                        }
                        return "<m:Items><t:Message><t:ItemId Id=\"" + item.id() + "\" ChangeKey=\"" + item.changeKey()
                                + "\"/></t:Message></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>";
                    },
                    "<m:Items/>"));
        }
        return wrap("UpdateItem", msgs);
    }

    static byte[] replaceSubject(byte[] mime, String subject) {
        String s = new String(mime, StandardCharsets.ISO_8859_1);
        int headerEnd = s.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            headerEnd = s.indexOf("\n\n");
        }
        String headers = headerEnd < 0 ? s : s.substring(0, headerEnd);
        String rest = headerEnd < 0 ? "" : s.substring(headerEnd);
        String encoded;
        try {
            encoded = MimeUtility.encodeText(subject, "UTF-8", null);
        } catch (java.io.UnsupportedEncodingException e) {
            encoded = subject;
        }
        String replaced = headers.replaceFirst(
                "(?im)^Subject:.*(\\r?\\n[ \\t].*)*", java.util.regex.Matcher.quoteReplacement("Subject: " + encoded));
        if (replaced.equals(headers) && !headers.matches("(?is).*^Subject:.*")) {
            replaced = "Subject: " + encoded + "\r\n" + headers;
        }
        return (replaced + rest).getBytes(StandardCharsets.ISO_8859_1);
    }

    private String moveCopy(Ctx ctx, El op, boolean move) throws SoapFault {
        String name = move ? "MoveItem" : "CopyItem";
        El to = single(op.child("ToFolderId"), name);
        return perEach(op, name, op.child("ItemIds"), "<m:Items/>", id -> {
            Folder target = resolveFolder(ctx, to);
            Item item = resolveItem(ctx, id);
            Item result;
            if (move) {
                if (target.mailbox != item.mailbox) {
                    Item c = store.copy(item, target);
                    store.remove(item);
                    result = c;
                } else {
                    result = store.move(item, target);
                }
            } else {
                result = store.copy(item, target);
            }
            return "<m:Items><t:Message><t:ItemId Id=\"" + result.id() + "\" ChangeKey=\"" + result.changeKey()
                    + "\"/></t:Message></m:Items>";
        });
    }

    private String deleteItem(Ctx ctx, El op) throws SoapFault {
        String type = op.attr("DeleteType");
        if (type == null
                || !Set.of("HardDelete", "SoftDelete", "MoveToDeletedItems").contains(type)) {
            throw SoapFault.schema(
                    "The 'DeleteType' attribute is invalid - The value '" + type
                            + "' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:DisposalType'.",
                    op);
        }
        return perEach(op, "DeleteItem", op.child("ItemIds"), null, id -> {
            Item item = resolveItem(ctx, id);
            Folder deleted = item.mailbox.folder("deleteditems");
            if (type.equals("MoveToDeletedItems") && item.folder != deleted) {
                store.move(item, deleted);
            } else {
                store.remove(item);
            }
            return "";
        });
    }

    private String getAttachment(Ctx ctx, El op) throws SoapFault {
        return perEach(op, "GetAttachment", op.child("AttachmentIds"), "<m:Attachments/>", id -> {
            String[] d = Ids.decode(id.attr("Id"));
            if (d == null || !d[0].equals("A") || !d[2].contains("/")) {
                throw EwsError.malformed();
            }
            Mailbox mb = access(ctx, d[1]);
            String[] keys = d[2].split("/", 2);
            Item item = mb.items.get(keys[0]);
            if (item == null) {
                throw new EwsError("ErrorItemNotFound", "The specified object was not found in the store.");
            }
            for (Attachment a : item.attachments) {
                if (a.id().equals(keys[1])) {
                    StringBuilder b = new StringBuilder("<m:Attachments>");
                    attachmentXml(b, item, a, true);
                    return b.append("</m:Attachments>").toString();
                }
            }
            throw new EwsError("ErrorItemNotFound", "The specified object was not found in the store.");
        });
    }

    private String resolveNames(Ctx ctx, El op) throws SoapFault {
        String entry = op.childText("UnresolvedEntry");
        if (entry == null) {
            throw SoapFault.schema(
                    "The element 'ResolveNames' has incomplete content. List of possible elements expected: 'UnresolvedEntry'.",
                    op);
        }
        String q = entry.toLowerCase(Locale.ROOT).replaceFirst("^smtp:", "");
        List<Mailbox> found = new ArrayList<>();
        for (Mailbox mb : store.mailboxes()) {
            if (!mb.tenantId.equals(ctx.caller().tenant().id())) {
                continue;
            }
            String local = mb.smtp.substring(0, mb.smtp.indexOf('@'));
            if (mb.smtp.equals(q)
                    || local.startsWith(q)
                    || mb.displayName.toLowerCase(Locale.ROOT).contains(q)) {
                found.add(mb);
            }
        }
        if (found.isEmpty()) {
            return wrap(
                    "ResolveNames",
                    List.of(error(
                            "ResolveNames",
                            "Error",
                            new EwsError("ErrorNameResolutionNoResults", "No results were found."),
                            null)));
        }
        StringBuilder set = new StringBuilder(
                "<m:ResolutionSet TotalItemsInView=\"" + found.size() + "\" IncludesLastItemInRange=\"true\">");
        for (Mailbox mb : found) {
            set.append("<t:Resolution><t:Mailbox><t:Name>")
                    .append(Xml.esc(mb.displayName))
                    .append("</t:Name><t:EmailAddress>")
                    .append(Xml.esc(mb.smtp))
                    .append(
                            "</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>");
        }
        set.append("</m:ResolutionSet>");
        if (found.size() == 1) {
            return wrap("ResolveNames", List.of(success("ResolveNames", set.toString())));
        }
        return wrap(
                "ResolveNames",
                List.of(error(
                        "ResolveNames",
                        "Warning",
                        new EwsError("ErrorNameResolutionMultipleResults", "Multiple results were found."),
                        set.toString())));
    }
}
