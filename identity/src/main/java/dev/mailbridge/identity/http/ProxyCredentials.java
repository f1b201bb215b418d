package dev.mailbridge.identity.http;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers the proxy's 407 challenge with the configured credentials, and nothing else: server (401)
 * challenges and other proxies get no answer, so the proxy password never reaches a mail server.
 */
final class ProxyCredentials extends Authenticator {
    private final ProxyConfig proxy;
    private final AtomicInteger asked = new AtomicInteger();

    ProxyCredentials(ProxyConfig proxy) {
        this.proxy = proxy;
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.PROXY
                || !proxy.host().equalsIgnoreCase(getRequestingHost())
                || getRequestingPort() != proxy.port()) {
            return null;
        }
        asked.incrementAndGet();
        return new PasswordAuthentication(
                proxy.username().orElseThrow(),
                proxy.password().orElseThrow().reveal().toCharArray());
    }

    /** Whether the JDK ever asked: if a 407 came back without asking, the JDK refused to send Basic. */
    boolean wasAsked() {
        return asked.get() > 0;
    }

    /** How often the JDK asked so far; asked twice for one request means the proxy refused the first answer. */
    int asks() {
        return asked.get();
    }
}
