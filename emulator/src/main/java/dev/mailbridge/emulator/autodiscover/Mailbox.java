package dev.mailbridge.emulator.autodiscover;

import dev.mailbridge.emulator.entra.EntraDirectory;
import dev.mailbridge.emulator.entra.EntraUser;
import dev.mailbridge.emulator.entra.Tenant;
import java.util.Locale;

/**
 * A mailbox Autodiscover knows: a directory user, found by UPN or by the same local part in any
 * of the tenant's domains (the emulator's stand-in for proxy addresses).
 */
record Mailbox(Tenant tenant, EntraUser user) {
    /** The mailbox for {@code address}, or null when its domain or user is unknown. */
    static Mailbox resolve(EntraDirectory directory, String address) {
        if (address == null) {
            return null;
        }
        String a = address.strip();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.indexOf('@') != at) {
            return null;
        }
        String local = a.substring(0, at);
        String domain = a.substring(at + 1).toLowerCase(Locale.ROOT);
        Tenant tenant = directory.tenant(domain);
        if (tenant == null || tenant.id().equalsIgnoreCase(domain)) {
            return null;
        }
        EntraUser user = find(directory, tenant, a);
        if (user == null) {
            for (String d : tenant.domains()) {
                user = find(directory, tenant, local + "@" + d);
                if (user != null) {
                    break;
                }
            }
        }
        return user == null ? null : new Mailbox(tenant, user);
    }

    private static EntraUser find(EntraDirectory directory, Tenant tenant, String upn) {
        try {
            return directory.user(tenant.id(), upn);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The primary SMTP address: the UPN. */
    String smtp() {
        return user.upn();
    }

    String displayName() {
        return user.displayName() == null ? user.upn() : user.displayName();
    }

    String alias() {
        String upn = user.upn();
        return upn.substring(0, upn.indexOf('@'));
    }

    /** Exchange's legacy DN; Exchange Online uses the ExchangeLabs organisation. */
    String legacyDn() {
        String org = tenant.online() ? "ExchangeLabs" : orgName();
        String cn = tenant.online() ? user.oid().replace("-", "") + "-" + alias() : alias();
        return "/o=" + org + "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" + cn;
    }

    /** The mailbox server name Exchange 2013+ reports: the mailbox GUID at the primary domain. */
    String mailboxServer() {
        return user.oid() + "@" + user.upn().substring(user.upn().indexOf('@') + 1);
    }

    String mailboxDn() {
        return "/o=" + (tenant.online() ? "ExchangeLabs" : orgName())
                + "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn="
                + mailboxServer()
                + "/cn=Microsoft Private MDB";
    }

    private String orgName() {
        String name = tenant.displayName() == null ? tenant.domain() : tenant.displayName();
        return name.replaceAll("[^A-Za-z0-9 -]", "");
    }
}
