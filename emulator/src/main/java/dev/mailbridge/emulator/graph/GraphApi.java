package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.entra.EntraUser;
import dev.mailbridge.emulator.exchange.ExchangeService;
import dev.mailbridge.emulator.exchange.StoreAccess;
import dev.mailbridge.emulator.exchange.StoreAccess.AttachmentView;
import dev.mailbridge.emulator.exchange.StoreAccess.Change;
import dev.mailbridge.emulator.exchange.StoreAccess.ChangePage;
import dev.mailbridge.emulator.exchange.StoreAccess.FolderView;
import dev.mailbridge.emulator.exchange.StoreAccess.MessageView;
import dev.mailbridge.emulator.graph.GraphAuth.Caller;
import dev.mailbridge.emulator.graph.GraphAuth.Need;
import dev.mailbridge.emulator.graph.GraphExchange.Req;
import dev.mailbridge.emulator.graph.GraphExchange.Res;
import dev.mailbridge.emulator.server.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routing of Graph's mail surface under {@code /v1.0}: {@code /me} and {@code /users/{id or upn}}
 * with mailFolders, messages (list, delta, get, $value, PATCH, move, copy, DELETE, attachments) and
 * sendMail; {@code /subscriptions}. {@code $batch} is {@link GraphBatch}, which calls back here.
 */
final class GraphApi {
    private static final Pattern KEY_SEGMENT = Pattern.compile("^([A-Za-z]+)\\('(.*)'\\)$");
    private static final String MAIL_FOLDER_CLASS = "IPF.Note";
    /** Largest page a delta round gives (Prefer: odata.maxpagesize); the default is 10. */
    static final int MAX_DELTA_PAGE = 1000;

    private final EntraService entra;
    private final ExchangeService exchange;
    private final GraphSubscriptions subscriptions;
    private final GraphThrottle throttle;
    private final DeltaTokens tokens = new DeltaTokens();
    /** The store, taken once: {@code exchange.access()} also syncs mailboxes with the directory (costly). */
    private final StoreAccess access;

    GraphApi(EntraService entra, ExchangeService exchange, GraphSubscriptions subscriptions, GraphThrottle throttle) {
        this.entra = entra;
        this.exchange = exchange;
        this.subscriptions = subscriptions;
        this.throttle = throttle;
        this.access = exchange.access();
    }

    /** The mailbox a request addresses: its SMTP address, the user's object id and how the path named it. */
    record Target(String smtp, String userId, String displayName, String pathRef) {}

    Res route(Req req) throws GraphError {
        List<String> seg = segments(req.path());
        if (seg.isEmpty()) {
            throw GraphError.noResource(req.path());
        }
        String head = seg.get(0);
        if (head.equalsIgnoreCase("me")) {
            if (req.caller().appOnly()) {
                throw GraphError.badRequest("/me request is only valid with delegated authentication flow.");
            }
            Target t = target(req.caller(), req.caller().upn());
            return user(req, new Target(t.smtp(), t.userId(), t.displayName(), t.userId()), seg.subList(1, seg.size()));
        }
        if (head.equalsIgnoreCase("users") && seg.size() >= 2) {
            Target t = target(req.caller(), seg.get(1));
            return user(req, new Target(t.smtp(), t.userId(), t.displayName(), seg.get(1)), seg.subList(2, seg.size()));
        }
        if (head.equalsIgnoreCase("subscriptions")) {
            return subscriptions(req, seg.subList(1, seg.size()));
        }
        throw GraphError.noResource(req.path());
    }

