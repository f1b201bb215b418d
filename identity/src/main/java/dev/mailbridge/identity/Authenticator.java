package dev.mailbridge.identity;

/**
 * What a transport (EWS, Graph) asks before each request: the value of the {@code Authorization} header.
 * Implementations: {@link dev.mailbridge.identity.credential.BasicAuthenticator} ("Basic ...") for
 * Exchange Server, {@link dev.mailbridge.identity.token.BearerAuthenticator} ("Bearer ...") for OAuth.
 *
 * <p>Not {@link java.net.Authenticator}: that one answers challenges after the fact; transports here set
 * the header up front and react to a 401 themselves.
 */
public interface Authenticator {

    /**
     * The header value to send now, e.g. {@code Bearer eyJ0...}. May block while a token is refreshed.
     *
     * @throws dev.mailbridge.identity.failure.SignInFailure when no valid credential can be obtained
     */
    String authorizationHeader();

    /**
     * Tells the authenticator the server answered 401 to {@code rejectedHeader}. Returns true if a retry
     * with a fresh {@link #authorizationHeader()} may succeed (a cached token was dropped), false if the
     * same credential would be sent again (basic credentials), so the transport should not retry.
     */
    boolean invalidate(String rejectedHeader);
}
