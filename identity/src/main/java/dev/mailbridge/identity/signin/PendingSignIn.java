package dev.mailbridge.identity.signin;

import dev.mailbridge.identity.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What the server keeps (in the user's session) between sending the browser to Entra and the callback: the
 * state to match, the nonce to find in the ID token, and the PKCE verifier to redeem the code with.
 *
 * @param accountKey the caller's key for the mailbox being authorized; the refresh token is saved under it
 */
public record PendingSignIn(
        String accountKey,
        String state,
        Secret nonce,
        Secret codeVerifier,
        URI redirectUri,
        Set<String> scopes,
        Instant startedAt) {

    public PendingSignIn {
        Objects.requireNonNull(accountKey, "accountKey");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(codeVerifier, "codeVerifier");
        Objects.requireNonNull(redirectUri, "redirectUri");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Fresh random state, nonce and PKCE verifier. */
    public static PendingSignIn create(String accountKey, URI redirectUri, Set<String> scopes, Instant now) {
        return new PendingSignIn(
                accountKey,
                Pkce.randomToken(24),
                Secret.of(Pkce.randomToken(24)),
                Pkce.generate().verifier(),
                redirectUri,
                scopes,
                now);
    }

    public String codeChallenge() {
        return Pkce.challengeOf(codeVerifier.reveal());
    }
}
