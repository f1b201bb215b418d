package dev.mailbridge.server.api;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.SignInBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The browser of the person who finishes a delegated sign-in an API client started: signed in to the web
 * UI (the callback is the UI's), it follows Microsoft's redirect to {@code GET /oauth2/callback}. The
 * session cookie is Secure, which java.net's cookie store will not send over the test's plain HTTP, so
 * the cookie is carried by hand.
 */
final class UiSession {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("MAILBRIDGE_SESSION=([^;]+)");
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private String cookie;

    UiSession(int port) {
        this.base = "http://localhost:" + port;
    }

    /**
     * Authorizes a delegated mailbox as its owner would: the API's authorization URL, Microsoft's sign-in
     * played by {@link SignInBrowser} as {@code person}, and the real callback in a browser signed in to the
     * web UI as {@code uiUser}.
     */
    static void authorize(
            ApiClient api,
            String writer,
            int port,
            String mailbox,
            String uiUser,
            String uiPassword,
            Emulator emulator,
            SignInBrowser.Person person)
            throws Exception {
        ApiClient.Reply start = api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null);
        start.expect(200);
        Map<String, String> callback = new SignInBrowser(emulator.sslContext())
                .signIn(URI.create(start.text("authorizationUrl")), start.text("redirectUri"), person)
                .params();
        String next = new UiSession(port).signIn(uiUser, uiPassword).callback(start.text("redirectUri"), callback);
        if (!next.startsWith("302") || !next.contains("/mailboxes/" + mailbox)) {
            throw new AssertionError("the callback's answer: " + next);
        }
    }

    UiSession signIn(String username, String password) throws Exception {
        HttpResponse<String> page =
                send(HttpRequest.newBuilder(URI.create(base + "/login")).GET());
        Matcher csrf = CSRF.matcher(page.body());
        if (!csrf.find()) {
            throw new AssertionError("no CSRF token on the login page: " + page.statusCode() + " " + page.body());
        }
        String form = Map.of("username", username, "password", password, "_csrf", csrf.group(1)).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        String location = r.headers().firstValue("Location").orElse("");
        if (r.statusCode() != 302 || location.contains("/login")) {
            throw new AssertionError("sign-in to the web UI failed: " + r.statusCode() + " " + location);
        }
        return this;
    }

    /** Follows Microsoft's redirect to the callback; returns where the UI sends the person next. */
    String callback(String redirectUri, Map<String, String> params) throws Exception {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String path = URI.create(redirectUri).getRawPath();
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(URI.create(base + path + "?" + query)).GET());
        return r.statusCode() + " " + r.headers().firstValue("Location").orElse("");
    }

    /** A page of the web UI as this signed-in person sees it; fails unless it answers 200. */
    String page(String path) throws Exception {
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " "
                    + r.headers().firstValue("Location").orElse(r.body()));
        }
        return r.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        if (cookie != null) {
            b.header("Cookie", "MAILBRIDGE_SESSION=" + cookie);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : r.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(set);
            if (m.find()) {
                cookie = m.group(1);
            }
        }
        return r;
    }
}
