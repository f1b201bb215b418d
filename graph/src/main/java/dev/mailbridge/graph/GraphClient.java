package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.identity.Authenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Graph mail for one mailbox: {@code /me} (delegated) or {@code /users/{upn}} (app-only). Made by
 * {@link GraphProtocol}. Every call passes the mailbox's gate (at most 4 in flight, paused while Graph's
 * {@code Retry-After} runs), retries throttling and transient failures within the retry budget (reads
 * only after ambiguous failures), and on a 401 drops the token and retries once with a fresh one.
 * Thread-safe.
 */
public final class GraphClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(GraphClient.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final GraphProtocol protocol;
    private final Authenticator auth;
    private final String mailbox;
    private final String userPath;
    private final GraphProtocol.Gate gate;

    GraphClient(GraphProtocol protocol, Authenticator auth, String mailbox, String userPath, GraphProtocol.Gate gate) {
        this.protocol = protocol;
        this.auth = auth;
        this.mailbox = mailbox;
        this.userPath = userPath;
        this.gate = gate;
    }

    /** The mailbox named for app-only access; empty for {@code /me}. */
    public Optional<String> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    // ----- folders -----

    /** The top-level mail folders (Inbox, Sent Items, ...), every page. */
    public List<MailFolder> folders() {
        return folderPages(url(userPath + "/mailFolders?$top=100"));
    }

    /** The child folders of a folder (id or well-known name), every page. */
    public List<MailFolder> childFolders(String folder) {
        return folderPages(url(userPath + "/mailFolders/" + GraphProtocol.encode(folder) + "/childFolders?$top=100"));
    }

    /** One folder by id or well-known name ({@code inbox}, {@code sentitems}, {@code deleteditems}, ...). */
    public MailFolder folder(String folder) {
        return MailFolder.of(getJson(url(userPath + "/mailFolders/" + GraphProtocol.encode(folder))));
    }

    /** Creates a folder under {@code parent} (id or well-known name; {@code msgfolderroot} for the top level). */
    public MailFolder createFolder(String parent, String displayName) {
        ObjectNode body = JSON.createObjectNode().put("displayName", displayName);
        URI uri = url(userPath + "/mailFolders/" + GraphProtocol.encode(parent) + "/childFolders");
        return MailFolder.of(send(jsonReq("POST", uri, body, false), GraphClient::readJson));
    }

    private List<MailFolder> folderPages(URI first) {
        List<MailFolder> out = new ArrayList<>();
        for (URI next = first; next != null; ) {
            JsonNode page = getJson(next);
            page.path("value").forEach(f -> out.add(MailFolder.of(f)));
            next = link(page, "@odata.nextLink");
        }
        return out;
    }

    // ----- delta sync -----

    /**
     * One page of {@code messages/delta} for a folder: {@code link} null starts a full round, else it is the
     * stored deltaLink (or the nextLink of the page before).
     *
     * @throws GraphResyncRequiredException when Graph no longer knows the state: start again with null
     * @throws GraphException also when a page has neither a nextLink nor a deltaLink
     */
    public DeltaPage delta(String folder, String link, int pageSize) {
        URI uri = link != null
                ? ownLink(link)
                : url(userPath + "/mailFolders/" + GraphProtocol.encode(folder) + "/messages/delta?$select="
                        + MailMessage.SELECT);
        JsonNode page = send(
                new Req("GET", uri, null, null, true, Map.of("Prefer", "odata.maxpagesize=" + pageSize)),
                GraphClient::readJson);
        List<DeltaPage.Change> changes = new ArrayList<>();
        for (JsonNode n : page.path("value")) {
            JsonNode removed = n.get("@removed");
            String id = n.path("id").asText();
            changes.add(
                    removed != null
                            ? new DeltaPage.Change(
                                    id, null, removed.path("reason").asText("deleted"))
                            : new DeltaPage.Change(id, MailMessage.of(n), null));
        }
        String next = GraphErrors.textOrNull(page.get("@odata.nextLink"));
        String delta = GraphErrors.textOrNull(page.get("@odata.deltaLink"));
        if (next == null && delta == null) {
            // a page that leads nowhere: the round could neither go on nor be resumed
            throw new GraphException(
                    200,
                    null,
                    null,
                    null,
                    "Microsoft Graph ended a delta page with neither a nextLink nor a deltaLink.",
                    "Sync the folder again from the start.");
        }
        return new DeltaPage(List.copyOf(changes), next, delta);
    }

    /**
     * A whole delta round: follows the nextLinks, hands each page to {@code apply} (in order, on this thread)
     * and returns the new sync state (the deltaLink) to store once everything is applied.
     *
     * @param state the stored deltaLink, or null for an initial sync
     * @throws GraphResyncRequiredException when the stored state is invalid (drop it and call again with null)
     */
    public String syncFolder(String folder, String state, int pageSize, Consumer<DeltaPage> apply) {
        String link = state;
        while (true) {
            DeltaPage page = delta(folder, link, pageSize);
            apply.accept(page);
            if (page.last()) {
                return page.deltaLink();
            }
            link = page.nextLink();
        }
    }

    // ----- messages -----

    /** A message's metadata (no body). */
    public MailMessage message(String id) {
        return MailMessage.of(getJson(url(messagePath(id) + "?$select=" + MailMessage.SELECT)));
    }

    /** The message's MIME ({@code $value}) copied into {@code out} as it arrives; returns the byte count. */
    public long downloadMime(String id, OutputStream out) {
        return send(
                new Req("GET", url(messagePath(id) + "/$value"), null, null, true, Map.of()),
                (r, in) -> in.transferTo(out));
    }

    /** Sends a message from Graph's JSON form (a copy in Sent Items unless told otherwise). */
    public void sendMail(OutgoingMail mail) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode message = root.putObject("message");
        message.put("subject", mail.subject());
        message.putObject("body")
                .put("contentType", mail.html() ? "HTML" : "Text")
                .put("content", mail.body());
        recipients(message.putArray("toRecipients"), mail.to());
        recipients(message.putArray("ccRecipients"), mail.cc());
        root.put("saveToSentItems", mail.saveToSentItems());
        send(jsonReq("POST", url(userPath + "/sendMail"), root, false), (r, in) -> null);
    }

    /**
     * Sends a ready RFC 5322 message (MIME form: base64 streamed from {@code mime}, never held whole;
     * Graph saves a copy in Sent Items). {@code mime} is opened again for a retry.
     */
    public void sendMime(Supplier<InputStream> mime) {
        send(
                new Req(
                        "POST",
                        url(userPath + "/sendMail"),
                        "text/plain",
                        () -> new Base64Encoding(mime.get()),
                        false,
                        Map.of()),
                (r, in) -> null);
    }

    /** Marks a message read or unread; returns it as it is now. */
    public MailMessage markRead(String id, boolean read) {
        ObjectNode body = JSON.createObjectNode().put("isRead", read);
        return MailMessage.of(send(jsonReq("PATCH", url(messagePath(id)), body, true), GraphClient::readJson));
    }

    /** Replaces a message's categories; returns it as it is now. */
    public MailMessage setCategories(String id, List<String> categories) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("categories");
        categories.forEach(list::add);
        return MailMessage.of(send(jsonReq("PATCH", url(messagePath(id)), body, true), GraphClient::readJson));
    }

    /** Moves a message; the moved message has a new id (the old one is gone). */
    public MailMessage move(String id, String destinationFolder) {
        return moveOrCopy(id, destinationFolder, "move");
    }

    /** Copies a message into a folder; returns the copy. */
    public MailMessage copy(String id, String destinationFolder) {
        return moveOrCopy(id, destinationFolder, "copy");
    }

    private MailMessage moveOrCopy(String id, String destination, String action) {
        ObjectNode body = JSON.createObjectNode().put("destinationId", destination);
        return MailMessage.of(
                send(jsonReq("POST", url(messagePath(id) + "/" + action), body, false), GraphClient::readJson));
    }

    /** Deletes a message (Graph moves it to Deleted Items; from there it is removed). */
    public void delete(String id) {
        send(new Req("DELETE", url(messagePath(id)), null, null, false, Map.of()), (r, in) -> null);
    }

    // ----- subscriptions -----

    /** The subscription resource for a folder of this mailbox, e.g. {@code users/{upn}/mailFolders('inbox')/messages}. */
    public String folderResource(String folder) {
        return userPath.substring(1) + "/mailFolders('" + folder.replace("'", "''") + "')/messages";
    }

    /**
     * Creates a subscription. Graph first validates {@code notificationUrl} (and the lifecycle URL): the
     * receiver must echo the {@code validationToken} ({@link GraphNotifications#validationToken}).
     */
    public Subscription subscribe(
            String resource,
            String changeType,
            URI notificationUrl,
            URI lifecycleNotificationUrl,
            String clientState,
            Instant expiration) {
        ObjectNode body = JSON.createObjectNode()
                .put("changeType", changeType)
                .put("notificationUrl", notificationUrl.toString())
                .put("resource", resource)
                .put(
                        "expirationDateTime",
                        expiration.truncatedTo(ChronoUnit.SECONDS).toString())
                .put("clientState", clientState);
        if (lifecycleNotificationUrl != null) {
            body.put("lifecycleNotificationUrl", lifecycleNotificationUrl.toString());
        }
        return Subscription.of(
                send(jsonReq("POST", url("/subscriptions"), body, false), GraphClient::readJson), clientState);
    }

    /**
     * Renews a subscription to a new expiry (PATCH). If Graph no longer has it (404: it expired or was
     * removed), creates it again with the same parameters; the returned subscription then has a new id.
     */
    public Subscription renew(Subscription s, Instant expiration) {
        ObjectNode body = JSON.createObjectNode()
                .put(
                        "expirationDateTime",
                        expiration.truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return Subscription.of(
                    send(
                            jsonReq("PATCH", url("/subscriptions/" + GraphProtocol.encode(s.id())), body, true),
                            GraphClient::readJson),
                    s.clientState());
        } catch (GraphNotFoundException gone) {
            log.info("Subscription {} is gone ({}); creating it again", s.id(), gone.code());
            return subscribe(
                    s.resource(),
                    s.changeType(),
                    URI.create(s.notificationUrl()),
                    s.lifecycleNotificationUrl() == null ? null : URI.create(s.lifecycleNotificationUrl()),
                    s.clientState(),
                    expiration);
        }
    }

    /** Deletes a subscription; one Graph no longer has counts as deleted. */
    public void unsubscribe(String subscriptionId) {
        try {
            send(
                    new Req(
                            "DELETE",
                            url("/subscriptions/" + GraphProtocol.encode(subscriptionId)),
                            null,
                            null,
                            true,
                            Map.of()),
                    (r, in) -> null);
        } catch (GraphNotFoundException alreadyGone) {
            // Expired or removed already: the wanted end state.
        }
    }

    // ----- the request core -----

    private String messagePath(String id) {
        return userPath + "/messages/" + GraphProtocol.encode(id);
    }

    private URI url(String pathAndQuery) {
        return URI.create(protocol.root() + pathAndQuery);
    }

    private URI link(JsonNode page, String name) {
        String s = GraphErrors.textOrNull(page.get(name));
        return s == null ? null : ownLink(s);
    }

    /** A nextLink/deltaLink is followed with the bearer token, so only under this protocol's root. */
    private URI ownLink(String link) {
        String root = protocol.root() + "/";
        if (!link.startsWith(root)) {
            throw new IllegalArgumentException("A Graph link must start with " + root
                    + " (the token is sent with it); this one does not. Sync the folder again from the start.");
        }
        return URI.create(link);
    }

    private JsonNode getJson(URI uri) {
        return send(new Req("GET", uri, null, null, true, Map.of()), GraphClient::readJson);
    }

    private static Req jsonReq(String method, URI uri, JsonNode body, boolean idempotent) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Req(
                method, uri, "application/json", () -> new java.io.ByteArrayInputStream(bytes), idempotent, Map.of());
    }

    private static void recipients(ArrayNode array, List<String> addresses) {
        addresses.forEach(a -> array.addObject().putObject("emailAddress").put("address", a));
    }

    static JsonNode readJson(HttpResponse<InputStream> r, InputStream in) throws IOException {
        JsonNode n = JSON.readTree(in);
        return n == null ? JSON.createObjectNode() : n;
    }

    /** One request: {@code idempotent} ones are also retried after 5xx and connection failures. */
    record Req(
            String method,
            URI uri,
            String contentType,
            Supplier<InputStream> body,
            boolean idempotent,
            Map<String, String> headers) {}

    @FunctionalInterface
    interface Handler<T> {
        T handle(HttpResponse<InputStream> response, InputStream body) throws IOException;
    }

    <T> T send(Req req, Handler<T> handler) {
        long deadline = System.nanoTime() + protocol.retryBudget().toNanos();
        boolean refreshed = false;
        Duration backOff = Duration.ZERO; // slept before the next attempt, outside the mailbox's permit
        for (int attempt = 1; ; attempt++) {
            sleep(backOff);
            sleep(Duration.ofNanos(gate.remainingPauseNanos()));
            backOff = Duration.ZERO;
            Duration wait;
            try {
                gate.permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw transport(req, new IOException("interrupted", e));
            }
            try {
                String authorization = auth.authorizationHeader();
                HttpResponse<InputStream> r;
                try {
                    r = protocol.http().send(build(req, authorization), HttpResponse.BodyHandlers.ofInputStream());
                } catch (IOException e) {
                    wait = backOff(attempt);
                    if (!req.idempotent() || !fits(deadline, wait)) {
                        throw transport(req, e);
                    }
                    log.debug(
                            "Graph {} {} failed ({}), retrying",
                            req.method(),
                            req.uri().getPath(),
                            e.toString());
                    backOff = wait;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw transport(req, new IOException("interrupted", e));
                }
                int status = r.statusCode();
                if (status < 300) {
                    try (InputStream in = r.body()) {
                        return handler.handle(r, in);
                    } catch (IOException e) {
                        throw transport(req, e);
                    }
                }
                JsonNode error = readError(r);
                String requestId = r.headers().firstValue("request-id").orElse(null);
                if (status == 401 && !refreshed && auth.invalidate(authorization)) {
                    refreshed = true; // an expired or revoked token: one retry with a fresh one
                    continue;
                }
                if (status == 429 || status == 503) {
                    // Graph did not run the request: safe to send again, after Retry-After, for any method.
                    wait = retryAfter(r).orElseGet(() -> backOff(1));
                    gate.pauseFor(wait);
                    if (fits(deadline, wait)) {
                        log.debug("Graph throttled {} for {} ms", mailbox == null ? "/me" : mailbox, wait.toMillis());
                        continue;
                    }
                } else if ((status == 500 || status == 502 || status == 504) && req.idempotent()) {
                    wait = backOff(attempt);
                    if (fits(deadline, wait)) {
                        backOff = wait;
                        continue;
                    }
                }
                throw GraphErrors.from(status, error, requestId, mailbox);
            } finally {
                gate.permits.release();
            }
        }
    }

    private HttpRequest build(Req req, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(req.uri())
                .timeout(protocol.requestTimeout())
                .header("Authorization", authorization)
                .header("User-Agent", protocol.userAgent())
                .header("client-request-id", UUID.randomUUID().toString())
                .header("return-client-request-id", "true");
        req.headers().forEach(b::header);
        if (req.body() != null) {
            b.header("Content-Type", req.contentType());
            b.method(req.method(), HttpRequest.BodyPublishers.ofInputStream(req.body()));
        } else {
            b.method(req.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private static JsonNode readError(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
            return bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            return null; // not JSON (a proxy's HTML page): the status alone explains it
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** Jittered exponential back-off: 0.5 s, 1 s, 2 s ... up to 16 s, each between 50 % and 100 %. */
    private static Duration backOff(int attempt) {
        long max = 500L << Math.min(attempt - 1, 5);
        return Duration.ofMillis(max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1));
    }

    private static boolean fits(long deadline, Duration wait) {
        return System.nanoTime() + wait.toNanos() - deadline < 0;
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(0, null, null, null, "Interrupted while waiting to retry.", null, e);
        }
    }

    private GraphException transport(Req req, IOException e) {
        return new GraphException(
                0,
                null,
                null,
                null,
                "Could not complete " + req.method() + " to Microsoft Graph at "
                        + req.uri().getHost() + ": " + e.getMessage() + ".",
                "Check the network, the proxy settings and the trusted CAs (TLS certificates are always verified).",
                e);
    }

    @Override
    public String toString() {
        return "GraphClient[" + (mailbox == null ? "/me" : mailbox) + "]";
    }
}
