package dev.mailbridge.identity.http;

import java.io.IOException;

/** The proxy answered 407: wrong or missing proxy credentials, or the JDK would not send them. */
public final class ProxyAuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    ProxyAuthenticationException(String message) {
        super(message);
    }

    static ProxyAuthenticationException of(ProxyConfig proxy, boolean credentialsSent) {
        if (!proxy.hasCredentials()) {
            return new ProxyAuthenticationException("The proxy " + proxy.address()
                    + " requires authentication (HTTP 407). Set the proxy user name and password in the"
                    + " connection's HTTP settings.");
        }
        if (credentialsSent) {
            return new ProxyAuthenticationException("The proxy " + proxy.address() + " rejected the user name or"
                    + " password for '" + proxy.username().orElseThrow() + "' (HTTP 407). Correct the proxy"
                    + " credentials in the connection's HTTP settings.");
        }
        return new ProxyAuthenticationException("The proxy " + proxy.address() + " requires authentication, but"
                + " this Java runtime refuses to send Basic proxy credentials through an HTTPS tunnel. Start"
                + " Java with -D" + ProxyTunnelling.PROPERTY + "= (empty value) to allow it.");
    }
}
