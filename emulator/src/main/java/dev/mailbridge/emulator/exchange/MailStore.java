package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.EmulatorClock;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's mailboxes: folders and messages kept in memory with real MIME. Every change takes
 * a per-mailbox sequence number, from which SyncFolderItems and SyncFolderHierarchy compute their
 * changes. All access goes through the store's lock ({@code synchronized (store)}).
 */
public final class MailStore {
    static final Session SESSION = Session.getInstance(new Properties());

    /** Distinguished folders every mailbox has: id, display name, folder class, parent id. */
    static final String[][] DISTINGUISHED = {
        {"root", "", "", null},
        {"msgfolderroot", "Top of Information Store", "IPF.Note", "root"},
        {"inbox", "Inbox", "IPF.Note", "msgfolderroot"},
        {"drafts", "Drafts", "IPF.Note", "msgfolderroot"},
        {"sentitems", "Sent Items", "IPF.Note", "msgfolderroot"},
        {"deleteditems", "Deleted Items", "IPF.Note", "msgfolderroot"},
        {"junkemail", "Junk Email", "IPF.Note", "msgfolderroot"},
        {"outbox", "Outbox", "IPF.Note", "msgfolderroot"},
        {"archive", "Archive", "IPF.Note", "msgfolderroot"},
        {"conversationhistory", "Conversation History", "IPF.Note", "msgfolderroot"},
        {"calendar", "Calendar", "IPF.Appointment", "msgfolderroot"},
        {"contacts", "Contacts", "IPF.Contact", "msgfolderroot"},
        {"tasks", "Tasks", "IPF.Task", "msgfolderroot"},
        {"notes", "Notes", "IPF.StickyNote", "msgfolderroot"},
        {"journal", "Journal", "IPF.Journal", "msgfolderroot"},
    };

    private final EmulatorClock clock;
    private final Map<String, Mailbox> mailboxes = new LinkedHashMap<>();
    /** Bumped to invalidate every sync state handed out so far (fault injection). */
    long epoch = 1;
    /** Receives every change, for EWS notifications. */
    StoreEvents events = StoreEvents.NONE;

