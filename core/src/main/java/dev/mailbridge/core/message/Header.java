package dev.mailbridge.core.message;

import java.util.Objects;

/**
 * One header field as received: its name as written and its value unfolded (line breaks of folded
 * headers removed) with RFC 2047 encoded words decoded.
 */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
