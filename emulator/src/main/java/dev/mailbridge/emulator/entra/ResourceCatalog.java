package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.Cloud;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resource applications (APIs) every tenant of a cloud knows, and how scope strings resolve to
 * them. Only Exchange Online and Microsoft Graph exist: they are what Mailbridge talks to. Each
 * cloud has its own resource URIs, so a scope for another cloud's Graph is an unknown resource here.
 */
final class ResourceCatalog {
    static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "email", "offline_access");

    /** An API: its app id, the URIs naming it in scopes (the first is its main audience) and permissions. */
    record Resource(String appId, String displayName, List<String> uris, Set<String> delegated, Set<String> roles) {
        String primaryUri() {
            return uris.get(0);
        }

        /** The permission name with the API's casing, or null when the API has no such permission. */
        String delegatedName(String name) {
            return find(delegated, name);
        }

        String roleName(String name) {
            return find(roles, name);
        }

        private static String find(Set<String> names, String name) {
            for (String n : names) {
                if (n.equalsIgnoreCase(name)) {
                    return n;
                }
            }
            return null;
        }
    }

    /**
     * One scope string of a request. OIDC scopes have no resource. {@code resourceUri} is the URI as
     * the client wrote it (it becomes the token audience); {@code name} is the permission or ".default".
     */
    record Scope(String raw, Resource resource, String resourceUri, String name) {
        boolean oidc() {
            return resource == null;
        }

        boolean isDefault() {
            return ".default".equalsIgnoreCase(name);
        }

        /** Key used for consent and declared permissions: resource app id + permission, lower case. */
        String key() {
            return key(resource, name);
        }

        static String key(Resource resource, String name) {
            return (resource.appId() + "/" + name).toLowerCase(Locale.ROOT);
        }
    }

    private static final Set<String> EXCHANGE_DELEGATED = ordered(
            "EWS.AccessAsUser.All",
            "IMAP.AccessAsUser.All",
            "POP.AccessAsUser.All",
            "SMTP.Send",
            "EAS.AccessAsUser.All");
    private static final Set<String> EXCHANGE_ROLES = ordered(
            "full_access_as_app",
            "IMAP.AccessAsApp",
            "POP.AccessAsApp",
            "SMTP.SendAsApp",
            "Mail.Read",
            "Mail.ReadWrite",
            "Mail.Send");
    private static final Set<String> GRAPH_DELEGATED = ordered(
            "User.Read",
            "User.ReadBasic.All",
            "Mail.Read",
            "Mail.ReadBasic",
            "Mail.ReadWrite",
            "Mail.Send",
            "Mail.Read.Shared",
            "Mail.ReadWrite.Shared",
            "Mail.Send.Shared",
            "MailboxSettings.Read",
            "MailboxSettings.ReadWrite",
            "Calendars.Read",
            "Calendars.ReadWrite",
            "Contacts.Read",
            "Contacts.ReadWrite",
            "IMAP.AccessAsUser.All",
            "POP.AccessAsUser.All",
            "SMTP.Send",
            "EWS.AccessAsUser.All");
    private static final Set<String> GRAPH_ROLES = ordered(
            "Mail.Read",
            "Mail.ReadBasic",
            "Mail.ReadBasic.All",
            "Mail.ReadWrite",
            "Mail.Send",
            "MailboxSettings.Read",
            "MailboxSettings.ReadWrite",
            "Calendars.Read",
            "Calendars.ReadWrite",
            "Contacts.Read",
            "Contacts.ReadWrite",
            "User.Read.All");

    private final Resource exchange;
    private final Resource graph;

    ResourceCatalog(Cloud cloud) {
        List<String> exchangeUris = new ArrayList<>(
                new LinkedHashSet<>(List.of(cloud.exchangeResource(), cloud.outlookDelegatedResource())));
        this.exchange = new Resource(
                Cloud.EXCHANGE_APP_ID, "Office 365 Exchange Online", exchangeUris, EXCHANGE_DELEGATED, EXCHANGE_ROLES);
        this.graph = new Resource(
                Cloud.GRAPH_APP_ID, "Microsoft Graph", List.of(cloud.graphResource()), GRAPH_DELEGATED, GRAPH_ROLES);
    }

    List<Resource> resources() {
        return List.of(exchange, graph);
    }

    Resource byAppId(String appId) {
        for (Resource r : resources()) {
            if (r.appId().equalsIgnoreCase(appId)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Resolves one scope string. Returns null when the resource is unknown in this cloud (the caller
     * answers 500011); a known resource with an unknown permission is still returned (70011 later).
     */
    Scope parse(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        if (OIDC_SCOPES.contains(lower)) {
            return new Scope(lower, null, null, lower);
        }
        int slash = raw.lastIndexOf('/');
        if (slash < 0) {
            // Short names belong to Microsoft Graph, except EWS.AccessAsUser.All, which the emulator
            // maps to Exchange because that is what EWS clients mean by it.
            if (lower.equals("ews.accessasuser.all")) {
                return new Scope(raw, exchange, exchange.primaryUri(), "EWS.AccessAsUser.All");
            }
            return new Scope(raw, graph, graph.primaryUri(), raw);
        }
        String uri = raw.substring(0, slash);
        String name = raw.substring(slash + 1);
        for (Resource r : resources()) {
            if (r.appId().equalsIgnoreCase(uri)) {
                return new Scope(raw, r, r.primaryUri(), name);
            }
            for (String u : r.uris()) {
                if (u.equalsIgnoreCase(uri) || (u + "/").equalsIgnoreCase(uri)) {
                    return new Scope(raw, r, u, name);
                }
            }
        }
        return null;
    }

    /** The resource part of a scope string, for error texts. */
    static String resourcePart(String raw) {
        int slash = raw.lastIndexOf('/');
        return slash < 0 ? raw : raw.substring(0, slash);
    }

    private static Set<String> ordered(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }
}
