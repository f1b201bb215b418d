package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared test support: one emulator with the default configuration, the identities it contains,
 * and a tiny "browser" that follows Entra's pages by submitting their forms with java.net.http.
 */
public final class EntraFixture {
    static final ObjectMapper JSON = new ObjectMapper();

    static final String TENANT = "c0a7c0a7-0000-4000-8000-000000000001";
    static final String DOMAIN = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String PUBLIC_APP = "c0a7c0a7-0000-4000-8000-0000000000b2";
    static final String CONSENT_APP = "c0a7c0a7-0000-4000-8000-0000000000c3";
    static final String CONSENT_SECRET = "Cdm8Q~emulator.consent.demo.secret.0003";
    static final String CALLBACK = "http://localhost:8080/oauth2/callback";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_PW = "Adele-Passw0rd!";
    static final String ADMIN = "admin@contoso.onmicrosoft.com";
    static final String ADMIN_PW = "Admin-Passw0rd!";
    static final String MFA_USER = "mfa.user@contoso.onmicrosoft.com";
    static final String BLOCKED_USER = "blocked.user@contoso.onmicrosoft.com";
    static final String DISABLED_USER = "disabled.user@contoso.onmicrosoft.com";
    static final String GOV_TENANT = "fab71ca7-0000-4000-8000-000000000001";
    static final String GOV_APP = "fab71ca7-0000-4000-8000-0000000000a1";
    static final String GOV_SECRET = "Fab8Q~emulator.gcchigh.secret.value.0001";
    static final String ONPREM_DOMAIN = "northwind.local";
    static final String EWS = "https://outlook.office365.com/EWS.AccessAsUser.All";

    private EntraFixture() {}

    static Emulator start(Path state) {
        return Emulator.start(
                EmulatorOptions.builder().httpsPort(0).stateDir(state).build());
    }

    static String base(Emulator emulator) {
        return emulator.loginUrl().toString();
    }

    static String base(Emulator emulator, Cloud cloud) {
        return emulator.loginUrl(cloud).toString();
    }

    static String form(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return b.toString();
    }

    public static Map<String, String> query(String uri) {
        Map<String, String> map = new LinkedHashMap<>();
        URI u = URI.create(uri);
        String q = u.getRawQuery() != null ? u.getRawQuery() : u.getRawFragment();
        if (q == null) {
            return map;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            map.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return map;
    }

    /** An access token by client credentials from the tenant at {@code base} (HTTP or HTTPS). */
    public static String clientCredentialsToken(
            Emulator emulator, String base, String clientId, String secret, String scope) throws Exception {
        return token(
                emulator,
                base,
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        clientId,
                        "client_secret",
                        secret,
                        "scope",
                        scope));
    }

    /** The web app's authorization-code flow through the sign-in page, as a browser would; the access token. */
    public static String authorizationCodeToken(
            Emulator emulator, String base, String upn, String password, String scope) throws Exception {
        String authorize = base + "/" + DOMAIN + "/oauth2/v2.0/authorize?client_id=" + WEB_APP
                + "&response_type=code&redirect_uri=" + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope + " offline_access", StandardCharsets.UTF_8)
                + "&state=s1&login_hint=" + URLEncoder.encode(upn, StandardCharsets.UTF_8);
        Browser browser = new Browser(emulator, base);
        HttpResponse<String> signedIn = browser.signIn(browser.get(authorize), upn, password);
        String code = query(Browser.location(signedIn)).get("code");
        if (code == null) {
            throw new AssertionError("No code after signing in:\n" + signedIn.body());
        }
        return token(
                emulator,
                base,
                Map.of(
                        "grant_type", "authorization_code",
                        "client_id", WEB_APP,
                        "client_secret", WEB_SECRET,
                        "code", code,
                        "redirect_uri", CALLBACK,
                        "scope", scope));
    }

    private static String token(Emulator emulator, String base, Map<String, String> fields) throws Exception {
        HttpResponse<String> r = postForm(
                emulator,
                base + "/" + DOMAIN + "/oauth2/v2.0/token",
                form(fields),
                "application/x-www-form-urlencoded");
        if (r.statusCode() != 200) {
            throw new AssertionError("Token request failed (" + r.statusCode() + "): " + r.body());
        }
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    static JWTClaimsSet claims(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    /** A cookie-keeping client that does not follow redirects, like a browser driven by hand. */
    public static final class Browser {
        final HttpClient http;
        final String base;

        public Browser(Emulator emulator, String base) {
            this.http = HttpClient.newBuilder()
                    .sslContext(emulator.sslContext())
                    .cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            this.base = base;
        }

        public HttpResponse<String> get(String url) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Submits the page's form (hidden fields kept) with the given fields added. */
        HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> fields) throws Exception {
            String html = page.body();
            Matcher action =
                    Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"").matcher(html);
            if (!action.find()) {
                throw new AssertionError("No form on the page:\n" + html);
            }
            Map<String, String> all = hidden(html);
            all.putAll(fields);
            return post(base + action.group(1).replace("&amp;", "&"), all);
        }

        /** Signs in on the sign-in page (and passes MFA with the emulator's code if asked). */
        public HttpResponse<String> signIn(HttpResponse<String> page, String upn, String password) throws Exception {
            HttpResponse<String> next = submit(page, Map.of("login", upn, "passwd", password));
            if (next.body().contains("name=\"mfaCode\"")) {
                next = submit(next, Map.of("mfaCode", "123456"));
            }
            return next;
        }

        static Map<String, String> hidden(String html) {
            Map<String, String> map = new LinkedHashMap<>();
            Matcher m = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
                    .matcher(html);
            while (m.find()) {
                map.put(
                        m.group(1),
                        m.group(2)
                                .replace("&amp;", "&")
                                .replace("&quot;", "\"")
                                .replace("&#39;", "'")
                                .replace("&lt;", "<")
                                .replace("&gt;", ">"));
            }
            return map;
        }

        public static String location(HttpResponse<String> response) {
            return response.headers()
                    .firstValue("Location")
                    .orElseThrow(() ->
                            new AssertionError("No redirect (" + response.statusCode() + "):\n" + response.body()));
        }
    }

    /** POSTs a form to the token endpoint (or another path) and parses the JSON answer. */
    static HttpResponse<String> postForm(Emulator emulator, String url, String body, String contentType)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", contentType)
                        .header("client-request-id", "11112222-3333-4444-5555-666677778888")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
