package dev.mailbridge.emulator.junit;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Plays the person at the browser against the emulator's plain-HTML sign-in pages: follows redirects,
 * fills the sign-in, MFA, consent and device-code forms, and stops when Entra sends the browser back to
 * the app's redirect URI (by redirect or by a form_post page), returning the callback's parameters.
 */
public final class SignInBrowser {
    private static final Pattern FORM =
            Pattern.compile("<form([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z_-]+)=\"([^\"]*)\"");

    /** What to answer on each page. */
    public record Person(String login, String password, String mfaCode, boolean acceptConsent) {
        public static Person of(String login, String password) {
            return new Person(login, password, "123456", true);
        }

        public Person declining() {
            return new Person(login, password, mfaCode, false);
        }
    }

    /** Where the browser ended: callback parameters, or a page Entra showed instead (an error page). */
    public record Outcome(Optional<Map<String, String>> callback, String lastPage) {
        public Map<String, String> params() {
            return callback.orElseThrow(() -> new AssertionError("No callback; the last page was:\n" + lastPage));
        }
    }

    private final HttpClient http;

    public SignInBrowser(SSLContext ssl) {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Opens {@code url} and signs in as {@code person} until Entra returns to {@code redirectPrefix}. */
    public Outcome signIn(URI url, String redirectPrefix, Person person) throws IOException, InterruptedException {
        HttpResponse<String> page = get(url);
        for (int step = 0; step < 12; step++) {
            Optional<String> location = page.headers().firstValue("Location");
            if (page.statusCode() / 100 == 3 && location.isPresent()) {
                URI next = page.uri().resolve(location.get());
                if (next.toString().startsWith(redirectPrefix)) {
                    return new Outcome(Optional.of(params(next)), "");
                }
                page = get(next);
                continue;
            }
            Map<String, String> form = new LinkedHashMap<>();
            Map<String, String> formAttrs = new LinkedHashMap<>();
            if (!firstForm(page.body(), formAttrs, form)) {
                return new Outcome(Optional.empty(), page.body());
            }
            URI action = page.uri()
                    .resolve(formAttrs.getOrDefault("action", page.uri().toString()));
            if (action.toString().startsWith(redirectPrefix)) {
                return new Outcome(Optional.of(form), ""); // response_mode=form_post
            }
            switch (formAttrs.getOrDefault("id", "")) {
                case "signin" -> {
                    form.put("login", person.login());
                    form.put("passwd", person.password());
                }
                case "mfa" -> form.put("mfaCode", person.mfaCode());
                case "consent" -> form.put("accept", person.acceptConsent() ? "yes" : "no");
                default -> {
                    return new Outcome(Optional.empty(), page.body());
                }
            }
            page = post(action, form);
        }
        throw new AssertionError("Sign-in did not finish in 12 steps; last page:\n" + page.body());
    }

    /** Enters a device code at the verification page, then signs in and consents. Returns the last page. */
    public String enterDeviceCode(URI verificationUri, String userCode, Person person)
            throws IOException, InterruptedException {
        HttpResponse<String> page = get(verificationUri);
        for (int step = 0; step < 12; step++) {
            Map<String, String> form = new LinkedHashMap<>();
            Map<String, String> formAttrs = new LinkedHashMap<>();
            if (!firstForm(page.body(), formAttrs, form)) {
                return page.body();
            }
            switch (formAttrs.getOrDefault("id", "")) {
                case "devicelogin" -> form.put("otc", userCode);
                case "signin" -> {
                    form.put("login", person.login());
                    form.put("passwd", person.password());
                }
                case "mfa" -> form.put("mfaCode", person.mfaCode());
                case "consent" -> form.put("accept", person.acceptConsent() ? "yes" : "no");
                default -> {
                    return page.body();
                }
            }
            page = post(page.uri().resolve(formAttrs.getOrDefault("action", "")), form);
            while (page.statusCode() / 100 == 3
                    && page.headers().firstValue("Location").isPresent()) {
                page = get(
                        page.uri().resolve(page.headers().firstValue("Location").get()));
            }
        }
        return page.body();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean firstForm(String html, Map<String, String> formAttrs, Map<String, String> fields) {
        Matcher form = FORM.matcher(html);
        if (!form.find()) {
            return false;
        }
        attrs(form.group(1)).forEach(formAttrs::put);
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            Map<String, String> a = attrs(input.group(1));
            if ("hidden".equalsIgnoreCase(a.get("type")) && a.containsKey("name")) {
                fields.put(a.get("name"), a.getOrDefault("value", ""));
            }
        }
        return true;
    }

    private static Map<String, String> attrs(String tag) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher m = ATTR.matcher(tag);
        while (m.find()) {
            attrs.put(m.group(1).toLowerCase(), unescape(m.group(2)));
        }
        return attrs;
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static Map<String, String> params(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getRawQuery() != null ? uri.getRawQuery() : uri.getRawFragment();
        if (query == null) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
