package dev.mailbridge.emulator;

import java.net.URI;

/**
 * The listener a request came in through: which cloud it answers as, and the base URL clients use
 * to reach it (scheme, host and port, no trailing slash), from which issuers and metadata URLs are
 * built.
 */
public record Endpoint(Cloud cloud, URI baseUrl) {
    /** {@code baseUrl} + {@code path}; {@code path} starts with a slash. */
    public String url(String path) {
        return baseUrl.toString() + path;
    }
}
