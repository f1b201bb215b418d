package dev.mailbridge.emulator.autodiscover;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The test-facing knobs of Autodiscover: per-domain redirects, injected failures, where the
 * plain-HTTP redirect method points, and how long a "hang" lasts. Read from the configuration's
 * {@code autodiscover} section and changed at run time through {@link AutodiscoverService}.
 * Guarded by the instance lock.
 */
final class AutodiscoverSettings {
    /** Addresses in {@code domain} are redirected to {@code to}: an address, a domain or an https URL. */
    record Redirect(String domain, String to) {
        boolean isUrl() {
            return to.regionMatches(true, 0, "https://", 0, 8) || to.regionMatches(true, 0, "http://", 0, 7);
        }

        /** The address to redirect {@code address} to (for address and domain redirects). */
        String targetAddress(String address) {
            if (to.contains("@")) {
                return to;
            }
            int at = address.lastIndexOf('@');
            return address.substring(0, at + 1) + to;
        }
    }

    private final Map<String, Redirect> redirects = new LinkedHashMap<>();
    private final List<AutodiscoverService.Failure> failures = new ArrayList<>();
    private String httpRedirectLocation;
    private Duration hang = Duration.ofSeconds(60);

    AutodiscoverSettings(JsonNode section) {
        for (JsonNode r : section.path("redirects")) {
            String domain = r.path("domain").asText("");
            String to = r.path("to").asText("");
            if (domain.isBlank() || to.isBlank()) {
                throw new IllegalArgumentException(
                        "Each autodiscover.redirects entry needs 'domain' and 'to', e.g. {domain: fabrikam.com, to: contoso.com}");
            }
            putRedirect(domain, to);
        }
        for (JsonNode f : section.path("failures")) {
            failures.add(AutodiscoverService.Failure.fromConfig(f));
        }
        if (section.hasNonNull("httpRedirect")) {
            httpRedirectLocation = section.get("httpRedirect").asText();
        }
        if (section.hasNonNull("hangSeconds")) {
            hang = Duration.ofSeconds(section.get("hangSeconds").asLong());
        }
    }

    synchronized void putRedirect(String domain, String to) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        Redirect r = new Redirect(d, to.strip());
        if (r.isUrl() && !r.to.regionMatches(true, 0, "https://", 0, 8)) {
            throw new IllegalArgumentException("A redirect URL must be https: " + to);
        }
        redirects.put(d, r);
    }

    synchronized void removeRedirect(String domain) {
        redirects.remove(domain.strip().toLowerCase(Locale.ROOT));
    }

    synchronized Redirect redirectFor(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? null : redirects.get(address.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    synchronized void addFailure(AutodiscoverService.Failure failure) {
        failures.add(failure);
    }

    synchronized void clearFailures() {
        failures.clear();
    }

    /** The first failure rule matching this request, consuming one of its uses; null if none. */
    synchronized AutodiscoverService.Failure takeFailure(AutodiscoverService.Surface surface, String host) {
        for (int i = 0; i < failures.size(); i++) {
            AutodiscoverService.Failure f = failures.get(i);
            if (f.matches(surface, host)) {
                if (f.times() > 0) {
                    if (f.times() == 1) {
                        failures.remove(i);
                    } else {
                        failures.set(i, f.withTimes(f.times() - 1));
                    }
                }
                return f;
            }
        }
        return null;
    }

    synchronized String httpRedirectLocation() {
        return httpRedirectLocation;
    }

    synchronized void httpRedirectLocation(String location) {
        this.httpRedirectLocation = location;
    }

    synchronized Duration hang() {
        return hang;
    }

    synchronized void hang(Duration hang) {
        this.hang = hang;
    }
}
