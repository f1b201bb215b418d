package dev.mailbridge.core.connect;

import dev.mailbridge.identity.Pem;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The network fields a connection and the server-wide defaults share (host lists, proxy host and
 * port, trusted CAs): how they are read and what is said when they are wrong, in one place.
 */
public final class NetworkFields {
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9.-]{1,253}|\\[[0-9a-fA-F:.]+\\]");

    private NetworkFields() {}

    /** A list typed as "a, b c": split on commas and white space, blanks dropped. */
    public static List<String> list(String text) {
        return Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    /** A host name or a bracketed IPv6 literal, without scheme or port. */
    public static boolean isHost(String host) {
        return HOST.matcher(host).matches();
    }

    public static Optional<String> proxyHostProblem(String host) {
        return isHost(host)
                ? Optional.empty()
                : Optional.of("Enter the proxy's host name or IP address, without http://.");
    }

    public static Optional<String> portProblem(int port) {
        return port >= 1 && port <= 65535 ? Optional.empty() : Optional.of("A port is a number from 1 to 65535.");
    }

    /** What is wrong with pasted CA certificates, if anything. */
    public static Optional<String> trustedCasProblem(String pem) {
        try {
            return Pem.certificates(pem).isEmpty()
                    ? Optional.of("Paste one or more PEM certificates (-----BEGIN CERTIFICATE-----).")
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("These certificates cannot be read: " + e.getMessage());
        }
    }
}
