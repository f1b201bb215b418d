package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.Outcome;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.Attachment;
import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.model.EmailAddress;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Shared pieces of the wire format: response-message loop, ids, folders, items. */
public final class Wire {
    private Wire() {}

    /** Receives one response message's operation-specific children, then produces its value. */
    public interface MessageBody<T> {
        /** Called with the cursor on an unknown child's start tag; must consume the child. */
        void child(XmlIn in);

        T result();
    }

    /** Responses whose messages each carry one folder (GetFolder, CreateFolder). */
    static Responses<Folder> folderPerMessage(XmlIn in, ResponseContext ctx) {
        return messages(in, ctx, i -> new MessageBody<>() {
            Folder folder;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Folders")) {
                    List<Folder> list = readFolders(x);
                    folder = list.isEmpty() ? null : list.get(0);
                } else {
                    x.skip();
                }
            }

            @Override
            public Folder result() {
                return folder;
            }
        });
    }

    /** Responses whose messages each carry the item they made or changed (CreateItem, UpdateItem, Move, Copy). */
    static Responses<ItemId> itemIdPerMessage(XmlIn in, ResponseContext ctx) {
        return messages(in, ctx, i -> new MessageBody<>() {
            ItemId id;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Items")) {
                    List<Item> items = readItems(x, null, 0);
                    id = items.isEmpty() ? null : items.get(0).id();
                } else {
                    x.skip();
                }
            }

            @Override
            public ItemId result() {
                return id;
            }
        });
    }

    /** Reads {@code m:ResponseMessages} of an {@code m:XxxResponse}; one Outcome per message. */
    public static <T> Responses<T> messages(XmlIn in, ResponseContext ctx, IntFunction<MessageBody<T>> bodies) {
        List<Outcome<T>> out = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (in.is(M, "ResponseMessages")) {
                int d2 = in.depth();
                while (in.nextChild(d2)) {
                    out.add(message(in, ctx, bodies.apply(out.size())));
                }
            } else {
                in.skip();
            }
        }
        return new Responses<>(out);
    }

    /** Reads one {@code m:XxxResponseMessage}; the cursor is on its start tag. */
    public static <T> Outcome<T> message(XmlIn in, ResponseContext ctx, MessageBody<T> body) {
        String responseClass = in.attr("ResponseClass");
        String code = null;
        String text = null;
        Map<String, String> details = Map.of();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (in.is(M, "MessageText")) {
                text = in.text();
            } else if (in.is(M, "ResponseCode")) {
                code = in.text().trim();
            } else if (in.is(M, "DescriptiveLinkKey")) {
                in.skip();
            } else if (in.is(M, "MessageXml")) {
                details = messageXml(in);
            } else {
                body.child(in);
            }
        }
        if ("Error".equals(responseClass)) {
            EwsResponseException error = EwsResponseException.of(code, text, details, ctx.httpStatus());
            ctx.noteError(error);
            return Outcome.failure(error);
        }
        return Outcome.success(body.result(), "Warning".equals(responseClass) ? code : null);
    }

    /** Reads MessageXml (types or errors namespace, matched by local name): Value Name=... and simple children. */
    public static Map<String, String> messageXml(XmlIn in) {
        Map<String, String> values = new HashMap<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            String local = in.localName();
            switch (local) {
                case "Value" -> {
                    String name = in.attr("Name");
                    String value = in.text();
                    if (name != null) {
                        values.put(name, value);
                    }
                }
                case "LineNumber", "LinePosition", "Violation", "ExceptionType", "ResponseCode" ->
                    values.put(local, in.text());
                default -> in.skip();
            }
        }
        return values;
    }

    // ---- writing ----

    public static void folderRef(XmlOut out, FolderRef ref) {
        switch (ref) {
            case FolderId id ->
                out.t("FolderId")
                        .attr("Id", id.id())
                        .attr("ChangeKey", id.changeKey())
                        .end();
            case FolderRef.Distinguished d -> {
                out.t("DistinguishedFolderId").attr("Id", d.folder().wireName());
                if (d.mailbox() != null) {
                    out.t("Mailbox").tText("EmailAddress", d.mailbox()).end();
                }
                out.end();
            }
        }
    }

    public static void itemId(XmlOut out, ItemId id) {
        out.t("ItemId").attr("Id", id.id()).attr("ChangeKey", id.changeKey()).end();
    }

    public static void itemIds(XmlOut out, String element, List<ItemId> ids) {
        out.m(element);
        for (ItemId id : ids) {
            itemId(out, id);
        }
        out.end();
    }

    public static void folderShape(XmlOut out, BaseShape shape, List<String> fieldUris) {
        out.m("FolderShape").tText("BaseShape", shape.wireName());
        additional(out, fieldUris);
        out.end();
    }

    static void additional(XmlOut out, List<String> fieldUris) {
        if (!fieldUris.isEmpty()) {
            out.t("AdditionalProperties");
            for (String f : fieldUris) {
                out.t("FieldURI").attr("FieldURI", f).end();
            }
            out.end();
        }
    }

    static void requireNonEmpty(List<?> list, String what) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    // ---- reading ----

    public static ItemId readItemId(XmlIn in) {
        ItemId id = new ItemId(in.attr("Id"), in.attr("ChangeKey"));
        in.skip();
        return id;
    }

    public static FolderId readFolderId(XmlIn in) {
        FolderId id = new FolderId(in.attr("Id"), in.attr("ChangeKey"));
        in.skip();
        return id;
    }

    public static boolean isFolderElement(String local) {
        return local.endsWith("Folder") && !local.equals("ParentFolder");
    }

    /** Reads a folder element (Folder, CalendarFolder, ...); the cursor is on its start tag. */
    public static Folder readFolder(XmlIn in) {
        String kind = in.localName();
        FolderId id = null;
        FolderId parent = null;
        String folderClass = null;
        String name = null;
        int total = -1;
        int children = -1;
        int unread = -1;
        int d = in.depth();
        while (in.nextChild(d)) {
            if (!T.equals(in.namespace())) {
                in.skip();
                continue;
            }
            switch (in.localName()) {
                case "FolderId" -> id = readFolderId(in);
                case "ParentFolderId" -> parent = readFolderId(in);
                case "FolderClass" -> folderClass = in.text();
                case "DisplayName" -> name = in.text();
                case "TotalCount" -> total = in.intText();
                case "ChildFolderCount" -> children = in.intText();
                case "UnreadCount" -> unread = in.intText();
                default -> in.skip();
            }
        }
        return new Folder(kind, id, parent, folderClass, name, total, children, unread);
    }

    /** Reads a list of folders ({@code m:Folders} or {@code t:Folders}). */
    public static List<Folder> readFolders(XmlIn in) {
        List<Folder> folders = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (T.equals(in.namespace()) && isFolderElement(in.localName())) {
                folders.add(readFolder(in));
            } else {
                in.skip();
            }
        }
        return folders;
    }

    /** Opens the sink for the MIME content of the item at a position of the response. */
    @FunctionalInterface
    public interface MimeSink {
        OutputStream open(int position) throws java.io.IOException;
    }

    /**
     * Reads an item element (Message, CalendarItem, ...); MimeContent is streamed to {@code mime}
     * (position {@code position}) if given, else skipped.
     */
    public static Item readItem(XmlIn in, MimeSink mime, int position) {
        String kind = in.localName();
        ItemId id = null;
        FolderId parent = null;
        String itemClass = null;
        String subject = null;
        Instant received = null;
        Instant sent = null;
        long size = -1;
        Boolean isRead = null;
        Boolean hasAttachments = null;
        EmailAddress from = null;
        List<EmailAddress> to = List.of();
        List<EmailAddress> cc = List.of();
        String messageId = null;
        List<String> categories = List.of();
        String bodyType = null;
        String body = null;
        List<Attachment> attachments = List.of();
        long mimeBytes = -1;
        int d = in.depth();
        while (in.nextChild(d)) {
            if (!T.equals(in.namespace())) {
                in.skip();
                continue;
            }
            switch (in.localName()) {
                case "MimeContent" -> {
                    if (mime == null) {
                        in.skip();
                    } else {
                        try (OutputStream sink = mime.open(position)) {
                            mimeBytes = in.base64To(sink);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException("The MIME sink failed", e);
                        }
                    }
                }
                case "ItemId" -> id = readItemId(in);
                case "ParentFolderId" -> parent = readFolderId(in);
                case "ItemClass" -> itemClass = in.text();
                case "Subject" -> subject = in.text();
                case "DateTimeReceived" -> received = instant(in.text());
                case "DateTimeSent" -> sent = instant(in.text());
                case "Size" -> size = in.intText();
                case "IsRead" -> isRead = in.booleanText();
                case "HasAttachments" -> hasAttachments = in.booleanText();
                case "From" -> from = readSingleMailbox(in);
                case "ToRecipients" -> to = readMailboxes(in);
                case "CcRecipients" -> cc = readMailboxes(in);
                case "InternetMessageId" -> messageId = in.text();
                case "Categories" -> categories = readStrings(in);
                case "Body" -> {
                    bodyType = in.attr("BodyType");
                    body = in.text();
                }
                case "Attachments" -> attachments = readAttachments(in, null);
                default -> in.skip();
            }
        }
        return new Item(
                kind,
                id,
                parent,
                itemClass,
                subject,
                received,
                sent,
                size,
                isRead,
                hasAttachments,
                from,
                to,
                cc,
                messageId,
                categories,
                bodyType,
                body,
                attachments,
                mimeBytes);
    }

    /** Reads the items of {@code m:Items} / {@code t:Items}. */
    public static List<Item> readItems(XmlIn in, MimeSink mime, int firstPosition) {
        List<Item> items = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (T.equals(in.namespace())) {
                items.add(readItem(in, mime, firstPosition + items.size()));
            } else {
                in.skip();
            }
        }
        return items;
    }

    static List<String> readStrings(XmlIn in) {
        List<String> out = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            out.add(in.text());
        }
        return out;
    }

    static EmailAddress readSingleMailbox(XmlIn in) {
        List<EmailAddress> list = readMailboxes(in);
        return list.isEmpty() ? null : list.get(0);
    }

    static List<EmailAddress> readMailboxes(XmlIn in) {
        List<EmailAddress> out = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (in.is(T, "Mailbox")) {
                out.add(readMailbox(in));
            } else {
                in.skip();
            }
        }
        return out;
    }

    static EmailAddress readMailbox(XmlIn in) {
        String name = null;
        String address = null;
        String routing = null;
        int d = in.depth();
        while (in.nextChild(d)) {
            switch (in.localName()) {
                case "Name" -> name = in.text();
                case "EmailAddress" -> address = in.text();
                case "RoutingType" -> routing = in.text();
                default -> in.skip();
            }
        }
        return new EmailAddress(name, address, routing);
    }

    /** Reads {@code Attachments}; content, if any and a sink is given, is streamed to it. */
    static List<Attachment> readAttachments(XmlIn in, AttachmentSink sink) {
        List<Attachment> out = new ArrayList<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            if (T.equals(in.namespace())) {
                out.add(readAttachment(in, sink));
            } else {
                in.skip();
            }
        }
        return out;
    }

    /** Receives attachment content from GetAttachment. */
    @FunctionalInterface
    public interface AttachmentSink {
        OutputStream open(String attachmentId, String name) throws java.io.IOException;
    }

    static Attachment readAttachment(XmlIn in, AttachmentSink sink) {
        String kind = in.localName();
        String id = null;
        String name = null;
        String contentType = null;
        String contentId = null;
        long size = -1;
        boolean isInline = false;
        int d = in.depth();
        while (in.nextChild(d)) {
            switch (in.localName()) {
                case "AttachmentId" -> {
                    id = in.attr("Id");
                    in.skip();
                }
                case "Name" -> name = in.text();
                case "ContentType" -> contentType = in.text();
                case "ContentId" -> contentId = in.text();
                case "Size" -> size = in.intText();
                case "IsInline" -> isInline = in.booleanText();
                case "Content" -> {
                    if (sink == null) {
                        in.skip();
                    } else {
                        try (OutputStream os = sink.open(id, name)) {
                            long n = in.base64To(os);
                            if (size < 0) {
                                size = n;
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException("The attachment sink failed", e);
                        }
                    }
                }
                default -> in.skip();
            }
        }
        return new Attachment(kind, id, name, contentType, contentId, size, isInline);
    }

    static Instant instant(String text) {
        String t = text.trim();
        Instant fast = fastUtc(t);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t + "Z");
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ssZ} (what Exchange sends), without the cost of a DateTimeFormatter. */
    private static Instant fastUtc(String t) {
        if (t.length() != 20
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || t.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
