package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.exchange.MailStore.Folder;
import dev.mailbridge.emulator.exchange.MailStore.Item;
import dev.mailbridge.emulator.exchange.MailStore.Mailbox;
import dev.mailbridge.emulator.exchange.Xml.El;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * EWS notifications: the per-mailbox event log fed by the mail store, and pull, push and streaming
 * subscriptions over it (Subscribe, GetEvents, GetStreamingEvents, Unsubscribe). Also the admin
 * API for tests ({@code exchange().notifications()}).
 *
 * <p>Lock order: the store's lock, then this object's. Streaming connections and push deliveries
 * run on a small scheduler and never take the store's lock.
 */
public final class Subscriptions implements StoreEvents {
    /** Events per Notification (GetEvents, GetStreamingEvents and push all cap at 50). */
    static final int MAX_EVENTS = 50;
    /** Events kept per mailbox; older watermarks get ErrorInvalidWatermark. */
    static final int LOG_LIMIT = 10_000;
    /** SubscriptionIds per GetStreamingEvents request. */
    static final int MAX_STREAMING_IDS = 200;
    /** A streaming subscription without a connection lives this long (Exchange: 30 minutes). */
    static final Duration STREAMING_IDLE = Duration.ofMinutes(30);

    static final Set<String> EVENT_TYPES = Set.of(
            "NewMailEvent",
            "CreatedEvent",
            "DeletedEvent",
            "ModifiedEvent",
            "MovedEvent",
            "CopiedEvent",
            "FreeBusyChangedEvent");

    enum Kind {
        PULL,
        PUSH,
        STREAMING
    }

    /** One mailbox event; ids are as they were when it happened. */
    record Event(
            long seq,
            String type,
            Instant time,
            boolean folder,
            String id,
            String objectKey,
            String parentId,
            String parentKey,
            String oldId,
            String oldParentId,
            String oldParentKey,
            Integer unread) {}

    /** A mailbox's event queue and its watermark counter. */
    static final class Log {
        final String mailboxKey;
        long seq;
        final ArrayDeque<Event> events = new ArrayDeque<>();

        Log(String mailboxKey) {
            this.mailboxKey = mailboxKey;
        }

        long oldest() {
            return events.isEmpty() ? seq : events.peekFirst().seq() - 1;
        }
    }

    /** A subscription. */
    static final class Sub {
        final String id;
        final Kind kind;
        final Mailbox mailbox;
        final String owner;
        final boolean onPrem;
        /** Folder keys, or null for SubscribeToAllFolders. */
        final Set<String> folders;

        final Set<String> types;
        /** Last event seq handed out (streaming, push). */
        long cursor;
        /** Pull timeout or push StatusFrequency, in minutes. */
        int minutes;

        Instant lastUsed;
        boolean expired;
        StreamingResponder connection;
        PushNotifier.Target push;

        Sub(
                String id,
                Kind kind,
                Mailbox mailbox,
                String owner,
                boolean onPrem,
                Set<String> folders,
                Set<String> types) {
            this.id = id;
            this.kind = kind;
            this.mailbox = mailbox;
            this.owner = owner;
            this.onPrem = onPrem;
            this.folders = folders;
            this.types = types;
        }

        boolean matches(Event e) {
            if (!types.contains(e.type())) {
                return false;
            }
            if (folders == null) {
                return true;
            }
            return folders.contains(e.parentKey())
                    || (e.oldParentKey() != null && folders.contains(e.oldParentKey()))
                    || (e.folder() && folders.contains(e.objectKey()));
        }
    }

    private final EmulatorClock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Log> logs = new LinkedHashMap<>();
    private final Map<String, Sub> subs = new LinkedHashMap<>();
    private final Map<String, Set<StreamingResponder>> connections = new LinkedHashMap<>();
    final ScheduledExecutorService timer;
    final PushNotifier push;

    private volatile Duration heartbeat = Duration.ofSeconds(45);
    private volatile Duration minute = Duration.ofMinutes(1);
    private volatile Integer connectionLimit;
    private volatile Integer subscriptionLimit;

