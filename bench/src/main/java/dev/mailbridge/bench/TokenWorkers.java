package dev.mailbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/** The two grants under test, as {@link Worker}s. */
final class TokenWorkers {
    private TokenWorkers() {}

    /** client_credentials with a client secret in the body: the same form on every call. */
    static Worker clientCredentials(TokenEndpoint endpoint, String clientId, String clientSecret, String scope) {
        Map<String, String> form = TokenEndpoint.form(
                "grant_type", "client_credentials",
                "client_id", clientId,
                "client_secret", clientSecret,
                "scope", scope);
        return () -> endpoint.post(form);
    }

    /**
     * refresh_token: each call redeems the newest refresh token this worker holds and keeps the
     * rotated one from the answer. Both servers are set up to rotate (as Entra does), so an
     * answer without a new refresh token counts as an error.
     */
    static Worker refresh(
            TokenEndpoint endpoint, String clientId, String clientSecret, String scope, String initialRefreshToken) {
        String[] current = {initialRefreshToken};
        return () -> {
            JsonNode json = endpoint.post(TokenEndpoint.form(
                    "grant_type", "refresh_token",
                    "client_id", clientId,
                    "client_secret", clientSecret,
                    "scope", scope,
                    "refresh_token", current[0]));
            current[0] = requireRefreshToken(json, "the refresh answer");
        };
    }

    static String requireRefreshToken(JsonNode tokenResponse, String what) throws IOException {
        JsonNode refresh = tokenResponse.get("refresh_token");
        if (refresh == null || !refresh.isTextual() || refresh.asText().isEmpty()) {
            throw new IOException(
                    what + " has no refresh_token: " + TokenEndpoint.abbreviate(tokenResponse.toString()));
        }
        return refresh.asText();
    }
}
