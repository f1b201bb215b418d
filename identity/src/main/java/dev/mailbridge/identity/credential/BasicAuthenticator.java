package dev.mailbridge.identity.credential;

import dev.mailbridge.identity.Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** {@code Authorization: Basic base64(user:password)} (RFC 7617, UTF-8) for Exchange Server. */
public final class BasicAuthenticator implements Authenticator {
    private final BasicCredential credential;

    public BasicAuthenticator(BasicCredential credential) {
        this.credential = credential;
    }

    @Override
    public String authorizationHeader() {
        String pair = credential.username() + ":" + credential.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** A password cannot refresh itself: a 401 means the credential is wrong, so never retry. */
    @Override
    public boolean invalidate(String rejectedHeader) {
        return false;
    }

    @Override
    public String toString() {
        return "BasicAuthenticator[" + credential.username() + "]";
    }
}
