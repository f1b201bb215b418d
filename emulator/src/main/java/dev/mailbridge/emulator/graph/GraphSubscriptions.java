package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.exchange.StoreAccess;
import dev.mailbridge.emulator.server.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graph change-notification subscriptions on messages, and the notifier that posts to the
 * subscribers' URLs: the validation handshake on create (and on a new notificationUrl), change
 * notifications for created, updated and deleted messages, and lifecycle notifications
 * (reauthorizationRequired, subscriptionRemoved, missed) to the lifecycleNotificationUrl.
 */
public final class GraphSubscriptions implements StoreAccess.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GraphSubscriptions.class);
    /** Longest subscription Graph grants on Outlook messages, in minutes (under three days). */
    public static final long MAX_MINUTES = 4230;

    static final Set<String> CHANGE_TYPES = Set.of("created", "updated", "deleted");
    static final Set<String> LIFECYCLE_EVENTS = Set.of("reauthorizationRequired", "subscriptionRemoved", "missed");

    /** One subscription. {@code folderId} null = every folder of the mailbox. */
    static final class Sub {
        final String id = UUID.randomUUID().toString();
        final String resource;
        final Set<String> changeTypes;
        volatile String notificationUrl;
        final String lifecycleUrl;
        final String clientState;
        volatile Instant expiration;
        final String applicationId;
        final String creatorId;
        final String tenantId;
        final String mailbox;
        final String userId;
        final String folderId;
        final String tlsVersion;

        Sub(
                String resource,
                Set<String> changeTypes,
                String notificationUrl,
                String lifecycleUrl,
                String clientState,
                Instant expiration,
                String applicationId,
                String creatorId,
                String tenantId,
                String mailbox,
                String userId,
                String folderId,
                String tlsVersion) {
            this.resource = resource;
            this.changeTypes = changeTypes;
            this.notificationUrl = notificationUrl;
            this.lifecycleUrl = lifecycleUrl;
            this.clientState = clientState;
            this.expiration = expiration;
            this.applicationId = applicationId;
            this.creatorId = creatorId;
            this.tenantId = tenantId;
            this.mailbox = mailbox;
            this.userId = userId;
            this.folderId = folderId;
            this.tlsVersion = tlsVersion;
        }
    }

    private final EmulatorClock clock;
    private final Map<String, Sub> subs = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "graph-notifier");
        t.setDaemon(true);
        return t;
    });

    GraphSubscriptions(EmulatorClock clock) {
        this.clock = clock;
    }

    // ----- API -----

    /** Creates a subscription after the validation handshake; the caller resolved mailbox and folder. */
    Sub create(JsonNode body, GraphAuth.Caller caller, String mailbox, String userId, String folderId)
            throws GraphError {
        String resource = body.path("resource").asText("");
        Set<String> types = changeTypes(body.path("changeType").asText(null));
        String url = httpsUrl(body.path("notificationUrl").asText(null), "notificationUrl");
        String lifecycle = body.hasNonNull("lifecycleNotificationUrl")
                ? httpsUrl(body.path("lifecycleNotificationUrl").asText(), "lifecycleNotificationUrl")
                : null;
        String clientState =
                body.hasNonNull("clientState") ? body.path("clientState").asText() : null;
        if (clientState != null && clientState.length() > 128) {
            throw GraphError.badRequest("clientState must be at most 128 characters long.");
        }
        Instant expiration = expiration(body, "Create");
        validate(url);
        if (lifecycle != null) {
            validate(lifecycle);
        }
        Sub s = new Sub(
                resource,
                types,
                url,
                lifecycle,
                clientState,
                expiration,
                caller.appId(),
                caller.appOnly() ? caller.appId() : caller.userId(),
                caller.tenant().id(),
                mailbox,
                userId,
                folderId,
                body.path("latestSupportedTlsVersion").asText("v1_2"));
        synchronized (subs) {
            subs.put(s.id, s);
        }
        return s;
    }

    /** The caller's app's subscription, or 404. */
    Sub get(String id, GraphAuth.Caller caller) throws GraphError {
        Sub s;
        synchronized (subs) {
            prune();
            s = subs.get(id);
        }
        if (s == null || !s.applicationId.equalsIgnoreCase(caller.appId())) {
            throw new GraphError(404, "ResourceNotFound", "The object was not found.");
        }
        return s;
    }

    List<Sub> list(GraphAuth.Caller caller) {
        List<Sub> out = new ArrayList<>();
        synchronized (subs) {
            prune();
            for (Sub s : subs.values()) {
                if (s.applicationId.equalsIgnoreCase(caller.appId())) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Renewal (expirationDateTime) and a new notificationUrl (validated again). */
    Sub update(String id, JsonNode body, GraphAuth.Caller caller) throws GraphError {
        Sub s = get(id, caller);
        Instant expiration = body.has("expirationDateTime") ? expiration(body, "Update") : null;
        if (body.hasNonNull("notificationUrl")) {
            String url = httpsUrl(body.path("notificationUrl").asText(), "notificationUrl");
            validate(url);
            s.notificationUrl = url;
        }
        if (expiration != null) {
            s.expiration = expiration;
        }
        return s;
    }

    void delete(String id, GraphAuth.Caller caller) throws GraphError {
        Sub s = get(id, caller);
        synchronized (subs) {
            subs.remove(s.id);
        }
    }

    ObjectNode json(Sub s, String root) {
        ObjectNode o = Json.object();
        o.put("@odata.context", root + "/$metadata#subscriptions/$entity");
        o.put("id", s.id);
        o.put("resource", s.resource);
        o.put("applicationId", s.applicationId);
        o.put("changeType", String.join(",", s.changeTypes));
        o.put("clientState", s.clientState);
        o.put("notificationUrl", s.notificationUrl);
        o.putNull("notificationQueryOptions");
        o.put("lifecycleNotificationUrl", s.lifecycleUrl);
        o.put("expirationDateTime", s.expiration.toString());
        o.put("creatorId", s.creatorId);
        o.putNull("includeResourceData");
        o.put("latestSupportedTlsVersion", s.tlsVersion);
        o.putNull("encryptionCertificate");
        o.putNull("encryptionCertificateId");
        o.putNull("notificationUrlAppId");
        return o;
    }

    // ----- control API and tests -----

    /** Every live subscription (all apps), as the control API lists them. */
    public ArrayNode describe() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        synchronized (subs) {
            prune();
            for (Sub s : subs.values()) {
                a.add(Json.object()
                        .put("id", s.id)
                        .put("resource", s.resource)
                        .put("mailbox", s.mailbox)
                        .put("applicationId", s.applicationId)
                        .put("notificationUrl", s.notificationUrl)
                        .put("lifecycleNotificationUrl", s.lifecycleUrl)
                        .put("expirationDateTime", s.expiration.toString()));
            }
        }
        return a;
    }

    /**
     * Sends a lifecycle notification to the subscription's lifecycleNotificationUrl (synchronously);
     * subscriptionRemoved also removes the subscription. Returns false when there is no such subscription.
     */
    public boolean lifecycle(String id, String event) {
        if (!LIFECYCLE_EVENTS.contains(event)) {
            throw new IllegalArgumentException("Unknown lifecycle event '" + event
                    + "'; use reauthorizationRequired, subscriptionRemoved or missed.");
        }
        Sub s;
        synchronized (subs) {
            s = subs.get(id);
            if (s != null && event.equals("subscriptionRemoved")) {
                subs.remove(id);
            }
        }
        if (s == null) {
            return false;
        }
        if (s.lifecycleUrl != null) {
            ObjectNode n = Json.object();
            n.put("subscriptionId", s.id);
            n.put("subscriptionExpirationDateTime", s.expiration.toString());
            n.put("tenantId", s.tenantId);
            n.put("clientState", s.clientState);
            n.put("lifecycleEvent", event);
            post(s.lifecycleUrl, n);
        }
        return true;
    }

    /** Ends a subscription now, as if its expirationDateTime had passed (no notification, as in Graph). */
    public boolean expire(String id) {
        synchronized (subs) {
            return subs.remove(id) != null;
        }
    }

    /** Removes every subscription. */
    public void clear() {
        synchronized (subs) {
            subs.clear();
        }
    }

    // ----- notifications -----

    @Override
    public void changed(String kind, String mailbox, String folderId, String itemId, String changeKey) {
        List<Sub> targets = new ArrayList<>();
        synchronized (subs) {
            prune();
            for (Sub s : subs.values()) {
                if (s.mailbox.equals(mailbox)
                        && s.changeTypes.contains(kind)
                        && (s.folderId == null || s.folderId.equals(folderId))) {
                    targets.add(s);
                }
            }
        }
        String restId = RestIds.toRest(itemId);
        for (Sub s : targets) {
            ObjectNode n = Json.object();
            n.put("subscriptionId", s.id);
            n.put("subscriptionExpirationDateTime", s.expiration.toString());
            n.put("changeType", kind);
            n.put("resource", "Users/" + s.userId + "/Messages/" + restId);
            ObjectNode data = n.putObject("resourceData");
            data.put("@odata.type", "#Microsoft.Graph.Message");
            data.put("@odata.id", "Users/" + s.userId + "/Messages/" + restId);
            data.put("@odata.etag", "W/\"" + changeKey + "\"");
            data.put("id", restId);
            n.put("clientState", s.clientState);
            n.put("tenantId", s.tenantId);
            String url = s.notificationUrl;
            notifier.execute(() -> post(url, n));
        }
    }

    private void post(String url, ObjectNode notification) {
        ObjectNode body = Json.object();
        body.putArray("value").add(notification);
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(3))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                LOG.info("Graph notification to {} got HTTP {}", withoutQuery(url), r.statusCode());
            }
        } catch (Exception e) {
            LOG.info(
                    "Graph notification to {} failed: {}",
                    withoutQuery(url),
                    e.getClass().getSimpleName());
        }
    }

    /** A URL for the log: its query may carry the subscriber's secrets. */
    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** The handshake: POST {url}?validationToken=..., expecting 200 with the token as text/plain within 10 s. */
    private void validate(String url) throws GraphError {
        String token =
                "Validation: Testing client application reachability for subscription Request-Id: " + UUID.randomUUID();
        String sep = url.contains("?") ? "&" : "?";
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    url + sep + "validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "text/plain; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && token.equals(r.body())) {
                return;
            }
            if (r.statusCode() == 200) {
                throw new GraphError(
                        400,
                        "ValidationError",
                        "Subscription validation request failed. Response must exactly match validationToken query parameter.");
            }
        } catch (GraphError e) {
            throw e;
        } catch (Exception e) {
            throw new GraphError(
                    400,
                    "ValidationError",
                    "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
        }
        throw new GraphError(
                400,
                "ValidationError",
                "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
    }

    private Instant expiration(JsonNode body, String operation) throws GraphError {
        String raw = body.path("expirationDateTime").asText(null);
        if (raw == null) {
            throw GraphError.badRequest("expirationDateTime is required.");
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(raw).toInstant();
        } catch (RuntimeException e) {
            throw GraphError.badRequest("The value '" + raw + "' of expirationDateTime is not an ISO 8601 date.");
        }
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            throw extension(operation, "Subscription expiration date time must be in the future.");
        }
        if (at.isAfter(now.plus(Duration.ofMinutes(MAX_MINUTES)))) {
            throw extension(
                    operation, "Subscription expiration can only be " + MAX_MINUTES + " minutes in the future.");
        }
        return at;
    }

    private static GraphError extension(String operation, String reason) {
        return new GraphError(
                400,
                "ExtensionError",
                "Operation: " + operation + "; Exception: [Status Code: BadRequest; Reason: " + reason + "]");
    }

    private static Set<String> changeTypes(String raw) throws GraphError {
        if (raw == null || raw.isBlank()) {
            throw GraphError.badRequest("changeType is required.");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : raw.split(",")) {
            String v = t.trim().toLowerCase(Locale.ROOT);
            if (!CHANGE_TYPES.contains(v)) {
                throw GraphError.badRequest("Invalid changeType '" + t.trim()
                        + "'; Outlook messages support created, updated and deleted.");
            }
            out.add(v);
        }
        return out;
    }

    /**
     * Graph wants HTTPS; the emulator also takes plain HTTP to localhost and 127.0.0.1, so tests can
     * receive notifications without a certificate.
     */
    private static String httpsUrl(String url, String field) throws GraphError {
        if (url == null || url.isBlank()) {
            throw GraphError.badRequest(field + " is required.");
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw GraphError.badRequest("Invalid " + field + " '" + url + "'.");
        }
        String host = u.getHost() == null ? "" : u.getHost();
        boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!"https".equalsIgnoreCase(u.getScheme()) && !("http".equalsIgnoreCase(u.getScheme()) && local)) {
            throw GraphError.badRequest("The " + field + " must be an HTTPS URL (the emulator also accepts"
                    + " http://localhost): '" + url + "'.");
        }
        return url;
    }

    /** Drops subscriptions whose expirationDateTime has passed (call with {@code subs} locked). */
    private void prune() {
        Instant now = clock.instant();
        subs.values().removeIf(s -> !s.expiration.isAfter(now));
    }

    @Override
    public void close() {
        notifier.shutdownNow();
        http.shutdownNow();
    }
}
