package dev.mailbridge.identity.http;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hosts reached directly, not through the proxy. Each entry is a host name or IP literal, matched
 * case-insensitively: {@code localhost} matches only itself; {@code *} wildcards match any characters
 * ({@code *.internal} matches {@code mail.internal} and {@code a.b.internal}, not {@code internal});
 * a leading dot ({@code .example.com}) matches the domain and all its subdomains, as in curl's NO_PROXY.
 * A lone {@code *} bypasses the proxy for every host.
 */
public final class NoProxyList {
    private static final NoProxyList EMPTY = new NoProxyList(List.of());

    private final List<String> entries;
    private final List<Pattern> patterns;

    private NoProxyList(List<String> entries) {
        this.entries = List.copyOf(entries);
        this.patterns = this.entries.stream().map(NoProxyList::compile).toList();
    }

    public static NoProxyList of(List<String> entries) {
        return entries.isEmpty()
                ? EMPTY
                : new NoProxyList(entries.stream()
                        .map(String::trim)
                        .filter(e -> !e.isEmpty())
                        .map(e -> e.toLowerCase(Locale.ROOT))
                        .toList());
    }

    /** Parses a comma- or whitespace-separated list, as found in NO_PROXY or a settings field. */
    public static NoProxyList parse(String list) {
        return list == null || list.isBlank() ? EMPTY : of(List.of(list.trim().split("[,\\s]+")));
    }

    public static NoProxyList empty() {
        return EMPTY;
    }

    public boolean bypasses(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1); // IPv6 literal as it appears in URIs
        }
        for (Pattern p : patterns) {
            if (p.matcher(h).matches()) {
                return true;
            }
        }
        return false;
    }

    public List<String> entries() {
        return entries;
    }

    private static Pattern compile(String entry) {
        String e = entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
        if (e.startsWith(".")) {
            return Pattern.compile("(.*\\.)?" + Pattern.quote(e.substring(1)));
        }
        String[] parts = e.split("\\*", -1);
        return Pattern.compile(
                java.util.Arrays.stream(parts).map(Pattern::quote).collect(java.util.stream.Collectors.joining(".*")));
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
