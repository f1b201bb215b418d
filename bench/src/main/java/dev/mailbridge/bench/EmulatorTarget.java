package dev.mailbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The Mailbridge emulator, in-process on loopback with its HTTPS listener and the optional plain
 * HTTP one, on the benchmark's own configuration ({@link #CONFIG}). Tenant, app and user are
 * taken from {@code describe()}, as any client of the emulator would find them: an
 * online tenant of the global cloud, a confidential app with a secret, a web redirect URI and
 * application permissions, and a user who can sign in without MFA.
 */
final class EmulatorTarget implements Target {
    static final String NAME = "Mailbridge emulator";
    static final String CONFIG = "/dev/mailbridge/bench/emulator-bench.yaml";

    private final Emulator emulator;
    private final Choice choice;
    private final List<TokenEndpoint> endpoints = new ArrayList<>();

    /** What the benchmark signs in with, picked from describe(). */
    record Choice(
            String tenant,
            String clientId,
            String clientSecret,
            String redirectUri,
            String clientCredentialsScope,
            String userScope,
            String upn,
            String password) {}

    private EmulatorTarget(Emulator emulator, Choice choice) {
        this.emulator = emulator;
        this.choice = choice;
    }

    static EmulatorTarget start() throws IOException {
        String config;
        try (var in = EmulatorTarget.class.getResourceAsStream(CONFIG)) {
            if (in == null) {
                throw new IOException(CONFIG + " is missing from the classpath");
            }
            config = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .configText(config)
                .httpsPort(0)
                .httpPort(0)
                .bindAddress("127.0.0.1")
                .host("localhost")
                .build());
        try {
            return new EmulatorTarget(emulator, choose(emulator.describe()));
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    static Choice choose(JsonNode describe) {
        for (JsonNode tenant : describe.path("tenants")) {
            if (!"online".equals(tenant.path("kind").asText("online"))
                    || !"global".equals(tenant.path("cloud").asText("global"))) {
                continue;
            }
            JsonNode user = null;
            for (JsonNode u : tenant.path("users")) {
                if (!u.path("disabled").asBoolean(false)
                        && !u.path("mfaRequired").asBoolean(false)
                        && !u.path("blockedByConditionalAccess").asBoolean(false)
                        && !u.path("password").asText("").isEmpty()) {
                    user = u;
                    break;
                }
            }
            JsonNode best = null;
            for (JsonNode app : tenant.path("apps")) {
                if (app.path("publicClient").asBoolean(false)
                        || app.path("clientSecret").asText("").isEmpty()
                        || webRedirect(app) == null
                        || app.path("application").isEmpty()
                        || app.path("delegated").isEmpty()) {
                    continue;
                }
                if (best == null
                        || (app.path("adminConsented").asBoolean(false)
                                && !best.path("adminConsented").asBoolean(false))) {
                    best = app;
                }
            }
            if (user == null || best == null) {
                continue;
            }
            String tenantRef = tenant.path("id").asText();
            return new Choice(
                    tenantRef,
                    best.path("clientId").asText(),
                    best.path("clientSecret").asText(),
                    webRedirect(best),
                    defaultScope(best.path("application")),
                    userScope(best.path("delegated")),
                    user.path("upn").asText(),
                    user.path("password").asText());
        }
        throw new IllegalStateException("The emulator's configuration has no online tenant with a confidential app"
                + " (secret, web redirect URI, application and delegated permissions) and a user who signs in"
                + " without MFA");
    }

    private static String webRedirect(JsonNode app) {
        for (JsonNode r : app.path("redirectUriTypes")) {
            if ("web".equalsIgnoreCase(r.path("type").asText())) {
                return r.path("uri").asText();
            }
        }
        JsonNode uris = app.path("redirectUris");
        return app.has("redirectUriTypes") || uris.isEmpty()
                ? null
                : uris.get(0).asText();
    }

    /** {resource}/.default for the resource of the first application permission. */
    static String defaultScope(JsonNode application) {
        String permission = application.get(0).asText();
        int slash = permission.lastIndexOf('/');
        String resource = slash > "https://".length() ? permission.substring(0, slash) : "https://graph.microsoft.com";
        return resource + "/.default";
    }

    /** openid profile offline_access plus the app's first delegated permissions of one resource. */
    static String userScope(JsonNode delegated) {
        Set<String> scopes = new LinkedHashSet<>(List.of("openid", "profile", "offline_access"));
        String resource = null;
        for (JsonNode d : delegated) {
            String scope = d.asText();
            int slash = scope.lastIndexOf('/');
            if (slash < 0) {
                continue; // openid, email, offline_access ...
            }
            String r = scope.substring(0, slash);
            if (resource == null) {
                resource = r;
            }
            if (r.equals(resource)) {
                scopes.add(scope);
            }
        }
        return String.join(" ", scopes);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> transports() {
        return List.of("http", "https");
    }

    Choice choice() {
        return choice;
    }

    URI base(String transport) {
        if (transport.equals("https")) {
            return emulator.loginUrl();
        }
        return emulator.httpUrl().orElseThrow(() -> new IllegalStateException("no plain-HTTP listener"));
    }

    private SSLContext ssl(String transport) {
        return transport.equals("https") ? emulator.sslContext() : null;
    }

    URI tokenUri(String transport) {
        return base(transport).resolve("/" + choice.tenant() + "/oauth2/v2.0/token");
    }

    @Override
    public Scenario clientCredentials(String transport, int threads) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            TokenEndpoint endpoint = track(new TokenEndpoint(tokenUri(transport), ssl(transport)));
            workers.add(TokenWorkers.clientCredentials(
                    endpoint, choice.clientId(), choice.clientSecret(), choice.clientCredentialsScope()));
        }
        return new Scenario(NAME, transport, "client_credentials", workers);
    }

    @Override
    public Scenario refresh(String transport, int threads) throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            TokenEndpoint endpoint = track(new TokenEndpoint(tokenUri(transport), ssl(transport)));
            String refreshToken = signIn(transport, endpoint);
            workers.add(TokenWorkers.refresh(
                    endpoint, choice.clientId(), choice.clientSecret(), choice.userScope(), refreshToken));
        }
        return new Scenario(NAME, transport, "refresh_token", workers);
    }

    /**
     * The real authorization-code flow, as a browser and a web app would do it: GET /authorize,
     * submit the sign-in page (and any page after it, such as consent) until the emulator
     * redirects to the app's redirect URI, then redeem the code with the client secret.
     */
    String signIn(String transport, TokenEndpoint endpoint) throws IOException, InterruptedException {
        AuthCodes.Pkce pkce = AuthCodes.Pkce.create();
        String state = AuthCodes.randomState();
        URI authorize = AuthCodes.withQuery(
                base(transport).resolve("/" + choice.tenant() + "/oauth2/v2.0/authorize"),
                TokenEndpoint.form(
                        "client_id", choice.clientId(),
                        "response_type", "code",
                        "redirect_uri", choice.redirectUri(),
                        "response_mode", "query",
                        "scope", choice.userScope(),
                        "state", state,
                        "nonce", AuthCodes.randomState(),
                        "login_hint", choice.upn(),
                        "code_challenge", pkce.challenge(),
                        "code_challenge_method", "S256"));
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        try (HttpClient browser = TokenEndpoint.newClient(ssl(transport), HttpClient.Redirect.NEVER, cookies)) {
            URI page = authorize;
            HttpRequest request = get(page);
            for (int step = 0; step < 10; step++) {
                TokenEndpoint.checkLoopback(request.uri());
                HttpResponse<String> response = browser.send(request, HttpResponse.BodyHandlers.ofString());
                page = request.uri();
                int status = response.statusCode();
                String location = response.headers().firstValue("Location").orElse(null);
                if (status / 100 == 3 && location != null) {
                    URI next = page.resolve(location);
                    if (AuthCodes.isRedirectTo(next, choice.redirectUri())) {
                        String code = AuthCodes.codeFrom(next, state);
                        JsonNode tokens = endpoint.post(TokenEndpoint.form(
                                "grant_type", "authorization_code",
                                "client_id", choice.clientId(),
                                "client_secret", choice.clientSecret(),
                                "code", code,
                                "redirect_uri", choice.redirectUri(),
                                "scope", choice.userScope(),
                                "code_verifier", pkce.verifier()));
                        return TokenWorkers.requireRefreshToken(tokens, "The emulator's code redemption");
                    }
                    request = get(next);
                    continue;
                }
                HtmlForm form = status == 200 ? HtmlForm.first(response.body()) : null;
                if (form == null) {
                    throw new IOException("The sign-in stopped at HTTP " + status + " on " + page + ": "
                            + TokenEndpoint.abbreviate(response.body()));
                }
                request = submit(form, page);
            }
            throw new IOException("The sign-in did not reach the redirect URI in 10 steps");
        }
    }

    /**
     * Fills a page of the sign-in flow with the emulator's documented field names
     * (docs/emulator-entra.md: login, passwd; consent's accept=yes), falling back to input types.
     */
    private HttpRequest submit(HtmlForm form, URI page) {
        Map<String, String> values = new LinkedHashMap<>();
        for (HtmlForm.Input input : form.inputs()) {
            String name = input.name().toLowerCase(Locale.ROOT);
            if (name.equals("passwd") || input.type().equals("password")) {
                values.put(input.name(), choice.password());
            } else if (name.equals("login")
                    || ((input.type().equals("text") || input.type().equals("email"))
                            && (name.contains("user") || name.contains("upn") || name.contains("email")))) {
                values.put(input.name(), choice.upn());
            } else if (name.equals("accept")) {
                values.put(input.name(), "yes");
            }
        }
        Map<String, String> fields = form.fill(values);
        URI action = form.actionUri(page);
        if (form.method().equals("post")) {
            return HttpRequest.newBuilder(action)
                    .timeout(TokenEndpoint.TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(TokenEndpoint.encode(fields)))
                    .build();
        }
        return get(AuthCodes.withQuery(action, fields));
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TokenEndpoint.TIMEOUT).GET().build();
    }

    private TokenEndpoint track(TokenEndpoint endpoint) {
        endpoints.add(endpoint);
        return endpoint;
    }

    @Override
    public void close() {
        endpoints.forEach(TokenEndpoint::close);
        endpoints.clear();
        emulator.close();
    }
}
