package dev.mailbridge.emulator.autodiscover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraDirectory;
import dev.mailbridge.emulator.entra.EntraService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Autodiscover: SOAP GetUserSettings ({@value #SOAP_PATH}), POX ({@value #POX_PATH}) and the
 * anonymous v2 JSON endpoint ({@value #JSON_PATH}), over the Entra emulator's directory. Known
 * mailboxes get the EWS URL of the listener the request came through. Redirects per domain,
 * injected failures (401/404/500/... or a hang) and a log of the requests let clients test their
 * candidate sequence; see docs/emulator-autodiscover.md.
 */
public final class AutodiscoverService implements EmulatorService {
    private static final Logger LOG = LoggerFactory.getLogger(AutodiscoverService.class);

    public static final String SOAP_PATH = "/autodiscover/autodiscover.svc";
    public static final String POX_PATH = "/autodiscover/autodiscover.xml";
    public static final String JSON_PATH = "/autodiscover/autodiscover.json";
    public static final String EWS_PATH = "/EWS/Exchange.asmx";
    static final int MAX_BODY = 1 << 20;
    private static final int MAX_LOG = 1000;

    /** The Autodiscover surfaces, for failure rules and the request log. */
    public enum Surface {
        SOAP,
        POX,
        JSON,
        /** The unauthenticated plain-HTTP GET of autodiscover.xml that expects a 302. */
        HTTP_REDIRECT;

        static Surface fromConfig(String s) {
            return switch (s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
                case "soap", "svc" -> SOAP;
                case "pox", "xml" -> POX;
                case "json", "v2" -> JSON;
                case "httpredirect", "http" -> HTTP_REDIRECT;
                case "any", "all", "*" -> null;
                default ->
                    throw new IllegalArgumentException(
                            "Unknown autodiscover surface '" + s + "': soap, pox, json, httpRedirect or any");
            };
        }
    }

    /**
     * An injected failure: requests to {@code surface} (null: any) through host name {@code host}
     * (the Host header without port; null: any) get HTTP {@code status}, or hang when status is 0.
     * {@code times} uses, then the rule is gone; 0 means until cleared.
     */
    public record Failure(Surface surface, String host, int status, int times) {
        public static Failure status(Surface surface, int status) {
            if (status < 300 || status > 599) {
                throw new IllegalArgumentException("A failure status is 3xx, 4xx or 5xx, not " + status);
            }
            return new Failure(surface, null, status, 0);
        }

        /** The request is never answered (until the hang time passes or failures are cleared). */
        public static Failure hang(Surface surface) {
            return new Failure(surface, null, 0, 0);
        }

        public Failure onHost(String host) {
            return new Failure(surface, host == null ? null : host.toLowerCase(Locale.ROOT), status, times);
        }

        public Failure withTimes(int times) {
            return new Failure(surface, host, status, times);
        }

        boolean matches(Surface s, String h) {
            return (surface == null || surface == s) && (host == null || host.equalsIgnoreCase(h));
        }

        static Failure fromConfig(JsonNode f) {
            Surface surface = Surface.fromConfig(f.path("surface").asText("any"));
            JsonNode status = f.path("status");
            Failure failure = status.isTextual() && status.asText().equalsIgnoreCase("hang")
                    ? hang(surface)
                    : status(surface, status.asInt(500));
            return failure.onHost(f.hasNonNull("host") ? f.get("host").asText() : null)
                    .withTimes(f.path("times").asInt(0));
        }
    }

    /** One request Autodiscover saw, for tests of a client's candidate sequence. */
    public record Hit(
            Instant at,
            Surface surface,
            String method,
            String scheme,
            String host,
            String path,
            String query,
            boolean sentCredentials,
            int status) {}

    private final EmulatorClock clock;
    private final EntraDirectory directory;
    private final AutodiscoverSettings settings;
    private final Authenticator authenticator;
    private final List<Hit> hits = new ArrayList<>();
    private final Set<Hung> hung = new LinkedHashSet<>();

    private AutodiscoverService(EmulatorClock clock, EntraService entra, AutodiscoverSettings settings) {
        this.clock = clock;
        this.directory = entra.directory();
        this.settings = settings;
        this.authenticator = new Authenticator(entra, clock);
    }

    /**
     * @param config the whole configuration; its optional {@code autodiscover} section holds
     *     {@code redirects}, {@code failures}, {@code httpRedirect} and {@code hangSeconds}
     */
    public static AutodiscoverService create(JsonNode config, EmulatorClock clock, EntraService entra) {
        return new AutodiscoverService(clock, entra, new AutodiscoverSettings(config.path("autodiscover")));
    }

    /** The SOAP Autodiscover path, {@code /autodiscover/autodiscover.svc}. */
    public String soapPath() {
        return SOAP_PATH;
    }

    // --- admin operations (tests in the same JVM) -------------------------------------------------

    /**
     * Redirects addresses in {@code domain}: {@code to} is an address (every address goes there), a
     * domain (same local part, new domain) or an https Autodiscover URL (RedirectUrl/redirectUrl).
     */
    public void redirect(String domain, String to) {
        settings.putRedirect(domain, to);
    }

    public void removeRedirect(String domain) {
        settings.removeRedirect(domain);
    }

    public void fail(Failure failure) {
        settings.addFailure(failure);
    }

    /** Removes every failure rule and aborts hung requests (closes their connections) now. */
    public void clearFailures() {
        settings.clearFailures();
        List<Hung> release;
        synchronized (hung) {
            release = new ArrayList<>(hung);
        }
        release.forEach(h -> h.end(true));
    }

    /** Where the plain-HTTP GET of autodiscover.xml redirects to; null: the global HTTPS listener. */
    public void httpRedirectLocation(String location) {
        settings.httpRedirectLocation(location);
    }

    /** How long a hung request stays unanswered before it gets 504. */
    public void hangFor(Duration duration) {
        settings.hang(duration);
    }

    /** The requests seen so far (the latest {@value #MAX_LOG}), oldest first. */
    public List<Hit> requests() {
        synchronized (hits) {
            return List.copyOf(hits);
        }
    }

    public void clearRequests() {
        synchronized (hits) {
            hits.clear();
        }
    }

    // --- protocol ---------------------------------------------------------------------------------

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            return false;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        Surface surface;
        String jsonPathAddress = null;
        boolean plainHttp = !"https".equalsIgnoreCase(endpoint.baseUrl().getScheme());
        if (lower.equals(SOAP_PATH)) {
            surface = Surface.SOAP;
        } else if (lower.equals(POX_PATH)) {
            surface = plainHttp && "GET".equals(request.getMethod()) ? Surface.HTTP_REDIRECT : Surface.POX;
        } else if (lower.equals(JSON_PATH)) {
            surface = Surface.JSON;
        } else if (lower.startsWith(JSON_PATH + "/v1.0/")) {
            surface = Surface.JSON;
            jsonPathAddress =
                    URLDecoder.decode(path.substring((JSON_PATH + "/v1.0/").length()), StandardCharsets.UTF_8);
        } else {
            return false;
        }
        String host = Request.getServerName(request);
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String query = request.getHttpURI().getQuery();

        Failure failure = settings.takeFailure(surface, host);
        if (failure != null) {
            record(request, surface, endpoint, host, authorization, failure.status());
            if (failure.status() == 0) {
                hang(request, response, callback);
            } else {
                Reply reply = failure.status() == 401
                        ? unauthorized(endpoint)
                        : Reply.xml(
                                        failure.status(),
                                        "<html><body>Injected failure: HTTP " + failure.status() + "</body></html>")
                                .header("Content-Type", "text/html; charset=utf-8");
                if (failure.status() >= 300 && failure.status() < 400) {
                    reply.header("Location", httpsBase(request, endpoint) + path);
                }
                // Answered without reading the body: end the connection (and say so) so no client reuses it.
                reply.header("Connection", "close");
                write(reply, response, callback);
            }
            return true;
        }

        Reply reply;
        try {
            reply = decide(request, surface, endpoint, path, jsonPathAddress, authorization, plainHttp);
        } catch (RuntimeException e) {
            LOG.error("Autodiscover emulator failed on {} {}", request.getMethod(), path, e);
            reply = surface == Surface.SOAP
                    ? SoapAutodiscover.fault(false, "Server", "The emulator failed: " + e)
                    : Reply.xml(500, "<html><body>Internal server error</body></html>");
        }
        record(request, surface, endpoint, host, authorization, reply.status());
        write(reply, response, callback);
        return true;
    }

    private Reply decide(
            Request request,
            Surface surface,
            Endpoint endpoint,
            String path,
            String jsonPathAddress,
            String authorization,
            boolean plainHttp)
            throws IOException {
        String method = request.getMethod();
        if (plainHttp) {
            if (authorization != null) {
                LOG.warn("A client sent credentials to Autodiscover over plain HTTP ({} {}): refused", method, path);
            }
            if (surface == Surface.HTTP_REDIRECT) {
                String location = settings.httpRedirectLocation();
                return Reply.redirect(location != null ? location : httpsBase(request, endpoint) + POX_PATH);
            }
            if ("GET".equals(method)) {
                String query = request.getHttpURI().getQuery();
                return Reply.redirect(httpsBase(request, endpoint) + path + (query == null ? "" : "?" + query));
            }
            // IIS "Require SSL": 403.4; credentials sent here are already exposed
            return Reply.xml(403, "<html><body>403 - Forbidden: SSL is required to view this resource.</body></html>")
                    .header("Content-Type", "text/html; charset=utf-8");
        }
        if (surface == Surface.JSON) {
            if (!"GET".equals(method)) {
                return JsonAutodiscover.error(405, "MethodNotAllowed", "Autodiscover v2 answers GET only.")
                        .header("Allow", "GET");
            }
            Map<String, String> q = parseQuery(request.getHttpURI().getQuery());
            String address = jsonPathAddress != null ? jsonPathAddress : q.get("email");
            int redirectCount = 0;
            try {
                redirectCount = Integer.parseInt(q.getOrDefault("redirectcount", "0"));
            } catch (NumberFormatException ignored) {
                // treated as 0
            }
            return JsonAutodiscover.handle(address, q.get("protocol"), redirectCount, endpoint, directory, settings);
        }
        Authenticator.Caller caller;
        synchronized (directory) {
            caller = authenticator.authenticate(authorization, endpoint);
        }
        if (caller == null) {
            // Answered without reading the body: end the connection (and say so) so no client reuses it.
            return unauthorized(endpoint).header("Connection", "close");
        }
        if (!"POST".equals(method)) {
            if (surface == Surface.POX) {
                return PoxAutodiscover.error(
                        clock, endpoint, "600", "Invalid Request", "POST an Autodiscover request.");
            }
            return SoapAutodiscover.fault(false, "Client", "POST a SOAP GetUserSettings request.")
                    .header("Allow", "POST");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            return Reply.xml(413, "<html><body>413 - Request entity too large.</body></html>")
                    .header("Content-Type", "text/html; charset=utf-8");
        }
        SafeXml.Element root;
        try {
            root = SafeXml.parse(body);
        } catch (SafeXml.XmlRefused e) {
            if (surface == Surface.POX) {
                return PoxAutodiscover.error(clock, endpoint, "600", "Invalid Request", e.getMessage());
            }
            Reply fault = SoapAutodiscover.fault(false, "Client", e.getMessage());
            return new Reply(400, fault.contentType(), fault.body(), fault.headers());
        }
        synchronized (directory) {
            return surface == Surface.POX
                    ? PoxAutodiscover.handle(root, endpoint, directory, settings, clock)
                    : SoapAutodiscover.handle(root, endpoint, directory, settings, caller);
        }
    }

    /** 401 with the challenges Exchange sends: Bearer (Exchange Online) and Basic (Exchange Server). */
    private static Reply unauthorized(Endpoint endpoint) {
        return Reply.xml(
                        401,
                        "<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>")
                .header("Content-Type", "text/html; charset=utf-8")
                .header(
                        "WWW-Authenticate",
                        "Bearer client_id=\"" + Cloud.EXCHANGE_APP_ID
                                + "\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\","
                                + " token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://"
                                + endpoint.cloud().loginHost() + "/common/oauth2/authorize\"\nBasic realm=\""
                                + endpoint.baseUrl().getHost() + "\"");
    }

    /**
     * Leaves the exchange unanswered. When the hang time passes it gets 504; {@link #clearFailures}
     * aborts it (the connection is closed), since its client has usually given up by then.
     */
    private void hang(Request request, Response response, Callback callback) {
        Hung h = new Hung(response, callback);
        synchronized (hung) {
            hung.add(h);
        }
        long millis = Math.max(1, settings.hang().toMillis());
        request.getComponents().getScheduler().schedule(() -> h.end(false), millis, TimeUnit.MILLISECONDS);
    }

    private final class Hung {
        final Response response;
        final Callback callback;

        Hung(Response response, Callback callback) {
            this.response = response;
            this.callback = callback;
        }

        void end(boolean abort) {
            synchronized (hung) {
                if (!hung.remove(this)) {
                    return;
                }
            }
            if (abort) {
                callback.failed(new java.util.concurrent.TimeoutException("injected hang ended"));
                return;
            }
            try {
                write(
                        Reply.xml(504, "<html><body>504 - Gateway timeout (injected hang).</body></html>"),
                        response,
                        callback);
            } catch (RuntimeException e) {
                callback.failed(e);
            }
        }
    }

    private void record(
            Request request, Surface surface, Endpoint endpoint, String host, String authorization, int status) {
        Hit hit = new Hit(
                clock.instant(),
                surface,
                request.getMethod(),
                endpoint.baseUrl().getScheme(),
                host,
                request.getHttpURI().getPath(),
                request.getHttpURI().getQuery(),
                authorization != null,
                status);
        synchronized (hits) {
            if (hits.size() >= MAX_LOG) {
                hits.remove(0);
            }
            hits.add(hit);
        }
    }

    private static void write(Reply reply, Response response, Callback callback) {
        response.setStatus(reply.status());
        var h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, reply.contentType());
        h.put(HttpHeader.CACHE_CONTROL, "private");
        h.put("X-Content-Type-Options", "nosniff");
        for (Map.Entry<String, String> e : reply.headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase("Content-Type")) {
                h.put(HttpHeader.CONTENT_TYPE, e.getValue());
                continue;
            }
            for (String value : e.getValue().split("\n")) {
                h.add(e.getKey(), value);
            }
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** The EWS URL answered for a mailbox reached through {@code endpoint}. */
    static String ewsUrl(Endpoint endpoint) {
        return endpoint.url(EWS_PATH);
    }

    /** Swaps autodiscover.xml/.svc in a redirect URL to the surface's own extension. */
    static String withExtension(String url, String extension) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.endsWith("/autodiscover/autodiscover.xml") || lower.endsWith("/autodiscover/autodiscover.svc")) {
            return url.substring(0, url.length() - 4) + extension;
        }
        return url;
    }

    /**
     * The HTTPS base URL plain-HTTP requests are sent to: the global cloud's HTTPS listener on the
     * host the client used (found among the server's connectors, named "global-https").
     */
    private static String httpsBase(Request request, Endpoint endpoint) {
        for (Connector c :
                request.getConnectionMetaData().getConnector().getServer().getConnectors()) {
            if ((Cloud.GLOBAL.id() + "-https").equals(c.getName()) && c instanceof NetworkConnector n) {
                return "https://" + endpoint.baseUrl().getHost() + ":" + n.getLocalPort();
            }
        }
        return "https://" + endpoint.baseUrl().getHost();
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> map = new HashMap<>();
        if (query == null) {
            return map;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            try {
                map.putIfAbsent(
                        URLDecoder.decode(k, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                        URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ignored) {
                // a malformed pair is skipped
            }
        }
        return map;
    }
}
