package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.ItemXml.Shape;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The EWS operations over the mail store (their XML is {@link ItemXml}'s). Every method runs under the store's lock. */
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

    /**
     * Runs one operation; returns the Body's child element: a String, or for GetItem a {@link
     * ReplyBody} (MIME goes out as stored bytes, assembled after the store's lock is released).
     */
    Object run(Ctx ctx, El op) throws SoapFault {
        return switch (op.name) {
            case "GetFolder" ->
                perEach(op, "GetFolder", op.child("FolderIds"), "<m:Folders/>", id -> {
                    Shape s = Shape.folder(op.child("FolderShape"));
                    return "<m:Folders>" + ItemXml.folderXml(resolveFolder(ctx, id), s) + "</m:Folders>";
                });
            case "FindFolder" -> findFolder(ctx, op);
            case "CreateFolder" -> createFolder(ctx, op);
            case "SyncFolderHierarchy" -> syncHierarchy(ctx, op);
            case "FindItem" -> findItem(ctx, op);
            case "GetItem" -> getItem(ctx, op);
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

    /** GetItem: one response message per id, as {@link #perEach} would write them, into a {@link ReplyBody}. */
    private ReplyBody getItem(Ctx ctx, El op) throws SoapFault {
        El list = op.child("ItemIds");
        if (list == null || list.children.isEmpty()) {
            throw SoapFault.schema("The element 'GetItem' has incomplete content.", op);
        }
        Shape s = Shape.item(op.child("ItemShape"), false);
        ReplyBody out = new ReplyBody();
        StringBuilder b = out.text();
        b.append(wrapStart("GetItem"));
        for (El id : list.children) {
            Item item;
            try {
                item = resolveItem(ctx, id);
            } catch (EwsError e) {
                b.append(error("GetItem", "Error", e, "<m:Items/>"));
                continue;
            }
            b.append(successStart("GetItem")).append("<m:Items>");
            ItemXml.itemXml(out, item, s);
            b.append("</m:Items>").append(successEnd("GetItem"));
        }
        b.append(wrapEnd("GetItem"));
        return out;
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
        return successStart(name) + inner + successEnd(name);
    }

    private static String successStart(String name) {
        return "<m:" + name + "ResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>";
    }

    private static String successEnd(String name) {
        return "</m:" + name + "ResponseMessage>";
    }

    static String error(String name, String cls, EwsError e, String trailing) {
        return "<m:" + name + "ResponseMessage ResponseClass=\"" + cls + "\"><m:MessageText>" + Xml.esc(e.getMessage())
                + "</m:MessageText><m:ResponseCode>" + e.code
                + "</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
                + (e.messageXml == null ? "" : "<m:MessageXml>" + e.messageXml + "</m:MessageXml>")
                + (trailing == null ? "" : trailing) + "</m:" + name + "ResponseMessage>";
    }

    static String wrap(String name, List<String> msgs) {
        return wrapStart(name) + String.join("", msgs) + wrapEnd(name);
    }

    private static String wrapStart(String name) {
        return "<m:" + name + "Response xmlns:m=\"" + Xml.M + "\" xmlns:t=\"" + Xml.T + "\"><m:ResponseMessages>";
    }

    private static String wrapEnd(String name) {
        return "</m:ResponseMessages></m:" + name + "Response>";
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
            found.removeIf(f -> !Restrictions.matches(restriction, n -> switch (n) {
                case "DisplayName" -> f.displayName;
                case "FolderClass" -> f.folderClass;
                case "TotalCount" -> String.valueOf(f.items.size());
                case "UnreadCount" -> String.valueOf(f.unread());
                default ->
                    throw new EwsError(
                            "ErrorUnsupportedPathForQuery",
                            "The property " + n + " cannot be used in a restriction by the emulator.");
            }));
            return page(found, view, f -> ItemXml.folderXml(f, s), "Folders");
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
                        return "<m:Folders>" + ItemXml.folderXml(created, new Shape(Set.of("FolderId"), "Best"))
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
                                            .append(ItemXml.folderXml(f, s))
                                            .append("</t:Create>");
                                } else if (f.modSeq > since) {
                                    changes.append("<t:Update>")
                                            .append(ItemXml.folderXml(f, s))
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
                            // The page is the `limit` oldest changes after `since`. Creates come from the
                            // items that entered after it, in order, so only the first limit + 1 are
                            // read; updates and read-flag changes from the items changed since they
                            // entered. Never a scan of the whole folder per page (an initial sync of a
                            // large folder was quadratic).
                            List<Change> changes = new ArrayList<>();
                            int creates = 0;
                            for (Item i : f.byEntered.tailMap(since, false).values()) {
                                if (creates > limit) {
                                    break;
                                }
                                if (ignore.isEmpty() || !ignore.contains(i.id())) {
                                    changes.add(new Change(i.enteredSeq, "Create", i, null));
                                    creates++;
                                }
                            }
                            for (Item i : f.byLastChange.tailMap(since, false).values()) {
                                if (i.enteredSeq > since || (!ignore.isEmpty() && ignore.contains(i.id()))) {
                                    continue; // a Create (above), or ignored
                                }
                                if (i.contentSeq > since) {
                                    changes.add(new Change(i.contentSeq, "Update", i, null));
                                } else {
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
                                                .append(ItemXml.itemXml(c.item(), s))
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
            items.removeIf(i -> !Restrictions.matches(restriction, n -> Restrictions.itemField(i, n)));
            if (sort != null && sort.first() != null) {
                El order = sort.first();
                String field = Restrictions.fieldName(order);
                boolean desc = "Descending".equals(order.attr("Order"));
                items.sort((a, b) -> {
                    String x = Restrictions.itemField(a, field);
                    String y = Restrictions.itemField(b, field);
                    int c = String.valueOf(x).compareToIgnoreCase(String.valueOf(y));
                    return desc ? -c : c;
                });
            }
            return page(items, view, i -> ItemXml.itemXml(i, s), "Items");
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

    /**
     * Refuses a From of another of the emulator's mailboxes unless the sending mailbox may send as it (no
     * Sender, or Sender itself) or on behalf of it (Sender: the sending mailbox), as Exchange does with
     * ErrorSendAsDenied. A From outside the emulator's mailboxes is let through (Exchange Online refuses it
     * too; tests send from made-up addresses).
     */
    private void checkSendAs(Ctx ctx, byte[] mime) {
        InternetAddress from;
        InternetAddress sender;
        try {
            MimeMessage m = new MimeMessage(MailStore.SESSION, new java.io.ByteArrayInputStream(mime));
            from = m.getFrom() == null || m.getFrom().length == 0 ? null : (InternetAddress) m.getFrom()[0];
            sender = (InternetAddress) m.getSender();
        } catch (Exception e) {
            return; // unreadable headers are refused elsewhere, or sent as they are
        }
        String me = ctx.mailbox().smtp;
        if (from == null || from.getAddress() == null || from.getAddress().equalsIgnoreCase(me)) {
            return;
        }
        MailStore.Mailbox principal = store.mailbox(from.getAddress());
        if (principal == null) {
            return;
        }
        boolean onBehalf = sender != null
                && sender.getAddress() != null
                && sender.getAddress().equalsIgnoreCase(me);
        boolean allowed = onBehalf
                ? principal.sendOnBehalf.contains(me) || principal.sendAs.contains(me)
                : principal.sendAs.contains(me);
        if (!allowed) {
            throw new EwsError(
                    "ErrorSendAsDenied",
                    "The user account which was used to submit this request does not have the right to send mail on"
                            + " behalf of the specified sending account.");
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
                            item.setRead(!fromMime || "true".equals(msg.childText("IsRead")));
                            if ("false".equals(msg.childText("IsRead"))) {
                                item.setRead(false);
                            }
                            applyCategories(item, msg);
                            store.add(target, item);
                            return "<m:Items><t:Message><t:ItemId Id=\"" + item.id() + "\" ChangeKey=\""
                                    + item.changeKey() + "\"/></t:Message></m:Items>";
                        }
                        checkSendAs(ctx, mime);
                        byte[] out = store.withSender(ctx.mailbox(), mime);
                        Item sent = store.newItem(ctx.mailbox(), out);
                        if (MailStore.recipients(sent).isEmpty()) {
                            throw new EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.");
                        }
                        store.deliverToRecipients(sent);
                        if (disposition.equals("SendAndSaveCopy")) {
                            sent.setRead(true);
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
            checkSendAs(ctx, draft.mime);
            byte[] out = store.withSender(ctx.mailbox(), draft.mime);
            Item sent = store.newItem(draft.mailbox, out);
            if (MailStore.recipients(sent).isEmpty()) {
                throw new EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.");
            }
            store.deliverToRecipients(sent);
            store.remove(draft);
            if (save) {
                Folder target = saved == null || saved.first() == null
                        ? draft.mailbox.folder("sentitems")
                        : resolveFolder(ctx, saved.first());
                sent.setRead(true);
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
                            String field = Restrictions.fieldName(u);
                            El value = u.child("Message") != null ? u.child("Message") : u.child("Item");
                            switch (field) {
                                case "IsRead" -> {
                                    boolean v = u.name.equals("DeleteItemField")
                                            ? false
                                            : "true".equals(value == null ? null : value.childText("IsRead"));
                                    readChanged |= v != item.read;
                                    item.setRead(v);
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
                    ItemXml.attachmentXml(b, item, a, true);
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
