package dev.mailbridge.ews.autodiscover;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where Autodiscover may send credentials: the defence against the 2021 "Autodiscover leak", where
 * clients walked up the domain to {@code autodiscover.<tld>} and sent Basic credentials there.
 *
 * <p>The rule: credentials go only over HTTPS to a host that
 *
 * <ol>
 *   <li>is not a public suffix ({@code com}, {@code co.uk}, any single label) and not
 *       {@code autodiscover.<public suffix>} (never, whatever was approved), and
 *   <li>equals the user's e-mail domain or is a subdomain of it (so its registrable domain is the
 *       user's), where the user's domain is not itself a public suffix; or equals / is a subdomain of
 *       a domain the user approved.
 * </ol>
 *
 * The public-suffix check uses {@link #PUBLIC_SUFFIXES}, a deliberately small list (every single label
 * plus common two-label registries such as {@code co.uk}, {@code com.br}); an unknown multi-label
 * suffix is still safe because hosts must sit inside the user's exact domain and Autodiscover never
 * strips labels from it.
 */
public final class CredentialScope {
    /** Two-label public suffixes recognised in addition to every single label (TLD). */
    public static final Set<String> PUBLIC_SUFFIXES = Set.of(
            "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk", "nhs.uk", "com.au",
            "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz", "govt.nz", "co.jp", "ne.jp", "or.jp",
            "ac.jp", "go.jp", "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn", "com.mx",
            "org.mx", "com.tr", "co.in", "net.in", "org.in", "gov.in", "co.za", "org.za", "com.sg", "com.hk", "com.tw",
            "co.kr", "or.kr", "com.ar", "com.co", "co.il", "com.my", "com.ph", "com.pk", "com.sa", "com.eg", "co.id",
            "co.th", "com.vn", "com.ua", "com.pl", "co.at", "or.at", "com.es", "com.pe", "com.ng", "co.ke", "com.gr",
            "com.cy", "com.ru", "com.de", "gc.ca", "us.com", "eu.com", "uk.com");

    private final String userDomain;
    private final List<String> approved;

    CredentialScope(String userDomain, List<String> approvedDomains) {
        this.userDomain = normalise(userDomain);
        this.approved = new ArrayList<>();
        for (String d : approvedDomains) {
            approved.add(checkApprovable(d));
        }
    }

    /** Whether {@code name} is a public suffix (a TLD or a listed registry like {@code co.uk}). */
    public static boolean isPublicSuffix(String name) {
        String n = normalise(name);
        return !n.contains(".") || PUBLIC_SUFFIXES.contains(n);
    }

    /**
     * The registrable domain of {@code host}: the public suffix plus one label
     * ({@code mail.example.co.uk} gives {@code example.co.uk}); null for a public suffix.
     */
    public static String registrableDomain(String host) {
        String h = normalise(host);
        if (isPublicSuffix(h)) {
            return null;
        }
        String[] labels = h.split("\\.");
        int n = labels.length;
        String lastTwo = labels[n - 2] + "." + labels[n - 1];
        int keep = PUBLIC_SUFFIXES.contains(lastTwo) ? 3 : 2;
        if (n < keep) {
            return null;
        }
        return String.join(".", java.util.Arrays.copyOfRange(labels, n - keep, n));
    }

    /** {@code autodiscover.<public suffix>} (e.g. {@code autodiscover.com}), or a public suffix itself. */
    public static boolean isLeakHost(String host) {
        String h = normalise(host);
        return isPublicSuffix(h) || (h.startsWith("autodiscover.") && isPublicSuffix(h.substring(13)));
    }

    /** Validates a domain a user wants to approve; returns it normalised. */
    static String checkApprovable(String domain) {
        String d = normalise(domain.startsWith("*.") ? domain.substring(2) : domain);
        if (d.isEmpty() || isLeakHost(d)) {
            throw new IllegalArgumentException("Cannot approve '" + domain
                    + "' for Autodiscover credentials: it is a public suffix or autodiscover.<public suffix>");
        }
        return d;
    }

    /** Null if credentials may be sent to {@code url}; otherwise why not (no secrets in it). */
    String refusal(URI url) {
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            return "refused: credentials are only sent over HTTPS, not " + url.getScheme();
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return "refused: no host in the URL";
        }
        host = normalise(host);
        if (isLeakHost(host)) {
            return "refused: " + host + " is a public suffix or autodiscover.<public suffix> (Autodiscover leak)";
        }
        if (!isPublicSuffix(userDomain) && within(host, userDomain)) {
            return null;
        }
        for (String a : approved) {
            if (within(host, a)) {
                return null;
            }
        }
        return "refused: " + host + " is outside the user's domain " + userDomain
                + " and not in an approved domain, so no credentials were sent";
    }

    static boolean within(String host, String domain) {
        return host.equals(domain) || host.endsWith("." + domain);
    }

    static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        while (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
