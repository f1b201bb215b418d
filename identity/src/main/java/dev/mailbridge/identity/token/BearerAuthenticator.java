package dev.mailbridge.identity.token;

import dev.mailbridge.identity.Authenticator;

/** {@code Authorization: Bearer <access token>} from a {@link TokenSource}; a 401 drops the cached token. */
public final class BearerAuthenticator implements Authenticator {
    private final TokenSource tokens;

    public BearerAuthenticator(TokenSource tokens) {
        this.tokens = tokens;
    }

    @Override
    public String authorizationHeader() {
        return tokens.token().bearerHeader();
    }

    @Override
    public boolean invalidate(String rejectedHeader) {
        return tokens.invalidate(rejectedHeader);
    }

    @Override
    public String toString() {
        return "BearerAuthenticator[" + tokens + "]";
    }
}
