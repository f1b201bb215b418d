package dev.mailbridge.identity.signin;

import dev.mailbridge.identity.credential.AppRegistration;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the v2.0 authorize URL. We build it rather than MSAL because MSAL 1.24+ silently turns
 * response_mode=query into form_post; the server must know which one its callback will receive.
 */
public final class AuthorizationUrl {
    /** OpenID scopes added to every sign-in: the ID token (openid, profile) and a refresh token (offline_access). */
    static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access");

    private AuthorizationUrl() {}

    public static URI build(AppRegistration app, PendingSignIn pending, SignInOptions options) {
        Set<String> scopes = new LinkedHashSet<>(options.scopes());
        scopes.addAll(OIDC_SCOPES);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", app.clientId());
        params.put("response_type", "code");
        params.put("redirect_uri", options.redirectUri().toString());
        params.put("response_mode", options.responseMode().name().toLowerCase(Locale.ROOT));
        params.put("scope", String.join(" ", scopes));
        params.put("state", pending.state());
        params.put("nonce", pending.nonce().reveal());
        params.put("code_challenge", pending.codeChallenge());
        params.put("code_challenge_method", Pkce.METHOD);
        options.prompt().ifPresent(p -> params.put("prompt", p.name().toLowerCase(Locale.ROOT)));
        options.loginHint().ifPresent(h -> params.put("login_hint", h));
        options.domainHint().ifPresent(h -> params.put("domain_hint", h));
        String query = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(app.authority() + "oauth2/v2.0/authorize?" + query);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
