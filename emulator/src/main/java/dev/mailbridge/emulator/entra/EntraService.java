package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Entra ID side of the emulator: routes Entra's v2.0 paths and the directory's control API to
 * the endpoint classes. Each request is read completely, decided under the directory lock and then
 * written; nothing escapes as a stack trace — failures become Entra-shaped errors and a log line
 * (paths only: queries and bodies can hold secrets).
 */
public final class EntraService implements EmulatorService {
    private static final Logger LOG = LoggerFactory.getLogger(EntraService.class);
    static final String REFRESH_TOKENS = "refresh-tokens.json";
    /** Larger bodies are refused; Entra's own limits are lower for most parameters. */
    static final int MAX_BODY = 1 << 20;

    private final EntraContext ctx;
    private final AuthorizeEndpoint authorize;
    private final TokenEndpoint token;
    private final MetadataEndpoint metadata;
    private final TenantControlApi control;

    private EntraService(EntraContext ctx) {
        this.ctx = ctx;
        this.authorize = new AuthorizeEndpoint(ctx);
        this.token = new TokenEndpoint(ctx);
        this.metadata = new MetadataEndpoint(ctx);
        this.control = new TenantControlApi(ctx.directory);
    }

    /**
     * Builds the service from the parsed configuration ("tenants" section, optional "entra" settings:
     * deviceCodeInterval, deviceCodeExpiresIn in seconds). Generated keys and certificates go to
     * stateDir/entra, or to a temporary folder when stateDir is null.
     */
    public static EntraService fromConfig(JsonNode config, EmulatorClock clock, Path stateDir) {
        EntraDirectory directory = new EntraDirectory(clock, stateDir);
        for (JsonNode tenant : config.path("tenants")) {
            directory.createTenant(tenant);
        }
        JsonNode settings = config.path("entra");
        try {
            SigningKeys keys = SigningKeys.loadOrCreate(directory.generatedDir(), clock.instant());
            EntraService service = new EntraService(new EntraContext(
                    directory,
                    keys,
                    settings.path("deviceCodeInterval").asInt(5),
                    settings.path("deviceCodeExpiresIn").asInt(900)));
            service.ctx.grants.loadRefreshTokens(directory.generatedDir().resolve(REFRESH_TOKENS));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the Entra signing key", e);
        }
    }

    /**
     * Keeps the refresh tokens issued so far in the state folder ({@value #REFRESH_TOKENS}), read back at the
     * next start: a client that stored one (the demo's server) keeps working across restarts, as with Entra.
     * The emulator calls it when it stops.
     */
    public void saveRefreshTokens() {
        synchronized (ctx.directory) {
            try {
                ctx.grants.saveRefreshTokens(ctx.directory.generatedDir().resolve(REFRESH_TOKENS));
            } catch (IOException e) {
                LOG.warn("Could not keep the refresh tokens in the state folder: {}", e.getMessage());
            }
        }
    }

    /** The describe file's "tenants" array. */
    public ArrayNode describeTenants() {
        return ctx.directory.describe();
    }

    /** Admin operations on the directory, for tests in the same JVM. */
    public EntraDirectory directory() {
        return ctx.directory;
    }

