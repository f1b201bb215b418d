package dev.mailbridge.server;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.NetworkFields;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.identity.http.HttpSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Server-wide defaults every connection builds on: an HTTP proxy (with a no-proxy list) and extra
 * trusted CAs (added to the JDK's; TLS verification stays on). Kept in the settings table, editable by
 * admins in the UI and the API, applied at once.
 */
@Service
public class ServerDefaults {
    public static final String PROXY_HOST = "proxy-host";
    public static final String PROXY_PORT = "proxy-port";
    public static final String NO_PROXY = "no-proxy";
    public static final String TRUSTED_CAS = "trusted-ca-pem";
    public static final List<String> NAMES = List.of(PROXY_HOST, PROXY_PORT, NO_PROXY, TRUSTED_CAS);

    private final Stores stores;
    private final MailboxServices services;

    public ServerDefaults(Stores stores, MailboxServices services) {
        this.stores = stores;
        this.services = services;
        services.useBaseHttp(build(values()));
    }

    /** The current values by name (absent ones left out). */
    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : NAMES) {
            stores.settings().get(n).ifPresent(v -> out.put(n, v));
        }
        return out;
    }

    /**
     * Checks and saves {@code changes} (name to value; blank clears), then applies them. Unknown names
     * and bad values are refused field by field and nothing is saved.
     */
    public void update(Map<String, String> changes, String actor) {
        List<FieldError> errors = new ArrayList<>();
        changes.keySet().stream()
                .filter(n -> !NAMES.contains(n))
                .forEach(n -> errors.add(new FieldError(n, "Unknown setting; the settings are " + NAMES + ".")));
        Map<String, String> next = new LinkedHashMap<>(values());
        changes.forEach((n, v) -> {
            if (v == null || v.isBlank()) {
                next.remove(n);
            } else {
                next.put(n, v.strip());
            }
        });
        next.keySet().retainAll(NAMES);
        HttpSettings built = null;
        try {
            built = build(next, errors);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(PROXY_HOST, e.getMessage()));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        changes.forEach((n, v) -> stores.settings().put(n, v == null ? "" : v));
        services.useBaseHttp(built);
        stores.audit().record(actor, "settings.update", "settings", String.join(", ", changes.keySet()));
    }

    /** At start: stored values were checked when saved; fall back to the defaults if one no longer reads. */
    private static HttpSettings build(Map<String, String> v) {
        try {
            HttpSettings s = build(v, new ArrayList<>());
            return s == null ? HttpSettings.defaults() : s;
        } catch (RuntimeException e) {
            return HttpSettings.defaults();
        }
    }

    private static HttpSettings build(Map<String, String> v, List<FieldError> errors) {
        HttpSettings.Builder b = HttpSettings.builder();
        Optional<String> host = Optional.ofNullable(v.get(PROXY_HOST));
        Optional<String> port = Optional.ofNullable(v.get(PROXY_PORT));
        if (host.isPresent() != port.isPresent()) {
            errors.add(new FieldError(
                    host.isPresent() ? PROXY_PORT : PROXY_HOST, "Give the proxy's host and port together."));
        } else if (host.isPresent()) {
            NetworkFields.proxyHostProblem(host.get()).ifPresent(m -> errors.add(new FieldError(PROXY_HOST, m)));
            int p = -1;
            try {
                p = Integer.parseInt(port.get());
            } catch (NumberFormatException e) {
                // reported below
            }
            Optional<String> badPort = NetworkFields.portProblem(p);
            badPort.ifPresent(m -> errors.add(new FieldError(PROXY_PORT, m)));
            if (badPort.isEmpty() && errors.isEmpty()) {
                b.proxy(host.get(), p);
            }
        }
        Optional.ofNullable(v.get(NO_PROXY)).ifPresent(n -> b.noProxy(NetworkFields.list(n)));
        Optional<String> cas = Optional.ofNullable(v.get(TRUSTED_CAS));
        if (cas.isPresent()) {
            Optional<String> problem = NetworkFields.trustedCasProblem(cas.get());
            problem.ifPresent(m -> errors.add(new FieldError(TRUSTED_CAS, m)));
            if (problem.isEmpty()) {
                b.trustPem(cas.get());
            }
        }
        return errors.isEmpty() ? b.build() : null;
    }
}
