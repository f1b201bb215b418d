package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.token.AccessToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** Reads what we need out of MSAL's results: the access token, the rotated refresh token, ID token claims. */
final class MsalResults {
    private MsalResults() {}

    static AccessToken accessToken(IAuthenticationResult result, Instant now) {
        Optional<Instant> refreshOn = Optional.ofNullable(result.metadata())
                .map(m -> m.refreshOn())
                .filter(seconds -> seconds != null && seconds > 0)
                .map(Instant::ofEpochSecond);
        return new AccessToken(
                Secret.of(result.accessToken()), now, result.expiresOnDate().toInstant(), refreshOn);
    }

    /**
     * The refresh token from the response just received. MSAL 1.x has no API that returns it; it sits in the
     * application's token cache, which is ours alone (one MSAL app per redemption), so there is at most one.
     */
    static Optional<Secret> refreshToken(AbstractClientApplicationBase app) {
        return Json.object(app.tokenCache().serialize())
                .map(cache -> cache.get("RefreshToken"))
                .filter(Map.class::isInstance)
                .map(m -> (Map<?, ?>) m)
                .flatMap(entries -> entries.values().stream().findFirst())
                .filter(Map.class::isInstance)
                .map(entry -> ((Map<?, ?>) entry).get("secret"))
                .filter(String.class::isInstance)
                .map(s -> Secret.of((String) s));
    }

    /**
     * The ID token's claims. The token came straight from the token endpoint over verified TLS, so its
     * signature need not be checked (OpenID Connect Core §3.1.3.7); we read it only for nonce, tid, name.
     */
    static Map<String, Object> idTokenClaims(IAuthenticationResult result) {
        String idToken = result.idToken();
        if (idToken == null || idToken.isBlank()) {
            return Map.of();
        }
        String[] parts = idToken.split("\\.");
        if (parts.length < 2) {
            return Map.of();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return Json.object(payload).orElse(Map.of());
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
