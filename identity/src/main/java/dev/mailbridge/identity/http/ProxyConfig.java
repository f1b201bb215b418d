package dev.mailbridge.identity.http;

import dev.mailbridge.identity.Secret;
import java.util.Objects;
import java.util.Optional;

/** An HTTP proxy (reached with CONNECT for https), optionally with Basic credentials. */
public record ProxyConfig(String host, int port, Optional<String> username, Optional<Secret> password) {
    public ProxyConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("The proxy host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The proxy port must be 1-65535, not " + port);
        }
        username = Objects.requireNonNull(username).filter(u -> !u.isEmpty());
        password = Objects.requireNonNull(password);
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("Give both the proxy user name and password, or neither");
        }
    }

    public boolean hasCredentials() {
        return username.isPresent();
    }

    /** host:port, safe to show. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "ProxyConfig[" + address() + username.map(u -> ", user " + u).orElse("") + "]";
    }
}
