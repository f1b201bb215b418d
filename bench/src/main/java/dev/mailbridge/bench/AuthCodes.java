package dev.mailbridge.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pieces of the authorization-code flow shared by both servers: PKCE, URLs, the redirect. */
final class AuthCodes {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthCodes() {}

    /** A PKCE pair (S256). */
    record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                byte[] digest =
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(
                        verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String randomState() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static URI withQuery(URI base, Map<String, String> query) {
        String separator = base.getRawQuery() == null ? "?" : "&";
        return URI.create(base + separator + TokenEndpoint.encode(query));
    }

    static Map<String, String> queryOf(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    /** True when {@code location} points at the app's redirect URI (where the code arrives). */
    static boolean isRedirectTo(URI location, String redirectUri) {
        String target = location.toString();
        return target.startsWith(redirectUri + "?")
                || target.startsWith(redirectUri + "#")
                || target.equals(redirectUri);
    }

    /** The code from the redirect, checking the state; explains an error redirect instead. */
    static String codeFrom(URI location, String expectedState) {
        Map<String, String> query = queryOf(location);
        if (query.containsKey("error")) {
            throw new IllegalStateException("The authorize step answered with an error: " + query.get("error") + " "
                    + query.getOrDefault("error_description", ""));
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            throw new IllegalStateException("The redirect carries no code: " + location);
        }
        if (expectedState != null && !expectedState.equals(query.get("state"))) {
            throw new IllegalStateException("The redirect's state does not match: " + location);
        }
        return code;
    }

    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
