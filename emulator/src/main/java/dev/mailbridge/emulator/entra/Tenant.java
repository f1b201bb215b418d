package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.Cloud;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A directory: an Exchange Online tenant (kind online, served by the Entra endpoints of its cloud)
 * or an Exchange Server organisation (kind onprem, Basic-auth users only, unknown to Entra).
 * Mutated only through {@link EntraDirectory}, under its lock.
 */
public final class Tenant {
    public static final String ONLINE = "online";
    public static final String ONPREM = "onprem";

    final String id;
    final List<String> domains;
    String displayName;
    final String kind;
    final Cloud cloud;
    final Map<String, EntraUser> users = new LinkedHashMap<>();
    final Map<String, AppRegistration> apps = new LinkedHashMap<>();

    Tenant(String id, List<String> domains, String displayName, String kind, Cloud cloud) {
        this.id = id;
        this.domains = new ArrayList<>(domains);
        this.displayName = displayName;
        this.kind = kind;
        this.cloud = cloud;
    }

    public String id() {
        return id;
    }

    /** The initial (first) domain, e.g. contoso.onmicrosoft.com. */
    public String domain() {
        return domains.isEmpty() ? id : domains.get(0);
    }

    public List<String> domains() {
        return List.copyOf(domains);
    }

    public String displayName() {
        return displayName;
    }

    public String kind() {
        return kind;
    }

    public Cloud cloud() {
        return cloud;
    }

    public boolean online() {
        return ONLINE.equals(kind);
    }

    boolean matches(String ref) {
        if (id.equalsIgnoreCase(ref)) {
            return true;
        }
        for (String d : domains) {
            if (d.equalsIgnoreCase(ref)) {
                return true;
            }
        }
        return false;
    }

    EntraUser user(String upn) {
        return upn == null ? null : users.get(upn.toLowerCase(Locale.ROOT));
    }

    AppRegistration app(String clientId) {
        return clientId == null ? null : apps.get(clientId.toLowerCase(Locale.ROOT));
    }
}