    Subscriptions(EmulatorClock clock) {
        this.clock = clock;
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "ews-notifications");
            t.setDaemon(true);
            return t;
        });
        this.push = new PushNotifier(this);
    }

    // ----- admin API (tests, control API) -----

    /**
     * How often a streaming connection sends {@code ConnectionStatus OK} when nothing else happens
     * (default 45 s, the heartbeat the EWS Managed API expects).
     */
    public Subscriptions heartbeatInterval(Duration interval) {
        this.heartbeat = interval;
        return this;
    }

    public Duration heartbeatInterval() {
        return heartbeat;
    }

    /**
     * How long one wire minute lasts in real time for streaming ConnectionTimeout and push
     * StatusFrequency (default one minute). Tests shorten it; the wire keeps Microsoft's units.
     */
    public Subscriptions minuteLength(Duration length) {
        this.minute = length;
        return this;
    }

    public Duration minuteLength() {
        return minute;
    }

    /** Streaming connections per user (null = 10 for Exchange Online, 3 on-premises). */
    public Subscriptions connectionLimit(Integer limit) {
        this.connectionLimit = limit;
        return this;
    }

    /** Subscriptions per mailbox (null = 20 for Exchange Online, 5000 on-premises). */
    public Subscriptions subscriptionLimit(Integer limit) {
        this.subscriptionLimit = limit;
        return this;
    }

    /** Ids of the live subscriptions of a mailbox (all mailboxes when null). */
    public synchronized List<String> subscriptionIds(String smtp) {
        List<String> out = new ArrayList<>();
        for (Sub s : subs.values()) {
            if (!s.expired && (smtp == null || s.mailbox.smtp.equalsIgnoreCase(smtp))) {
                out.add(s.id);
            }
        }
        return out;
    }

    /**
     * Expires subscriptions as if their timeout had passed: by id, or every subscription of a
     * mailbox (all when both are null). The next GetEvents gets ErrorExpiredSubscription; a
     * streaming connection gets ErrorInvalidSubscription for it.
     *
     * @return how many were expired
     */
    public int expire(String subscriptionId, String smtp) {
        List<StreamingResponder> touched = new ArrayList<>();
        List<PushNotifier.Target> pushes = new ArrayList<>();
        int n = 0;
        synchronized (this) {
            for (Sub s : subs.values()) {
                if (s.expired) {
                    continue;
                }
                if ((subscriptionId != null && s.id.equals(subscriptionId))
                        || (subscriptionId == null && (smtp == null || s.mailbox.smtp.equalsIgnoreCase(smtp)))) {
                    s.expired = true;
                    n++;
                    if (s.connection != null) {
                        touched.add(s.connection);
                    }
                    if (s.push != null) {
                        pushes.add(s.push);
                    }
                }
            }
        }
        pushes.forEach(PushNotifier.Target::cancel);
        for (StreamingResponder r : touched) {
            timer.execute(r::subscriptionsExpired);
        }
        return n;
    }

    /**
     * Cuts open streaming connections mid-way: the TCP connection is closed without the final
     * {@code ConnectionStatus Closed} message. Only those of one mailbox's subscriptions when smtp
     * is given.
     *
     * @return how many connections were cut
     */
    public int cutStreams(String smtp) {
        List<StreamingResponder> cut = new ArrayList<>();
        synchronized (this) {
            for (Set<StreamingResponder> set : connections.values()) {
                for (StreamingResponder r : set) {
                    if (smtp == null || r.serves(smtp)) {
                        cut.add(r);
                    }
                }
            }
        }
        cut.forEach(StreamingResponder::cut);
        return cut.size();
    }

    /** Open streaming connections. */
    public synchronized int openStreams() {
        int n = 0;
        for (Set<StreamingResponder> set : connections.values()) {
            n += set.size();
        }
        return n;
    }

    /** Back to the defaults: timing and limits (subscriptions stay). */
    public void reset() {
        heartbeat = Duration.ofSeconds(45);
        minute = Duration.ofMinutes(1);
        connectionLimit = null;
        subscriptionLimit = null;
    }

    // ----- the event bus (called by the store under its lock) -----

    @Override
    public void itemCreated(Item item) {
        itemEvent("CreatedEvent", item);
    }

    @Override
    public void newMail(Item item) {
        itemEvent("NewMailEvent", item);
    }

    @Override
    public void itemModified(Item item) {
        itemEvent("ModifiedEvent", item);
    }

    @Override
    public void itemDeleted(Item item, String itemId, Folder from) {
        emit(item.mailbox, "DeletedEvent", false, itemId, null, from, null, null);
    }

    @Override
    public void itemMoved(String oldId, Folder from, Item item) {
        emit(item.mailbox, "MovedEvent", false, item.id(), null, item.folder, oldId, from);
    }

    @Override
    public void itemCopied(Item source, Item copy) {
        emit(copy.mailbox, "CopiedEvent", false, copy.id(), null, copy.folder, source.id(), source.folder);
    }

    @Override
    public void folderCreated(Folder folder) {
        emit(folder.mailbox, "CreatedEvent", true, folder.id(), folder, parentOf(folder), null, null);
    }

    @Override
    public void folderModified(Folder folder) {
        emit(folder.mailbox, "ModifiedEvent", true, folder.id(), folder, parentOf(folder), null, null);
    }

    private static Folder parentOf(Folder f) {
        return f.parent == null ? f : f.parent;
    }

    private void itemEvent(String type, Item item) {
        emit(item.mailbox, type, false, item.id(), null, item.folder, null, null);
    }

    private void emit(
            Mailbox mb,
            String type,
            boolean isFolder,
            String id,
            Folder self,
            Folder parent,
            String oldId,
            Folder oldParent) {
        Integer unread = isFolder && type.equals("ModifiedEvent") ? self.unread() : null;
        Set<StreamingResponder> wake = new LinkedHashSet<>();
        synchronized (this) {
            Log log = log(mb);
            Event e = new Event(
                    ++log.seq,
                    type,
                    clock.instant(),
                    isFolder,
                    id,
                    self == null ? null : self.key,
                    parent.id(),
                    parent.key,
                    oldId,
                    oldParent == null ? null : oldParent.id(),
                    oldParent == null ? null : oldParent.key,
                    unread);
            log.events.addLast(e);
            while (log.events.size() > LOG_LIMIT) {
                log.events.removeFirst();
            }
            for (Sub s : subs.values()) {
                if (s.mailbox != mb || s.expired || !s.matches(e)) {
                    continue;
                }
                if (s.connection != null) {
                    wake.add(s.connection);
                } else if (s.push != null) {
                    s.push.wake();
                }
            }
        }
        for (StreamingResponder r : wake) {
            timer.execute(r::drain);
        }
    }

    private Log log(Mailbox mb) {
        return logs.computeIfAbsent(mb.key, Log::new);
    }

    // ----- watermarks and ids -----

    private static byte[] mailboxHash(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[8];
            System.arraycopy(h, 0, out, 0, 8);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String watermark(String mailboxKey, long seq) {
        ByteBuffer b = ByteBuffer.allocate(17);
        b.put((byte) 1).put(mailboxHash(mailboxKey)).putLong(seq);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** The seq a watermark stands for in this mailbox's log, or -1 when it is not one of its watermarks. */
    private long decodeWatermark(Log log, String w) {
        if (w == null) {
            return -1;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(w.trim());
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (raw.length != 17 || raw[0] != 1) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        b.get();
        byte[] h = new byte[8];
        b.get(h);
        long seq = b.getLong();
        if (!MessageDigest.isEqual(h, mailboxHash(log.mailboxKey)) || seq > log.seq || seq < log.oldest()) {
            return -1;
        }
        return seq;
    }

    private String newId() {
        byte[] b = new byte[40];
        random.nextBytes(b);
        b[0] = 0x26; // EXO ids start "Jg..."
        return Base64.getEncoder().encodeToString(b);
    }

    // ----- Subscribe -----

    /** Subscribe: runs under the store's lock. */
    String subscribe(EwsOperations ops, EwsOperations.Ctx ctx, El op) throws SoapFault {
        El req = op.first();
        if (req == null) {
            throw SoapFault.schema("The element 'Subscribe' has incomplete content.", op);
        }
        Kind kind = switch (req.name) {
            case "PullSubscriptionRequest" -> Kind.PULL;
            case "PushSubscriptionRequest" -> Kind.PUSH;
            case "StreamingSubscriptionRequest" -> Kind.STREAMING;
            default -> throw SoapFault.schema("The element '" + req.name + "' is not expected.", req);
        };
        El eventTypes = req.child("EventTypes");
        if (eventTypes == null || eventTypes.children.isEmpty()) {
            throw SoapFault.schema("The element '" + req.name + "' has incomplete content.", req);
        }
        Set<String> types = new LinkedHashSet<>();
        for (El t : eventTypes.children) {
            String v = t.text().trim();
            if (!EVENT_TYPES.contains(v) && !v.equals("StatusEvent")) {
                throw SoapFault.schema(
                        "The value '" + v + "' is invalid according to its datatype 'NotificationEventTypeType'.", t);
            }
            types.add(v);
        }
        int minutes = 0;
        String url = null;
        if (kind == Kind.PULL) {
            minutes = range(req, "Timeout", 1, 1440, "SubscriptionTimeoutType");
        } else if (kind == Kind.PUSH) {
            minutes = range(req, "StatusFrequency", 1, 1440, "SubscriptionStatusFrequencyType");
            url = req.childText("URL");
            if (url == null) {
                throw SoapFault.schema("The element 'PushSubscriptionRequest' has incomplete content.", req);
            }
        }
        boolean all = "true".equals(req.attr("SubscribeToAllFolders")) || "1".equals(req.attr("SubscribeToAllFolders"));
        El folderIds = req.child("FolderIds");
        String watermark = kind == Kind.STREAMING ? null : req.childText("Watermark");
        int minutesFinal = minutes;
        String urlFinal = url;
        String msg = EwsOperations.message(
                "Subscribe",
                () -> {
                    Mailbox mb = ctx.mailbox();
                    Set<String> folders = null;
                    if (all == (folderIds != null && !folderIds.children.isEmpty())) {
                        throw new EwsError(
                                "ErrorInvalidSubscriptionRequest",
                                all
                                        ? "SubscribeToAllFolders cannot be combined with FolderIds."
                                        : "The subscription request must name FolderIds or set SubscribeToAllFolders.");
                    }
                    if (!all) {
                        folders = new HashSet<>();
                        Mailbox owner = null;
                        for (El id : folderIds.children) {
                            Folder f = ops.resolveFolder(ctx, id);
                            if (owner != null && owner != f.mailbox) {
                                throw new EwsError(
                                        "ErrorInvalidSubscriptionRequest",
                                        "A subscription can only cover the folders of one mailbox.");
                            }
                            owner = f.mailbox;
                            folders.add(f.key);
                        }
                        mb = owner;
                    }
                    if (urlFinal != null && !validPushUrl(urlFinal)) {
                        throw new EwsError("ErrorInvalidPushSubscriptionUrl", "The push subscription URL is invalid.");
                    }
                    boolean onPrem = ctx.caller().tenant() != null
                            && !ctx.caller().tenant().online();
                    return register(ctx, kind, mb, folders, types, watermark, minutesFinal, urlFinal, onPrem);
                },
                null);
        return EwsOperations.wrap("Subscribe", List.of(msg));
    }

    private static int range(El req, String name, int min, int max, String type) throws SoapFault {
        El e = req.child(name);
        if (e == null) {
            throw SoapFault.schema(
                    "The element '" + req.name + "' has incomplete content. Expected: " + name + ".", req);
        }
        try {
            int v = Integer.parseInt(e.text().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through
        }
        throw SoapFault.schema(
                "The value '" + e.text() + "' is invalid according to its datatype '" + type
                        + "' - the value must be between " + min + " and " + max + ".",
                e);
    }

    static boolean validPushUrl(String url) {
        if (url.isEmpty() || url.length() >= 2083) {
            return false;
        }
        try {
            URI u = new URI(url.trim());
            String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (s.equals("http") || s.equals("https")) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private synchronized String register(
            EwsOperations.Ctx ctx,
            Kind kind,
            Mailbox mb,
            Set<String> folders,
            Set<String> types,
            String watermark,
            int minutes,
            String url,
            boolean onPrem) {
        int live = 0;
        for (Sub s : subs.values()) {
            if (s.mailbox == mb && !expiredNow(s)) {
                live++;
            }
        }
        int limit = subscriptionLimit != null ? subscriptionLimit : onPrem ? 5000 : 20;
        if (live >= limit) {
            throw new EwsError(
                    "ErrorExceededSubscriptionCount",
                    "You have exceeded the available subscriptions for your account. Remove unnecessary subscriptions and try your request again.");
        }
        Log log = log(mb);
        long cursor = log.seq;
        if (watermark != null) {
            cursor = decodeWatermark(log, watermark);
            if (cursor < 0) {
                throw new EwsError(
                        "ErrorInvalidWatermark", "The watermark used for creating this subscription was not found.");
            }
        }
        Sub s = new Sub(newId(), kind, mb, ctx.caller().key(), onPrem, folders, types);
        s.cursor = cursor;
        s.minutes = minutes;
        s.lastUsed = clock.instant();
        subs.put(s.id, s);
        if (kind == Kind.PUSH) {
            s.push = push.start(s, url);
        }
        return "<m:SubscriptionId>" + s.id + "</m:SubscriptionId>"
                + (kind == Kind.STREAMING ? "" : "<m:Watermark>" + watermark(mb.key, cursor) + "</m:Watermark>");
    }

    /** Marks a subscription expired when its time has run out. Caller holds this lock. */
    private boolean expiredNow(Sub s) {
        if (s.expired) {
            return true;
        }
        Instant now = clock.instant();
        if (s.kind == Kind.PULL && now.isAfter(s.lastUsed.plus(Duration.ofMinutes(s.minutes)))) {
            s.expired = true;
        } else if (s.kind == Kind.STREAMING && s.connection == null && now.isAfter(s.lastUsed.plus(STREAMING_IDLE))) {
            s.expired = true;
        }
        return s.expired;
    }

    /** The subscription for a pull/unsubscribe call, or the EwsError for the id. Caller holds this lock. */
    private Sub lookup(EwsOperations.Ctx ctx, String id, boolean pullOnly) {
        Sub s = id == null ? null : subs.get(id.trim());
        if (s == null) {
            throw new EwsError("ErrorSubscriptionNotFound", "The specified subscription was not found.");
        }
        if (!s.owner.equals(ctx.caller().key())) {
            throw new EwsError(
                    "ErrorSubscriptionAccessDenied",
                    "Access is denied. Only the subscription owner may access the subscription.");
        }
        if (pullOnly && s.kind != Kind.PULL) {
            throw new EwsError(
                    "ErrorInvalidPullSubscriptionId", "The subscription ID is not a valid pull subscription ID.");
        }
        if (s.kind == Kind.PUSH) {
            throw new EwsError(
                    "ErrorInvalidPullSubscriptionId", "The subscription ID is not a valid pull subscription ID.");
        }
        if (expiredNow(s)) {
            subs.remove(s.id);
            throw new EwsError("ErrorExpiredSubscription", "The subscription has expired.");
        }
        return s;
    }

    // ----- GetEvents -----

    String getEvents(EwsOperations.Ctx ctx, El op) throws SoapFault {
        String id = op.childText("SubscriptionId");
        String w = op.childText("Watermark");
        if (id == null || w == null) {
            throw SoapFault.schema("The element 'GetEvents' has incomplete content.", op);
        }
        String msg = EwsOperations.message(
                "GetEvents",
                () -> {
                    synchronized (this) {
                        Sub s = lookup(ctx, id, true);
                        Log log = log(s.mailbox);
                        long from = decodeWatermark(log, w);
                        if (from < 0) {
                            throw new EwsError("ErrorInvalidWatermark", "The watermark is invalid.");
                        }
                        s.lastUsed = clock.instant();
                        s.cursor = from;
                        return "<m:Notification>" + notification(s, log, from, true, true) + "</m:Notification>";
                    }
                },
                null);
        return EwsOperations.wrap("GetEvents", List.of(msg));
    }

    /**
     * The inside of a Notification for events after {@code from}: up to 50 of them, or a
     * StatusEvent when there are none (if {@code statusWhenEmpty}); returns null when there is
     * nothing to say. Advances {@code s.cursor}. Caller holds this lock.
     */
    String notification(Sub s, Log log, long from, boolean withWatermarks, boolean statusWhenEmpty) {
        StringBuilder events = new StringBuilder();
        int n = 0;
        boolean more = false;
        long last = from;
        for (Event e : log.events) {
            if (e.seq() <= from || !s.matches(e)) {
                continue;
            }
            if (n == MAX_EVENTS) {
                more = true;
                break;
            }
            events.append(eventXml(e, withWatermarks ? watermark(log.mailboxKey, e.seq()) : null));
            last = e.seq();
            n++;
        }
        if (n == 0) {
            if (!statusWhenEmpty) {
                s.cursor = log.seq;
                return null;
            }
            last = log.seq;
            events.append("<t:StatusEvent><t:Watermark>")
                    .append(watermark(log.mailboxKey, last))
                    .append("</t:Watermark></t:StatusEvent>");
        }
        s.cursor = last;
        return "<t:SubscriptionId>" + s.id + "</t:SubscriptionId>"
                + (withWatermarks
                        ? "<t:PreviousWatermark>" + watermark(log.mailboxKey, from)
                                + "</t:PreviousWatermark><t:MoreEvents>" + more + "</t:MoreEvents>"
                        : "")
                + events;
    }

    static String eventXml(Event e, String watermark) {
        String kind = e.folder() ? "Folder" : "Item";
        String ck = e.folder() ? "AQAAAA==" : "CQAAAA==";
        StringBuilder b = new StringBuilder("<t:").append(e.type()).append('>');
        if (watermark != null) {
            b.append("<t:Watermark>").append(watermark).append("</t:Watermark>");
        }
        b.append("<t:TimeStamp>").append(ItemXml.date(e.time())).append("</t:TimeStamp>");
        b.append("<t:")
                .append(kind)
                .append("Id Id=\"")
                .append(e.id())
                .append("\" ChangeKey=\"")
                .append(ck)
                .append("\"/>");
        b.append("<t:ParentFolderId Id=\"").append(e.parentId()).append("\" ChangeKey=\"AQAAAA==\"/>");
        if (e.oldId() != null) {
            b.append("<t:Old")
                    .append(kind)
                    .append("Id Id=\"")
                    .append(e.oldId())
                    .append("\" ChangeKey=\"")
                    .append(ck)
                    .append("\"/>");
            b.append("<t:OldParentFolderId Id=\"").append(e.oldParentId()).append("\" ChangeKey=\"AQAAAA==\"/>");
        }
        if (e.unread() != null) {
            b.append("<t:UnreadCount>").append(e.unread()).append("</t:UnreadCount>");
        }
        return b.append("</t:").append(e.type()).append('>').toString();
    }

    // ----- Unsubscribe -----

    String unsubscribe(EwsOperations.Ctx ctx, El op) throws SoapFault {
        String id = op.childText("SubscriptionId");
        if (id == null) {
            throw SoapFault.schema("The element 'Unsubscribe' has incomplete content.", op);
        }
        StreamingResponder[] conn = new StreamingResponder[1];
        String msg = EwsOperations.message(
                "Unsubscribe",
                () -> {
                    synchronized (this) {
                        Sub s = lookup(ctx, id, false);
                        subs.remove(s.id);
                        s.expired = true;
                        conn[0] = s.connection;
                        s.connection = null;
                        return "";
                    }
                },
                null);
        if (conn[0] != null) {
            timer.execute(conn[0]::subscriptionsExpired);
        }
        return EwsOperations.wrap("Unsubscribe", List.of(msg));
    }

    // ----- GetStreamingEvents -----

    /**
     * GetStreamingEvents: a {@link StreamingResponder} to start, or the Body's child for an answer
     * that ends at once (bad ids, too many connections).
     */
    Object getStreamingEvents(EwsOperations.Ctx ctx, El op) throws SoapFault {
        El ids = op.child("SubscriptionIds");
        if (ids == null || ids.children.isEmpty()) {
            throw SoapFault.schema("The element 'GetStreamingEvents' has incomplete content.", op);
        }
        int minutes = range(op, "ConnectionTimeout", 1, 30, "StreamingSubscriptionConnectionTimeoutType");
        if (ids.children.size() > MAX_STREAMING_IDS) {
            return streamingError(
                    "ErrorInvalidArgument",
                    "A GetStreamingEvents request can carry at most " + MAX_STREAMING_IDS + " subscription ids.",
                    List.of());
        }
        boolean onPrem = ctx.caller().tenant() != null && !ctx.caller().tenant().online();
        String budget = ctx.caller().appOnly()
                        || !ctx.mailbox().smtp.equalsIgnoreCase(ctx.caller().upn())
                ? "mailbox:" + ctx.mailbox().smtp
                : "user:" + ctx.caller().key();
        List<StreamingResponder> displaced = new ArrayList<>();
        StreamingResponder r;
        synchronized (this) {
            List<Sub> list = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            boolean allUnknown = true;
            for (El e : ids.children) {
                String id = e.text().trim();
                Sub s = subs.get(id);
                if (s == null || !s.owner.equals(ctx.caller().key())) {
                    bad.add(id);
                } else if (s.kind != Kind.STREAMING || expiredNow(s)) {
                    bad.add(id);
                    allUnknown = false;
                } else if (!list.contains(s)) {
                    list.add(s);
                }
            }
            if (!bad.isEmpty()) {
                return allUnknown
                        ? streamingError("ErrorSubscriptionNotFound", "The specified subscription was not found.", bad)
                        : streamingError("ErrorInvalidSubscription", "The subscription is invalid.", bad);
            }
            Set<StreamingResponder> open = connections.computeIfAbsent(budget, k -> new LinkedHashSet<>());
            int limit = connectionLimit != null ? connectionLimit : onPrem ? 3 : 10;
            if (open.size() >= limit) {
                return streamingError(
                        "ErrorExceededConnectionCount",
                        "You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.",
                        List.of());
            }
            r = new StreamingResponder(
                    this,
                    list,
                    budget,
                    minutes * minute.toMillis(),
                    heartbeat.toMillis(),
                    false,
                    ExchangeService.serverVersion(ctx.caller().tenant()));
            for (Sub s : list) {
                if (s.connection != null && s.connection != r) {
                    displaced.add(s.connection);
                }
                s.connection = r;
                s.lastUsed = clock.instant();
            }
            open.add(r);
        }
        for (StreamingResponder d : displaced) {
            timer.execute(d::subscriptionsExpired);
        }
        return r;
    }

    static String streamingError(String code, String text, List<String> badIds) {
        StringBuilder ids = new StringBuilder();
        if (!badIds.isEmpty()) {
            ids.append("<m:ErrorSubscriptionIds>");
            for (String id : badIds) {
                // Messages namespace as Exchange sends it (and EWSMA reads it); the XSD says types.
                ids.append("<m:SubscriptionId>").append(Xml.esc(id)).append("</m:SubscriptionId>");
            }
            ids.append("</m:ErrorSubscriptionIds>");
        }
        return EwsOperations.wrap(
                "GetStreamingEvents",
                List.of(EwsOperations.error(
                        "GetStreamingEvents",
                        "Error",
                        new EwsError(code, text),
                        ids + "<m:ConnectionStatus>Closed</m:ConnectionStatus>")));
    }

    /** Events for a streaming connection: the Notification elements to send now (empty when none). */
    synchronized List<String> collect(StreamingResponder r, boolean withWatermarks) {
        List<String> out = new ArrayList<>();
        for (Sub s : r.subs) {
            if (s.connection != r || s.expired) {
                continue;
            }
            Log log = log(s.mailbox);
            while (true) {
                long before = s.cursor;
                String n = notification(s, log, before, withWatermarks, false);
                if (n == null) {
                    break;
                }
                // m:Notification as Exchange sends it and EWSMA reads it (the XSD says t:Notification).
                out.add("<m:Notification>" + n + "</m:Notification>");
                if (s.cursor == before) {
                    break;
                }
            }
        }
        return out;
    }

    /** Ids of the connection's subscriptions that were expired or taken over; detaches them. */
    synchronized List<String> lostSubscriptions(StreamingResponder r) {
        List<String> out = new ArrayList<>();
        for (Sub s : r.subs) {
            if (s.connection != r || s.expired) {
                out.add(s.id);
                if (s.connection == r) {
                    s.connection = null;
                }
            }
        }
        return out;
    }

    synchronized void disconnected(StreamingResponder r) {
        Set<StreamingResponder> set = connections.get(r.budget);
        if (set != null) {
            set.remove(r);
        }
        for (Sub s : r.subs) {
            if (s.connection == r) {
                s.connection = null;
                s.lastUsed = clock.instant();
            }
        }
    }

    // ----- push -----

    /** Push: the Notification for the subscription's pending events, or a StatusEvent. */
    synchronized String pushNotification(Sub s, boolean statusWhenEmpty) {
        if (s.expired) {
            return null;
        }
        return notification(s, log(s.mailbox), s.cursor, true, statusWhenEmpty);
    }

    synchronized void drop(Sub s) {
        s.expired = true;
        subs.remove(s.id);
    }

    Instant now() {
        return clock.instant();
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