    MailStore(EmulatorClock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** A mailbox: its SMTP address, owner's tenant and EWS switch, folders and items. */
    public static final class Mailbox {
        final String smtp;
        final String displayName;
        final String tenantId;
        /** Null = not set (inherits), true, false; see ews.md §1.2. */
        volatile Boolean ewsEnabled;

        final String key;
        long seq;
        final Map<String, Folder> folders = new LinkedHashMap<>();
        final Map<String, Folder> distinguished = new LinkedHashMap<>();
        final Map<String, Item> items = new LinkedHashMap<>();
        final List<long[]> folderTombstoneSeqs = new ArrayList<>();
        final List<String> folderTombstoneIds = new ArrayList<>();
        /** Who may send as this mailbox (Add-RecipientPermission -AccessRights SendAs), by SMTP address. */
        final java.util.Set<String> sendAs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Who may send on behalf of it (Set-Mailbox -GrantSendOnBehalfTo), by SMTP address. */
        final java.util.Set<String> sendOnBehalf = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Mailbox(String smtp, String displayName, String tenantId) {
            this.smtp = smtp.toLowerCase(Locale.ROOT);
            this.displayName = displayName;
            this.tenantId = tenantId;
            this.key = this.smtp;
        }

        public String smtp() {
            return smtp;
        }

        public String displayName() {
            return displayName;
        }

        public String tenantId() {
            return tenantId;
        }

        public Boolean ewsEnabled() {
            return ewsEnabled;
        }

        public void ewsEnabled(Boolean enabled) {
            this.ewsEnabled = enabled;
        }

        /** Lets {@code trustee} send as this mailbox (From: this mailbox, no Sender). */
        public void grantSendAs(String trustee) {
            sendAs.add(trustee.toLowerCase(Locale.ROOT));
        }

        /** Lets {@code trustee} send on behalf of this mailbox (From: this mailbox, Sender: the trustee). */
        public void grantSendOnBehalf(String trustee) {
            sendOnBehalf.add(trustee.toLowerCase(Locale.ROOT));
        }

        long next() {
            return ++seq;
        }

        Folder folder(String distinguishedName) {
            return distinguished.get(distinguishedName);
        }
    }

    /** A folder; its id never changes (also across rename). */
    static final class Folder {
        final Mailbox mailbox;
        final String key = UUID.randomUUID().toString();
        final String distinguishedName;
        String displayName;
        final String folderClass;
        Folder parent;
        long version = 1;
        long createdSeq;
        long modSeq;
        final Map<String, Item> items = new LinkedHashMap<>();
        /**
         * The same items by the seq at which they entered this folder, and those changed since they
         * entered by the seq of their last change: SyncFolderItems reads a page from these in
         * O(page + changed) instead of scanning the whole folder on every page.
         */
        final NavigableMap<Long, Item> byEntered = new TreeMap<>();

        final NavigableMap<Long, Item> byLastChange = new TreeMap<>();
        /** Kept as items come, go and change read state: every delivery reports it (folder ModifiedEvent). */
        int unreadCount;
        /** Items that left this folder: item id, seq when they left, seq when they had entered. */
        final List<Tombstone> tombstones = new ArrayList<>();

        Folder(Mailbox mailbox, String distinguishedName, String displayName, String folderClass, Folder parent) {
            this.mailbox = mailbox;
            this.distinguishedName = distinguishedName;
            this.displayName = displayName;
            this.folderClass = folderClass;
            this.parent = parent;
        }

        String id() {
            return Ids.folderId(mailbox.key, key);
        }

        String changeKey() {
            return Ids.changeKey((byte) 1, key, version);
        }

        int unread() {
            return unreadCount;
        }

        int childCount() {
            int n = 0;
            for (Folder f : mailbox.folders.values()) {
                if (f.parent == this) {
                    n++;
                }
            }
            return n;
        }

        String elementName() {
            return switch (folderClass) {
                case "IPF.Appointment" -> "CalendarFolder";
                case "IPF.Contact" -> "ContactsFolder";
                case "IPF.Task" -> "TasksFolder";
                default -> "Folder";
            };
        }
    }

    record Tombstone(String itemId, long seq, long enteredSeq) {}

    /**
     * One MIME content as stored (never changed in place: a changed message gets a new array) and its
     * base64 form, encoded on first use and then kept. Thread-safe: two threads may both encode it
     * once, with the same result.
     */
    static final class MimeContent {
        final byte[] raw;
        private volatile byte[] base64;

        MimeContent(byte[] raw) {
            this.raw = raw;
        }

        /** The base64 text (US-ASCII bytes, no line breaks) of the MIME; do not modify. */
        byte[] base64() {
            byte[] b = base64;
            if (b == null) {
                b = Base64.getEncoder().encode(raw);
                base64 = b;
            }
            return b;
        }
    }

    private record IdMemo(String key, String id) {}

    /** An attachment taken from the MIME. */
    record Attachment(String id, String name, String contentType, String contentId, boolean inline, byte[] content) {}

    /** A message. The item id changes when it moves; the change key changes on every update. */
    static final class Item {
        final Mailbox mailbox;
        String key = UUID.randomUUID().toString();
        Folder folder;
        byte[] mime;
        String itemClass = "IPM.Note";
        String subject;
        List<InternetAddress> from = List.of();
        List<InternetAddress> sender = List.of();
        List<InternetAddress> to = List.of();
        List<InternetAddress> cc = List.of();
        List<InternetAddress> bcc = List.of();
        List<InternetAddress> replyTo = List.of();
        String messageId;
        String inReplyTo;
        String references;
        Instant sent;
        Instant received;
        Instant created;
        Instant lastModified;
        String textBody;
        String htmlBody;
        List<Attachment> attachments = List.of();
        List<String[]> headers = List.of();
        String importance = "Normal";
        /** Change it with {@link #setRead}, which keeps the folder's unread count. */
        boolean read;

        boolean draft;
        boolean fromMe;
        final List<String> categories = new ArrayList<>();
        long version = 1;
        long enteredSeq;
        long contentSeq;
        long readSeq;

        void setRead(boolean value) {
            if (value != read && folder != null && folder.items.get(key) == this) {
                folder.unreadCount += value ? -1 : 1;
            }
            read = value;
        }

        Item(Mailbox mailbox) {
            this.mailbox = mailbox;
        }

        /** The id of the current {@link #key}, kept: ids are asked for often (sync pages, Ignore lists). */
        private IdMemo id;

        /** The base64 form of {@link #mime}, encoded once per MIME content; see {@link #mimeContent()}. */
        private MimeContent mimeContent;

        String id() {
            String k = key;
            IdMemo m = id;
            if (m == null || m.key() != k) {
                m = new IdMemo(k, Ids.itemId(mailbox.key, k));
                id = m;
            }
            return m.id();
        }

        /**
         * The item's MIME as served in {@code MimeContent}: a new value whenever {@link #mime} is
         * replaced (UpdateItem of the subject does that), the same one otherwise, so its base64 is
         * encoded at most once per content. Call under the store's lock; the value may be used outside it.
         */
        MimeContent mimeContent() {
            MimeContent m = mimeContent;
            if (m == null || m.raw != mime) {
                m = new MimeContent(mime);
                mimeContent = m;
            }
            return m;
        }

        String changeKey() {
            return Ids.changeKey((byte) 9, key, version);
        }

        long lastSeq() {
            return Math.max(contentSeq, readSeq);
        }

        int size() {
            return mime.length;
        }
    }

    // ----- mailboxes -----

    /** All mailboxes. */
    public synchronized List<Mailbox> mailboxes() {
        return List.copyOf(mailboxes.values());
    }

    /** The mailbox with this SMTP address (case-insensitive), or null. */
    public synchronized Mailbox mailbox(String smtp) {
        return smtp == null ? null : mailboxes.get(smtp.toLowerCase(Locale.ROOT));
    }

    /** Creates a mailbox (or returns the existing one) with the distinguished folders. */
    public synchronized Mailbox createMailbox(String smtp, String displayName, String tenantId) {
        Mailbox existing = mailbox(smtp);
        if (existing != null) {
            return existing;
        }
        Mailbox mb = new Mailbox(smtp, displayName == null ? smtp : displayName, tenantId);
        for (String[] d : DISTINGUISHED) {
            Folder parent = d[3] == null ? null : mb.distinguished.get(d[3]);
            Folder f = new Folder(mb, d[0], d[1], d[2], parent);
            f.createdSeq = mb.next();
            f.modSeq = f.createdSeq;
            mb.folders.put(f.key, f);
            mb.distinguished.put(d[0], f);
        }
        mailboxes.put(mb.smtp, mb);
        return mb;
    }

    /** Removes every sync state handed out so far: the next Sync call with one gets ErrorInvalidSyncStateData. */
    public synchronized void invalidateSyncStates() {
        epoch++;
    }

    // ----- delivery -----

    /**
     * Delivers an RFC 5322 message into a folder of a mailbox, as SMTP delivery would (unread).
     *
     * @param folder a distinguished folder name (inbox, junkemail, ...) or a folder's display name
     * @return the new item's EWS ItemId (over Graph: {@code RestIds.toRest} of it)
     */
    public synchronized String deliver(String smtp, String folder, byte[] rfc5322) {
        Mailbox mb = mailbox(smtp);
        if (mb == null) {
            throw new IllegalArgumentException("No mailbox " + smtp);
        }
        Folder f = folderByName(mb, folder == null ? "inbox" : folder);
        if (f == null) {
            throw new IllegalArgumentException("No folder " + folder + " in " + smtp);
        }
        Item item = newItem(mb, rfc5322);
        item.setRead(false);
        add(f, item, true);
        return item.id();
    }

    /** Delivers into the inbox. */
    public String deliver(String smtp, byte[] rfc5322) {
        return deliver(smtp, "inbox", rfc5322);
    }

    /** Number of items in a folder (distinguished name or display name). */
    public synchronized int count(String smtp, String folder) {
        Mailbox mb = mailbox(smtp);
        Folder f = mb == null ? null : folderByName(mb, folder);
        return f == null ? -1 : f.items.size();
    }

    /** Subjects of the items in a folder, newest first. */
    public synchronized List<String> subjects(String smtp, String folder) {
        Mailbox mb = mailbox(smtp);
        Folder f = mb == null ? null : folderByName(mb, folder);
        List<String> out = new ArrayList<>();
        if (f != null) {
            for (Item i : sorted(f.items.values())) {
                out.add(i.subject);
            }
        }
        return out;
    }

    Folder folderByName(Mailbox mb, String name) {
        Folder f = mb.distinguished.get(name.toLowerCase(Locale.ROOT));
        if (f != null) {
            return f;
        }
        for (Folder c : mb.folders.values()) {
            if (name.equalsIgnoreCase(c.displayName)) {
                return c;
            }
        }
        return null;
    }

    static List<Item> sorted(Collection<Item> items) {
        List<Item> list = new ArrayList<>(items);
        list.sort((a, b) -> {
            int c = b.received.compareTo(a.received);
            return c != 0 ? c : Long.compare(b.enteredSeq, a.enteredSeq);
        });
        return list;
    }

    // ----- item operations (callers hold the lock) -----

    Item newItem(Mailbox mb, byte[] mime) {
        Item item = new Item(mb);
        item.created = now();
        item.received = item.created;
        item.lastModified = item.created;
        parse(item, mime);
        return item;
    }

    void add(Folder f, Item item) {
        add(f, item, false);
    }

    /** Adds an item: CreatedEvent, NewMailEvent when it is new mail, then the folder's ModifiedEvent. */
    void add(Folder f, Item item, boolean newMail) {
        place(f, item);
        events.itemCreated(item);
        if (newMail) {
            events.newMail(item);
        }
        events.folderModified(f);
    }

    private void place(Folder f, Item item) {
        Mailbox mb = f.mailbox;
        item.folder = f;
        long s = mb.next();
        item.enteredSeq = s;
        item.contentSeq = s;
        item.readSeq = 0;
        f.items.put(item.key, item);
        f.byEntered.put(s, item);
        mb.items.put(item.key, item);
        if (!item.read) {
            f.unreadCount++;
        }
    }

    void touch(Item item, boolean readOnly) {
        long s = item.mailbox.next();
        if (item.folder != null) {
            item.folder.byLastChange.remove(item.lastSeq());
            item.folder.byLastChange.put(s, item);
        }
        if (readOnly) {
            item.readSeq = s;
        } else {
            item.contentSeq = s;
        }
        item.version++;
        item.lastModified = now();
        events.itemModified(item);
        if (readOnly) {
            events.folderModified(item.folder);
        }
    }

    void remove(Item item) {
        Folder f = item.folder;
        String id = item.id();
        unplace(item);
        events.itemDeleted(item, id, f);
        events.folderModified(f);
    }

    private void unplace(Item item) {
        Mailbox mb = item.mailbox;
        Folder f = item.folder;
        if (f.items.remove(item.key) != null && !item.read) {
            f.unreadCount--;
        }
        f.byEntered.remove(item.enteredSeq);
        f.byLastChange.remove(item.lastSeq());
        mb.items.remove(item.key);
        f.tombstones.add(new Tombstone(item.id(), mb.next(), item.enteredSeq));
    }

    /** Moves: a new id in the target folder, the old one deleted from the source. */
    Item move(Item item, Folder to) {
        Folder from = item.folder;
        String oldId = item.id();
        unplace(item);
        item.key = UUID.randomUUID().toString();
        item.version++;
        place(to, item);
        events.itemMoved(oldId, from, item);
        events.folderModified(from);
        events.folderModified(to);
        return item;
    }

    /** Puts a message into a folder as new mail (delivery by a send). */
    void deliverItem(Folder f, Item item) {
        add(f, item, true);
    }

    /** Sends: a copy, unread, into the inbox of every emulator mailbox among the recipients. */
    void deliverToRecipients(Item sent) {
        for (String rcpt : recipients(sent)) {
            Mailbox target = mailbox(rcpt);
            if (target == null) {
                continue;
            }
            Item copy = newItem(target, sent.mime);
            copy.setRead(false);
            deliverItem(target.folder("inbox"), copy);
        }
    }

    /** Sets From (the sending mailbox) and Date when the MIME has none, as Exchange does on submission. */
    byte[] withSender(Mailbox sender, byte[] mime) {
        try {
            MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(mime));
            if (m.getFrom() != null && m.getHeader("Date") != null) {
                return mime;
            }
            String originalId = m.getMessageID();
            if (m.getFrom() == null) {
                m.setFrom(new InternetAddress(sender.smtp, sender.displayName, "UTF-8"));
            }
            if (m.getHeader("Date") == null) {
                m.setSentDate(java.util.Date.from(now()));
            }
            m.saveChanges();
            if (originalId != null) {
                m.setHeader("Message-ID", originalId);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (Exception e) {
            return mime;
        }
    }

    Item copy(Item item, Folder to) {
        Item c = new Item(to.mailbox);
        c.created = now();
        c.received = item.received;
        c.lastModified = c.created;
        parse(c, item.mime);
        c.setRead(item.read);
        c.draft = item.draft;
        c.fromMe = item.fromMe;
        c.importance = item.importance;
        c.itemClass = item.itemClass;
        c.categories.addAll(item.categories);
        if (to.mailbox == item.mailbox) {
            place(to, c);
            events.itemCopied(item, c);
            events.folderModified(to);
        } else {
            add(to, c);
        }
        return c;
    }

    Folder createFolder(Folder parent, String name, String folderClass) {
        Mailbox mb = parent.mailbox;
        Folder f = new Folder(mb, null, name, folderClass == null ? "IPF.Note" : folderClass, parent);
        f.createdSeq = mb.next();
        f.modSeq = f.createdSeq;
        mb.folders.put(f.key, f);
        events.folderCreated(f);
        events.folderModified(parent);
        return f;
    }

    // ----- MIME -----

    static void parse(Item item, byte[] mime) {
        item.mime = mime;
        try {
            MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(mime));
            item.subject = m.getSubject();
            item.from = addresses(m.getFrom());
            item.sender = addresses(m.getSender() == null ? null : new Address[] {m.getSender()});
            item.to = addresses(m.getRecipients(Message.RecipientType.TO));
            item.cc = addresses(m.getRecipients(Message.RecipientType.CC));
            item.bcc = addresses(m.getRecipients(Message.RecipientType.BCC));
            item.replyTo = m.getHeader("Reply-To") == null ? List.of() : addresses(m.getReplyTo());
            item.messageId = m.getMessageID();
            String[] irt = m.getHeader("In-Reply-To");
            item.inReplyTo = irt == null ? null : irt[0];
            String[] refs = m.getHeader("References");
            item.references = refs == null ? null : refs[0];
            item.sent = m.getSentDate() == null ? null : m.getSentDate().toInstant();
            String[] imp = m.getHeader("Importance");
            if (imp != null) {
                String v = imp[0].trim().toLowerCase(Locale.ROOT);
                item.importance = v.startsWith("h") ? "High" : v.startsWith("l") ? "Low" : "Normal";
            }
            String[] keywords = m.getHeader("Keywords");
            if (keywords != null && item.categories.isEmpty()) {
                for (String k : keywords[0].split(",")) {
                    if (!k.isBlank()) {
                        item.categories.add(k.trim());
                    }
                }
            }
            List<String[]> headers = new ArrayList<>();
            var en = m.getAllHeaders();
            while (en.hasMoreElements()) {
                var h = en.nextElement();
                headers.add(new String[] {h.getName(), h.getValue()});
            }
            item.headers = headers;
            List<Attachment> atts = new ArrayList<>();
            String[] bodies = new String[2];
            walk(m, bodies, atts);
            item.textBody = bodies[0];
            item.htmlBody = bodies[1];
            item.attachments = atts;
        } catch (MessagingException | IOException | RuntimeException e) {
            if (item.subject == null) {
                item.subject = "";
            }
            if (item.textBody == null) {
                item.textBody = new String(mime, StandardCharsets.UTF_8);
            }
        }
    }

    private static void walk(Part p, String[] bodies, List<Attachment> atts) throws MessagingException, IOException {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                walk(bp, bodies, atts);
            }
            return;
        }
        String disposition = p.getDisposition();
        String filename = p.getFileName();
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || filename != null;
        if (!attachment && p.isMimeType("text/plain") && bodies[0] == null) {
            bodies[0] = String.valueOf(p.getContent());
            return;
        }
        if (!attachment && p.isMimeType("text/html") && bodies[1] == null) {
            bodies[1] = String.valueOf(p.getContent());
            return;
        }
        if (p.isMimeType("message/rfc822") || attachment || !p.isMimeType("text/*")) {
            byte[] content;
            try (InputStream in = p.getInputStream()) {
                content = in.readAllBytes();
            }
            String[] cid = p.getHeader("Content-ID");
            String contentId = cid == null ? null : cid[0].replaceAll("^<|>$", "");
            String type = p.getContentType() == null ? "application/octet-stream" : p.getContentType();
            int semi = type.indexOf(';');
            atts.add(new Attachment(
                    UUID.randomUUID().toString(),
                    filename == null ? "attachment" : filename,
                    (semi > 0 ? type.substring(0, semi) : type).trim().toLowerCase(Locale.ROOT),
                    contentId,
                    Part.INLINE.equalsIgnoreCase(disposition),
                    content));
        }
    }

    private static List<InternetAddress> addresses(Address[] in) {
        if (in == null) {
            return List.of();
        }
        List<InternetAddress> out = new ArrayList<>();
        for (Address a : in) {
            if (a instanceof InternetAddress ia) {
                out.add(ia);
            }
        }
        return out;
    }

    /** Every SMTP address a message goes to (To, Cc, Bcc), lower-cased, once each. */
    static Collection<String> recipients(Item item) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (List<InternetAddress> l : List.of(item.to, item.cc, item.bcc)) {
            for (InternetAddress a : l) {
                if (a.getAddress() != null) {
                    all.add(a.getAddress().toLowerCase(Locale.ROOT));
                }
            }
        }
        return all;
    }

    /** Opaque, case-sensitive base64 identifiers. */
    static final class Ids {
        private Ids() {}

        static String itemId(String mailbox, String key) {
            return encode("I", mailbox, key);
        }

        static String folderId(String mailbox, String key) {
            return encode("F", mailbox, key);
        }

        static String attachmentId(String mailbox, String itemKey, String attKey) {
            return encode("A", mailbox, itemKey + "/" + attKey);
        }

        /** Bytes before the mailbox: prefix, kind and marker. */
        private static final int HEADER = 6;

        private static final byte MARK_1 = (byte) 0xFF;
        private static final byte MARK_2 = (byte) 0xBF;

        /**
         * Layout: 3 bytes that encode to {@code AAMk} (items, attachments) or {@code AQMk} (folders), as
         * real EWS ids start; the kind and two marker bytes, which encode to {@code +/} at a fixed place,
         * so that every id holds both characters as real ones commonly do and a Graph client that
         * forgets the REST conversion fails here as it would on Exchange Online; then the mailbox's
         * length and key, 0, the key, 0.
         */
        private static String encode(String kind, String mailbox, String key) {
            byte[] mb = mailbox.getBytes(StandardCharsets.UTF_8);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(HEADER + 1 + mb.length + k.length + 2);
            b.put((byte) (kind.equals("F") ? 1 : 0)).put((byte) 0x03).put((byte) 0x24);
            b.put((byte) kind.charAt(0)).put(MARK_1).put(MARK_2);
            b.put((byte) mb.length).put(mb).put((byte) 0).put(k).put((byte) 0);
            return Base64.getEncoder().encodeToString(b.array());
        }

        /** [kind, mailbox, key] or null when the id is not one of ours. */
        static String[] decode(String id) {
            if (id == null) {
                return null;
            }
            try {
                byte[] raw = Base64.getDecoder().decode(id.trim());
                if (raw.length < HEADER + 3
                        || (raw[0] != 0 && raw[0] != 1)
                        || raw[1] != 0x03
                        || raw[2] != 0x24
                        || raw[4] != MARK_1
                        || raw[5] != MARK_2) {
                    return null;
                }
                int mbLen = raw[HEADER] & 0xff;
                String mb = new String(raw, HEADER + 1, mbLen, StandardCharsets.UTF_8);
                int start = HEADER + 1 + mbLen + 1;
                String key = new String(raw, start, raw.length - start - 1, StandardCharsets.UTF_8);
                return new String[] {String.valueOf((char) raw[3]), mb, key};
            } catch (RuntimeException e) {
                return null;
            }
        }

        static String changeKey(byte kind, String key, long version) {
            ByteBuffer b = ByteBuffer.allocate(20);
            b.put(kind)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0x16)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0);
            b.putInt(key.hashCode()).putLong(version);
            return Base64.getEncoder().encodeToString(b.array());
        }

        static boolean wellFormedChangeKey(String ck) {
            try {
                return Base64.getDecoder().decode(ck).length >= 4;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** Thread-safe per-user in-flight counters for the concurrency limit. */
    final Map<String, int[]> inFlight = new ConcurrentHashMap<>();
}