    /**
     * The public key Entra signs access tokens with (RS256), so resource servers emulated in the same
     * JVM (EWS) can check a token's signature without calling the keys endpoint.
     */
    public java.security.interfaces.RSAPublicKey tokenSigningKey() {
        return (java.security.interfaces.RSAPublicKey) ctx.keys.certificate().getPublicKey();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null || !isOurs(path)) {
            return false;
        }
        EntraRequest r = read(request, path, endpoint);
        Reply reply;
        try {
            synchronized (ctx.directory) {
                reply = route(r);
            }
        } catch (RuntimeException e) {
            String incident = r.traceId();
            LOG.error("Entra emulator failed on {} {} (trace {})", r.method(), path, incident, e);
            reply = path.contains("/oauth2/")
                    ? ctx.errorJson(EntraErrors.serverError(), r)
                    : ctx.errorPage(EntraErrors.serverError(), r);
        }
        write(r, reply, response, callback);
        return true;
    }

    private static boolean isOurs(String path) {
        if (path.equals(TenantControlApi.PREFIX) || path.startsWith(TenantControlApi.PREFIX + "/")) {
            return true;
        }
        if (path.startsWith("/_emulator")) {
            return false;
        }
        String[] seg = segments(path);
        if (seg.length == 1) {
            return seg[0].equals("devicelogin");
        }
        if (seg.length == 2) {
            return seg[1].equals("login") || seg[1].equals("adminconsent");
        }
        if (seg.length == 3) {
            return (seg[1].equals("discovery") && (seg[2].equals("instance") || seg[2].equals("keys")))
                    || (seg[1].equals("v2.0") && seg[2].equals("adminconsent"))
                    || (seg[1].equals(".well-known") && seg[2].equals("openid-configuration"));
        }
        if (seg.length == 4) {
            return (seg[1].equals("oauth2")
                            && seg[2].equals("v2.0")
                            && (seg[3].equals("authorize")
                                    || seg[3].equals("token")
                                    || seg[3].equals("devicecode")
                                    || seg[3].equals("logout")))
                    || (seg[1].equals("v2.0") && seg[2].equals(".well-known") && seg[3].equals("openid-configuration"))
                    || (seg[1].equals("discovery") && seg[2].equals("v2.0") && seg[3].equals("keys"));
        }
        return false;
    }

    private Reply route(EntraRequest r) {
        String path = r.path();
        if (path.startsWith(TenantControlApi.PREFIX)) {
            return control.handle(r);
        }
        String[] seg = segments(path);
        if (r.malformedQuery()) {
            EntraException e = EntraErrors.malformed();
            return path.contains("/oauth2/v2.0/token") || path.contains("/devicecode")
                    ? ctx.errorJson(e, r)
                    : ctx.errorPage(e, r);
        }
        String tenant = seg[0];
        if (seg.length == 1) {
            return r.isPost() ? authorize.deviceLoginSubmit(r) : authorize.deviceLoginPage(r);
        }
        if (seg.length == 2) {
            if (seg[1].equals("login")) {
                return r.isPost() ? authorize.submit(r) : ctx.errorPage(EntraErrors.onlyPost(r.method()), r);
            }
            return authorize.adminConsent(r, tenant, false);
        }
        if (seg.length == 3) {
            if (seg[2].equals("instance")) {
                return metadata.instanceDiscovery(r);
            }
            if (seg[2].equals("keys")) {
                return metadata.keys(r, tenant.equalsIgnoreCase("common") ? null : tenant);
            }
            if (seg[2].equals("adminconsent")) {
                return authorize.adminConsent(r, tenant, true);
            }
            return metadata.openidConfiguration(r, tenant, false);
        }
        if (seg[1].equals("v2.0")) {
            return metadata.openidConfiguration(r, tenant, true);
        }
        if (seg[1].equals("discovery")) {
            return metadata.keys(r, tenant.equalsIgnoreCase("common") ? null : tenant);
        }
        return switch (seg[3]) {
            case "authorize" -> authorize.authorize(r, tenant);
            case "token" -> token.token(r, tenant);
            case "devicecode" -> token.deviceAuthorization(r, tenant);
            default -> authorize.logout(r);
        };
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private static EntraRequest read(Request request, String path, Endpoint endpoint) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field.getValue());
        }
        String body = "";
        boolean tooLarge = false;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                tooLarge = true;
            } else {
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        }
        String contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        boolean formBody = contentType.startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = formBody && !tooLarge ? EntraRequest.parseForm(body) : new HashMap<>();
        boolean malformedBody = tooLarge || form == null;
        Map<String, String> query = EntraRequest.parseForm(request.getHttpURI().getQuery());
        boolean malformedQuery = query == null;
        Map<String, String> cookies = new HashMap<>();
        String cookieHeader = headers.get("cookie");
        if (cookieHeader != null) {
            for (String part : cookieHeader.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    cookies.putIfAbsent(
                            part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
        }
        String clientRequestId = headers.get("client-request-id");
        String correlation = clientRequestId != null && !clientRequestId.isBlank() && clientRequestId.length() <= 64
                ? clientRequestId
                : UUID.randomUUID().toString();
        return new EntraRequest(
                request.getMethod(),
                path,
                query == null ? Map.of() : query,
                form == null ? Map.of() : form,
                formBody,
                malformedBody,
                malformedQuery,
                tooLarge ? "" : body,
                headers,
                cookies,
                endpoint,
                UUID.randomUUID().toString(),
                correlation);
    }

    private static void write(EntraRequest r, Reply reply, Response response, Callback callback) {
        response.setStatus(reply.status);
        var h = response.getHeaders();
        if (reply.contentType != null) {
            h.put(HttpHeader.CONTENT_TYPE, reply.contentType);
        }
        h.put(HttpHeader.CACHE_CONTROL, "no-store, no-cache");
        h.put(HttpHeader.PRAGMA, "no-cache");
        h.put(HttpHeader.EXPIRES, "-1");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("x-ms-request-id", r.traceId());
        h.put("x-ms-ests-server", "2.1.0 - Mailbridge emulator");
        String clientRequestId = r.header("client-request-id");
        if (clientRequestId != null) {
            h.put("client-request-id", r.correlationId());
        }
        if ("https".equalsIgnoreCase(r.endpoint().baseUrl().getScheme())) {
            h.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        reply.headers.forEach(h::put);
        for (String cookie : reply.cookies) {
            h.add(HttpHeader.SET_COOKIE, cookie);
        }
        Content.Sink.write(response, true, reply.body(), callback);
    }
}