    /**
     * Path segments, decoded, with OData key syntax {@code mailFolders('inbox')} split in two. A '/'
     * inside a quoted key stays in it, so that an EWS-format id there is refused as malformed rather
     * than read as more segments.
     */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : splitOutsideQuotes(rawPath)) {
            if (s.isEmpty()) {
                continue;
            }
            String d = java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (d.startsWith("microsoft.graph.")) {
                d = d.substring("microsoft.graph.".length());
            }
            if (d.endsWith("()")) {
                // Functions may be called with parentheses (the SDK calls messages/delta()).
                d = d.substring(0, d.length() - 2);
            }
            Matcher m = KEY_SEGMENT.matcher(d);
            if (m.matches()) {
                out.add(m.group(1));
                out.add(m.group(2).replace("''", "'"));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private static List<String> splitOutsideQuotes(String path) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!quoted && c == '\'' && i > 0 && path.charAt(i - 1) == '(') {
                quoted = true; // a key: mailFolders('...')
            } else if (quoted && c == '\'') {
                if (i + 1 < path.length() && path.charAt(i + 1) == '\'') {
                    i++; // '' is a quote inside the key
                } else {
                    quoted = false;
                }
            } else if (c == '/' && !quoted) {
                parts.add(path.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(path.substring(start));
        return parts;
    }

    // ----- users -----

    private Target target(Caller caller, String ref) throws GraphError {
        EntraUser found = null;
        for (EntraUser u : entra.directory().users(caller.tenant().id())) {
            if (u.upn().equalsIgnoreCase(ref) || (u.oid() != null && u.oid().equalsIgnoreCase(ref))) {
                found = u;
                break;
            }
        }
        if (found == null || found.disabled()) {
            throw new GraphError(404, "ErrorInvalidUser", "The requested user '" + ref + "' is invalid.");
        }
        if (!caller.appOnly() && !found.upn().equalsIgnoreCase(caller.upn())) {
            throw GraphError.accessDenied();
        }
        String smtp = found.upn().toLowerCase(Locale.ROOT);
        if (!access.exists(smtp)) {
            exchange.access(); // a user added since: give them their mailbox
        }
        if (!access.exists(smtp)) {
            throw new GraphError(
                    404,
                    "MailboxNotEnabledForRESTAPI",
                    "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        }
        return new Target(smtp, found.oid(), found.displayName(), ref);
    }

    private Res user(Req req, Target t, List<String> rest) throws GraphError {
        if (rest.isEmpty()) {
            GraphAuth.require(req.caller(), Need.USER);
            only(req, "GET");
            ObjectNode o = Json.object();
            o.put("@odata.context", req.root() + "/$metadata#users/$entity");
            o.putArray("businessPhones");
            o.put("displayName", t.displayName());
            o.putNull("givenName");
            o.putNull("jobTitle");
            o.put("mail", t.smtp());
            o.putNull("mobilePhone");
            o.putNull("officeLocation");
            o.putNull("preferredLanguage");
            o.putNull("surname");
            o.put("userPrincipalName", t.smtp());
            o.put("id", t.userId());
            return Res.json(200, o);
        }
        try (AutoCloseable slot = throttle.enter(String.valueOf(req.caller().appId()), t.smtp())) {
            return mail(req, t, rest);
        } catch (GraphError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Res mail(Req req, Target t, List<String> rest) throws GraphError {
        String what = rest.get(0);
        List<String> tail = rest.subList(1, rest.size());
        if (what.equalsIgnoreCase("sendMail") && tail.isEmpty()) {
            return sendMail(req, t);
        }
        if (what.equalsIgnoreCase("mailFolders")) {
            return mailFolders(req, t, tail);
        }
        if (what.equalsIgnoreCase("messages")) {
            return messages(req, t, null, tail);
        }
        throw GraphError.noResource(req.path());
    }

    // ----- mailFolders -----

    private Res mailFolders(Req req, Target t, List<String> rest) throws GraphError {
        StoreAccess store = access;
        String ctx = req.root() + "/$metadata#users('" + esc(t.pathRef()) + "')/mailFolders";
        if (rest.isEmpty()) {
            if (req.method().equals("POST")) {
                return createFolder(req, t, "msgfolderroot", ctx);
            }
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            FolderView root = store.folder(t.smtp(), "msgfolderroot");
            return folderList(req, ctx, store.childFolders(t.smtp(), root.id()));
        }
        FolderView folder = store.folder(t.smtp(), RestIds.input(rest.get(0)));
        if (folder == null) {
            throw GraphError.itemNotFound();
        }
        List<String> tail = rest.subList(1, rest.size());
        if (tail.isEmpty()) {
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            ObjectNode o = Json.object();
            o.put("@odata.context", ctx + "/$entity");
            o.setAll(MessageJson.folder(folder));
            return Res.json(200, o);
        }
        if (tail.get(0).equalsIgnoreCase("childFolders") && tail.size() == 1) {
            if (req.method().equals("POST")) {
                return createFolder(req, t, folder.id(), ctx + "('" + esc(rest.get(0)) + "')/childFolders");
            }
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            return folderList(
                    req, ctx + "('" + esc(rest.get(0)) + "')/childFolders", store.childFolders(t.smtp(), folder.id()));
        }
        if (tail.get(0).equalsIgnoreCase("messages")) {
            return messages(req, t, folder, tail.subList(1, tail.size()));
        }
        throw GraphError.noResource(req.path());
    }

    private Res createFolder(Req req, Target t, String parent, String ctx) throws GraphError {
        GraphAuth.require(req.caller(), Need.WRITE);
        String name = req.json().path("displayName").asText("").trim();
        if (name.isEmpty()) {
            throw GraphError.badRequest("The displayName of a mailFolder is required.");
        }
        FolderView f;
        try {
            f = access.createFolder(t.smtp(), parent, name);
        } catch (IllegalStateException e) {
            throw new GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
        }
        if (f == null) {
            throw GraphError.itemNotFound();
        }
        ObjectNode o = Json.object();
        o.put("@odata.context", ctx + "/$entity");
        o.setAll(MessageJson.folder(f));
        return Res.json(201, o);
    }

    private Res folderList(Req req, String ctx, List<FolderView> folders) throws GraphError {
        List<FolderView> mail = new ArrayList<>();
        for (FolderView f : folders) {
            if (MAIL_FOLDER_CLASS.equals(f.folderClass())) {
                mail.add(f);
            }
        }
        int skip = req.query().containsKey("$skip") ? Math.max(0, ODataQuery.integer("$skip", req.q("$skip"))) : 0;
        int top = req.query().containsKey("$top")
                ? Math.max(1, Math.min(ODataQuery.MAX_TOP, ODataQuery.integer("$top", req.q("$top"))))
                : ODataQuery.DEFAULT_PAGE;
        ObjectNode o = Json.object();
        o.put("@odata.context", ctx);
        ArrayNode value = o.putArray("value");
        for (int i = skip; i < Math.min(mail.size(), skip + top); i++) {
            value.add(MessageJson.folder(mail.get(i)));
        }
        if (skip + top < mail.size()) {
            o.put("@odata.nextLink", nextLink(req, skip + top, top));
        }
        return Res.json(200, o);
    }

    // ----- messages -----

    private Res messages(Req req, Target t, FolderView folder, List<String> rest) throws GraphError {
        StoreAccess store = access;
        String ctxBase = req.root() + "/$metadata#users('" + esc(t.pathRef()) + "')"
                + (folder == null ? "" : "/mailFolders('" + esc(folderRef(req)) + "')") + "/messages";
        if (rest.isEmpty()) {
            if (req.method().equals("POST")) {
                GraphAuth.require(req.caller(), Need.WRITE);
                MessageView draft =
                        store.saveDraft(t.smtp(), folder == null ? "drafts" : folder.id(), outgoing(req, t, false));
                return Res.json(201, entity(req, ctxBase, draft, null));
            }
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            return list(req, store, t, folder, ctxBase);
        }
        if (rest.get(0).equalsIgnoreCase("delta") && rest.size() == 1) {
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            return delta(req, store, t, folder);
        }
        MessageView m = store.message(t.smtp(), RestIds.input(rest.get(0)));
        if (m == null || (folder != null && !m.folderId().equals(folder.id()))) {
            throw GraphError.itemNotFound();
        }
        List<String> tail = rest.subList(1, rest.size());
        if (tail.isEmpty()) {
            return switch (req.method()) {
                case "GET" -> {
                    GraphAuth.require(req.caller(), Need.READ);
                    ODataQuery q = ODataQuery.parse(req.query());
                    yield Res.json(200, entity(req, ctxBase, m, q.select));
                }
                case "PATCH" -> {
                    GraphAuth.require(req.caller(), Need.WRITE);
                    ifMatch(req, m);
                    yield Res.json(200, entity(req, ctxBase, patch(req, t, m), null));
                }
                case "DELETE" -> {
                    GraphAuth.require(req.caller(), Need.WRITE);
                    ifMatch(req, m);
                    FolderView deleted = store.folder(t.smtp(), "deleteditems");
                    if (m.folderId().equals(deleted.id())) {
                        store.delete(t.smtp(), m.id());
                    } else {
                        store.move(t.smtp(), m.id(), deleted.id());
                    }
                    yield Res.empty(204);
                }
                default -> throw GraphError.methodNotAllowed();
            };
        }
        String op = tail.get(0);
        if (op.equalsIgnoreCase("send") && tail.size() == 1) {
            only(req, "POST");
            GraphAuth.require(req.caller(), Need.SEND);
            try {
                store.sendDraft(t.smtp(), m.id());
            } catch (IllegalArgumentException e) {
                throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
            }
            return Res.empty(202);
        }
        if (op.equals("$value") && tail.size() == 1) {
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            return new Res(200, new LinkedHashMap<>(), "text/plain", m.mime());
        }
        if ((op.equalsIgnoreCase("move") || op.equalsIgnoreCase("copy")) && tail.size() == 1) {
            only(req, "POST");
            GraphAuth.require(req.caller(), Need.WRITE);
            String dest = param(req.json(), "destinationId").asText(null);
            if (dest != null) {
                dest = RestIds.input(dest);
            }
            if (dest == null || store.folder(t.smtp(), dest) == null) {
                throw new GraphError(
                        dest == null ? 400 : 404,
                        dest == null ? "ErrorInvalidRequest" : "ErrorItemNotFound",
                        dest == null
                                ? "The destinationId parameter is required."
                                : "The specified object was not found in the store.");
            }
            MessageView result = op.equalsIgnoreCase("move")
                    ? store.move(t.smtp(), m.id(), dest)
                    : store.copy(t.smtp(), m.id(), dest);
            String ctx = req.root() + "/$metadata#users('" + esc(t.pathRef()) + "')/messages";
            return Res.json(201, entity(req, ctx, result, null));
        }
        if (op.equalsIgnoreCase("attachments")) {
            only(req, "GET");
            GraphAuth.require(req.caller(), Need.READ);
            return attachments(req, t, m, ctxBase, tail.subList(1, tail.size()));
        }
        throw GraphError.noResource(req.path());
    }

    /** 412 when If-Match names another version than the message's current @odata.etag. */
    private static void ifMatch(Req req, MessageView m) throws GraphError {
        String ifMatch = req.header("If-Match");
        if (ifMatch != null && !ifMatch.trim().equals("*") && !ifMatch.trim().equals(MessageJson.etag(m))) {
            throw new GraphError(
                    412,
                    "ErrorIrresolvableConflict",
                    "The send or update operation could not be performed because the change key passed in the"
                            + " request does not match the current change key for the item.");
        }
    }

    private String folderRef(Req req) {
        List<String> seg = segments(req.path());
        for (int i = 0; i < seg.size() - 1; i++) {
            if (seg.get(i).equalsIgnoreCase("mailFolders")) {
                return seg.get(i + 1);
            }
        }
        return "";
    }

    private Res list(Req req, StoreAccess store, Target t, FolderView folder, String ctx) throws GraphError {
        ODataQuery q = ODataQuery.parse(req.query());
        q.checkSortAgainstFilter();
        List<MessageView> all = q.apply(store.messages(
                t.smtp(), folder == null ? null : folder.id(), folder == null ? MAIL_FOLDER_CLASS : null));
        int page = q.top != null ? q.top : preferredPageSize(req, ODataQuery.DEFAULT_PAGE, ODataQuery.MAX_TOP);
        boolean text = preferText(req);
        ObjectNode o = Json.object();
        o.put("@odata.context", ctx + selectSuffix(q.select));
        if (q.count) {
            o.put("@odata.count", all.size());
        }
        ArrayNode value = o.putArray("value");
        for (int i = q.skip; i < Math.min(all.size(), q.skip + page); i++) {
            value.add(MessageJson.message(all.get(i), q.select, text, webLinkBase()));
        }
        if (q.skip + page < all.size()) {
            o.put("@odata.nextLink", nextLink(req, q.skip + page, page));
        }
        Res res = Res.json(200, o);
        applied(req, res, text);
        return res;
    }

    private Res delta(Req req, StoreAccess store, Target t, FolderView folder) throws GraphError {
        String folderKey = folder == null ? "*" : folder.id();
        DeltaTokens.State state;
        long since;
        long upTo;
        long cursor;
        if (req.q("$skiptoken") != null || req.q("$deltatoken") != null) {
            boolean skip = req.q("$skiptoken") != null;
            state = tokens.decode(skip ? req.q("$skiptoken") : req.q("$deltatoken"));
            if (state == null
                    || !state.mailbox().equals(t.smtp())
                    || !state.folder().equals(folderKey)
                    || state.epoch() != store.epoch()) {
                throw new GraphError(
                        410,
                        "SyncStateNotFound",
                        "The sync state generation is not found. The delta token is expired or not valid: start a new"
                                + " round without $deltatoken.");
            }
            since = state.since();
            upTo = skip ? state.upTo() : store.currentSeq(t.smtp());
            cursor = skip ? state.cursor() : 0;
        } else {
            ODataQuery q = ODataQuery.parse(req.query());
            if (req.q("$filter") != null || req.q("$orderby") != null || req.q("$search") != null) {
                throw GraphError.badRequest("The delta function of messages supports $select, $top and"
                        + " changeType only; the emulator does not take $filter, $orderby or $search here.");
            }
            int size = q.top != null ? Math.min(q.top, MAX_DELTA_PAGE) : preferredPageSize(req, 10, MAX_DELTA_PAGE);
            state = new DeltaTokens.State(
                    t.smtp(),
                    folderKey,
                    0,
                    0,
                    0,
                    store.epoch(),
                    q.select == null ? "" : String.join(",", q.select),
                    size);
            since = 0;
            upTo = store.currentSeq(t.smtp());
            cursor = 0;
        }
        List<String> select =
                state.select().isEmpty() ? null : Arrays.asList(state.select().split(","));
        int size = req.header("Prefer") != null && req.header("Prefer").contains("odata.maxpagesize")
                ? preferredPageSize(req, state.pageSize(), MAX_DELTA_PAGE)
                : state.pageSize();
        ChangePage page = store.changes(
                t.smtp(),
                folder == null ? null : folder.id(),
                folder == null ? MAIL_FOLDER_CLASS : null,
                since,
                upTo,
                cursor,
                size);
        boolean text = preferText(req);
        ObjectNode o = Json.object();
        o.put("@odata.context", req.root() + "/$metadata#Collection(message)");
        ArrayNode value = o.putArray("value");
        long last = cursor;
        for (Change c : page.changes()) {
            last = c.seq();
            if (c.message() != null) {
                ObjectNode item = Json.object();
                item.put("@odata.type", "#microsoft.graph.message");
                item.setAll(MessageJson.message(c.message(), select, text, webLinkBase()));
                value.add(item);
            } else {
                value.add(MessageJson.removed(RestIds.toRest(c.removedId())));
            }
        }
        String link = req.root() + req.path();
        if (page.more()) {
            String token = tokens.encode(new DeltaTokens.State(
                    t.smtp(), folderKey, since, upTo, last, state.epoch(), state.select(), state.pageSize()));
            o.put("@odata.nextLink", link + "?$skiptoken=" + token);
        } else {
            String token = tokens.encode(new DeltaTokens.State(
                    t.smtp(), folderKey, upTo, 0, 0, state.epoch(), state.select(), state.pageSize()));
            o.put("@odata.deltaLink", link + "?$deltatoken=" + token);
        }
        Res res = Res.json(200, o);
        applied(req, res, text);
        return res;
    }

    private ObjectNode entity(Req req, String ctx, MessageView m, List<String> select) {
        ObjectNode o = Json.object();
        o.put("@odata.context", ctx + selectSuffix(select) + "/$entity");
        o.setAll(MessageJson.message(m, select, preferText(req), webLinkBase()));
        return o;
    }

    private MessageView patch(Req req, Target t, MessageView m) throws GraphError {
        JsonNode body = req.json();
        Boolean read = null;
        List<String> categories = null;
        String importance = null;
        String subject = null;
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            switch (name) {
                case "isRead" -> {
                    if (!v.isBoolean()) {
                        throw GraphError.badRequest("isRead must be true or false.");
                    }
                    read = v.asBoolean();
                }
                case "categories" -> {
                    categories = new ArrayList<>();
                    for (JsonNode c : v) {
                        categories.add(c.asText());
                    }
                }
                case "importance" -> {
                    String i = v.asText("").toLowerCase(Locale.ROOT);
                    if (!List.of("low", "normal", "high").contains(i)) {
                        throw GraphError.badRequest("importance must be low, normal or high.");
                    }
                    importance = i.substring(0, 1).toUpperCase(Locale.ROOT) + i.substring(1);
                }
                case "subject" -> subject = v.asText("");
                default -> {
                    if (!name.startsWith("@")) {
                        throw GraphError.badRequest("The emulator cannot update the property '" + name
                                + "' of a message; it updates isRead, categories, importance and subject.");
                    }
                }
            }
        }
        MessageView updated = access.update(t.smtp(), m.id(), read, categories, importance, subject);
        if (updated == null) {
            throw GraphError.itemNotFound();
        }
        return updated;
    }

    private Res attachments(Req req, Target t, MessageView m, String ctxBase, List<String> rest) throws GraphError {
        String ctx = req.root() + "/$metadata#users('" + esc(t.pathRef()) + "')/messages('"
                + esc(RestIds.toRest(m.id())) + "')/attachments";
        if (rest.isEmpty()) {
            ObjectNode o = Json.object();
            o.put("@odata.context", ctx);
            ArrayNode value = o.putArray("value");
            for (AttachmentView a : m.attachments()) {
                value.add(MessageJson.attachment(a, m.lastModified(), true));
            }
            return Res.json(200, o);
        }
        String attachmentId = RestIds.input(rest.get(0));
        for (AttachmentView a : m.attachments()) {
            if (a.id().equals(attachmentId)) {
                if (rest.size() == 1) {
                    ObjectNode o = Json.object();
                    o.put("@odata.context", ctx + "/$entity");
                    o.setAll(MessageJson.attachment(a, m.lastModified(), true));
                    return Res.json(200, o);
                }
                if (rest.size() == 2 && rest.get(1).equals("$value")) {
                    return new Res(200, new LinkedHashMap<>(), a.contentType(), a.content());
                }
                throw GraphError.noResource(req.path());
            }
        }
        throw GraphError.itemNotFound();
    }

    // ----- sendMail -----

    private Res sendMail(Req req, Target t) throws GraphError {
        only(req, "POST");
        GraphAuth.require(req.caller(), Need.SEND);
        String type = req.header("Content-Type") == null
                ? ""
                : req.header("Content-Type").toLowerCase(Locale.ROOT);
        byte[] mime;
        boolean save = true;
        if (type.startsWith("text/plain")) {
            mime = OutgoingMail.fromBase64(req.body());
        } else {
            JsonNode body = req.json();
            if (!param(body, "message").isObject()) {
                throw new GraphError(400, "ErrorInvalidRequest", "The 'message' parameter is required to send mail.");
            }
            save = param(body, "saveToSentItems").asBoolean(true);
            mime = OutgoingMail.fromJson(param(body, "message"), t.smtp(), t.displayName());
        }
        try {
            access.send(t.smtp(), mime, save);
        } catch (IllegalArgumentException e) {
            throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
        }
        return Res.empty(202);
    }

    private static boolean isMime(Req req) {
        String type = req.header("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/plain");
    }

    /**
     * The MIME of a message a request carries: base64 MIME (text/plain), or a JSON message resource,
     * wrapped in {@code {"message": ...}} for sendMail.
     */
    private static byte[] outgoing(Req req, Target t, boolean wrapped) throws GraphError {
        if (isMime(req)) {
            return OutgoingMail.fromBase64(req.body());
        }
        JsonNode message = wrapped ? param(req.json(), "message") : req.json();
        if (!message.isObject()) {
            throw new GraphError(400, "ErrorInvalidRequest", "The 'message' parameter is required to send mail.");
        }
        return OutgoingMail.fromJson(message, t.smtp(), t.displayName());
    }

    // ----- subscriptions -----

    private Res subscriptions(Req req, List<String> rest) throws GraphError {
        String root = req.root();
        if (rest.isEmpty()) {
            if (req.method().equals("GET")) {
                ObjectNode o = Json.object();
                o.put("@odata.context", root + "/$metadata#subscriptions");
                ArrayNode value = o.putArray("value");
                for (GraphSubscriptions.Sub s : subscriptions.list(req.caller())) {
                    ObjectNode j = subscriptions.json(s, root);
                    j.remove("@odata.context");
                    value.add(j);
                }
                return Res.json(200, o);
            }
            only(req, "POST");
            JsonNode body = req.json();
            Resource r = resource(req.caller(), body.path("resource").asText(""));
            GraphAuth.require(req.caller(), Need.READ);
            GraphSubscriptions.Sub s =
                    subscriptions.create(body, req.caller(), r.target.smtp(), r.target.userId(), r.folderId);
            return Res.json(201, subscriptions.json(s, root));
        }
        String id = rest.get(0);
        if (rest.size() == 2 && rest.get(1).equalsIgnoreCase("reauthorize")) {
            only(req, "POST");
            subscriptions.get(id, req.caller());
            return Res.empty(204);
        }
        if (rest.size() != 1) {
            throw GraphError.noResource(req.path());
        }
        return switch (req.method()) {
            case "GET" -> Res.json(200, subscriptions.json(subscriptions.get(id, req.caller()), root));
            case "PATCH" -> Res.json(200, subscriptions.json(subscriptions.update(id, req.json(), req.caller()), root));
            case "DELETE" -> {
                subscriptions.delete(id, req.caller());
                yield Res.empty(204);
            }
            default -> throw GraphError.methodNotAllowed();
        };
    }

    private record Resource(Target target, String folderId) {}

    /**
     * A subscription resource: {@code me/messages}, {@code users/{id}/messages},
     * {@code me/mailFolders('{id}')/messages} or {@code users/{id}/mailFolders/{id}/messages}.
     */
    private Resource resource(Caller caller, String raw) throws GraphError {
        List<String> seg = segments(raw);
        Target t;
        List<String> rest;
        if (!seg.isEmpty() && seg.get(0).equalsIgnoreCase("me") && !caller.appOnly()) {
            t = target(caller, caller.upn());
            rest = seg.subList(1, seg.size());
        } else if (seg.size() >= 2 && seg.get(0).equalsIgnoreCase("users")) {
            t = target(caller, seg.get(1));
            rest = seg.subList(2, seg.size());
        } else {
            throw unsupportedResource(raw);
        }
        if (rest.size() == 1 && rest.get(0).equalsIgnoreCase("messages")) {
            return new Resource(t, null);
        }
        if (rest.size() == 3
                && rest.get(0).equalsIgnoreCase("mailFolders")
                && rest.get(2).equalsIgnoreCase("messages")) {
            FolderView f = access.folder(t.smtp(), RestIds.input(rest.get(1)));
            if (f == null) {
                throw GraphError.itemNotFound();
            }
            return new Resource(t, f.id());
        }
        throw unsupportedResource(raw);
    }

    private static GraphError unsupportedResource(String raw) {
        return new GraphError(
                400,
                "ExtensionError",
                "Operation: Create; Exception: [Status Code: BadRequest; Reason: The emulator supports subscriptions on"
                        + " me/messages, users/{id}/messages and .../mailFolders('{id}')/messages, not '" + raw
                        + "'.]");
    }

    // ----- helpers -----

    /** An action parameter: Graph matches their names case-insensitively (the SDK sends "Message"). */
    private static JsonNode param(JsonNode body, String name) {
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static void only(Req req, String method) throws GraphError {
        if (!req.method().equals(method)) {
            throw GraphError.methodNotAllowed();
        }
    }

    private static String selectSuffix(List<String> select) {
        return select == null ? "" : "(" + String.join(",", select) + ")";
    }

    private static String esc(String s) {
        return s.replace("'", "''");
    }

    private static String webLinkBase() {
        return "https://outlook.office365.com/owa/";
    }

    /** The request's link with $skip (and $top) set for the next page, other options kept. */
    private static String nextLink(Req req, int skip, int top) {
        Map<String, String> q = new LinkedHashMap<>(req.query());
        q.put("$top", Integer.toString(top));
        q.put("$skip", Integer.toString(skip));
        StringBuilder b = new StringBuilder(req.root()).append(req.path()).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : q.entrySet()) {
            if (!first) {
                b.append('&');
            }
            first = false;
            b.append(e.getKey()).append('=').append(enc(e.getValue()));
        }
        return b.toString();
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code Prefer: odata.maxpagesize=N}, clamped to [1, max]; {@code dflt} without one. */
    private static int preferredPageSize(Req req, int dflt, int max) {
        String prefer = req.header("Prefer");
        if (prefer != null) {
            Matcher m = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)").matcher(prefer);
            if (m.find()) {
                return Math.max(1, Math.min(max, Integer.parseInt(m.group(1))));
            }
        }
        return dflt;
    }

    private static boolean preferText(Req req) {
        String prefer = req.header("Prefer");
        return prefer != null && prefer.replace(" ", "").contains("outlook.body-content-type=\"text\"");
    }

    private static void applied(Req req, Res res, boolean text) {
        String prefer = req.header("Prefer");
        if (prefer == null) {
            return;
        }
        List<String> applied = new ArrayList<>();
        Matcher m = Pattern.compile("odata\\.maxpagesize\\s*=\\s*\\d+").matcher(prefer);
        if (m.find()) {
            applied.add(m.group());
        }
        if (text) {
            applied.add("outlook.body-content-type=\"text\"");
        }
        if (!applied.isEmpty()) {
            res.with("Preference-Applied", String.join(",", applied));
        }
    }
}
