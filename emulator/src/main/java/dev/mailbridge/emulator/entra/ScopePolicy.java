package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.entra.ResourceCatalog.Resource;
import dev.mailbridge.emulator.entra.ResourceCatalog.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Entra's rules for the scope parameter: known resources of this cloud, known permissions,
 * permissions the app declares, consent, and one resource per token.
 */
final class ScopePolicy {
    private final EntraDirectory directory;

    ScopePolicy(EntraDirectory directory) {
        this.directory = directory;
    }

    static List<String> split(String scope) {
        List<String> list = new ArrayList<>();
        if (scope != null) {
            for (String s : scope.trim().split("[\\s+]+")) {
                if (!s.isEmpty() && !list.contains(s)) {
                    list.add(s);
                }
            }
        }
        return list;
    }

    /** Resolves delegated scopes: 500011 unknown resource, 70011 unknown permission, 650057 undeclared. */
    List<Scope> delegated(Tenant tenant, AppRegistration app, List<String> raw) {
        ResourceCatalog catalog = directory.catalog(tenant.cloud);
        List<Scope> scopes = new ArrayList<>();
        for (String s : raw) {
            Scope scope = catalog.parse(s);
            if (scope == null) {
                throw EntraErrors.resourceNotFound(ResourceCatalog.resourcePart(s), tenant.displayName);
            }
            if (!scope.oidc() && !scope.isDefault()) {
                String name = scope.resource().delegatedName(scope.name());
                if (name == null) {
                    throw EntraErrors.invalidScope(s);
                }
                scope = new Scope(scope.raw(), scope.resource(), scope.resourceUri(), name);
                if (!app.delegatedKeys.contains(scope.key())) {
                    throw notDeclared(app, scope);
                }
            } else if (scope.isDefault() && declared(app, scope.resource()).isEmpty()) {
                throw notDeclared(app, scope);
            }
            scopes.add(scope);
        }
        return scopes;
    }

    private static EntraException notDeclared(AppRegistration app, Scope scope) {
        Set<String> resources = new LinkedHashSet<>();
        for (String key : app.delegatedKeys) {
            resources.add(key.substring(0, key.indexOf('/')));
        }
        for (String key : app.applicationKeys) {
            resources.add(key.substring(0, key.indexOf('/')));
        }
        return EntraErrors.resourceNotDeclared(
                app.clientId,
                app.displayName,
                scope.resourceUri(),
                scope.resource().appId(),
                String.join(", ", resources));
    }

    /** Consent keys of the delegated permissions the app declares for one resource. */
    static Set<String> declared(AppRegistration app, Resource resource) {
        Set<String> keys = new LinkedHashSet<>();
        String prefix = resource.appId().toLowerCase(Locale.ROOT) + "/";
        for (String key : app.delegatedKeys) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Keys the request needs consent for that nobody granted yet (".default" needs at least one). */
    Set<String> missingConsent(AppRegistration app, EntraUser user, List<Scope> scopes) {
        Set<String> missing = new LinkedHashSet<>();
        for (Scope s : scopes) {
            if (s.oidc()) {
                continue;
            }
            if (s.isDefault()) {
                Set<String> declared = declared(app, s.resource());
                boolean any = declared.stream().anyMatch(k -> directory.consented(app, user, k));
                if (!any) {
                    missing.addAll(declared);
                }
            } else if (!directory.consented(app, user, s.key())) {
                missing.add(s.key());
            }
        }
        return missing;
    }

    /** The keys a consent page grants: the requested permissions (all declared ones for ".default"). */
    static Set<String> requestedKeys(AppRegistration app, List<Scope> scopes) {
        Set<String> keys = new LinkedHashSet<>();
        for (Scope s : scopes) {
            if (!s.oidc()) {
                if (s.isDefault()) {
                    keys.addAll(declared(app, s.resource()));
                } else {
                    keys.add(s.key());
                }
            }
        }
        return keys;
    }

    /** The single resource a token is for; 28000 when the scopes name several. */
    static Scope tokenResource(List<Scope> scopes, String rawScope) {
        Scope first = null;
        for (Scope s : scopes) {
            if (s.oidc()) {
                continue;
            }
            if (first == null) {
                first = s;
            } else if (!first.resource().appId().equals(s.resource().appId())) {
                throw EntraErrors.scopeSpansResources(rawScope);
            }
        }
        return first;
    }

    /** Permission names (API casing) of the resource that the user or an admin consented to. */
    List<String> consentedNames(AppRegistration app, EntraUser user, Resource resource) {
        List<String> names = new ArrayList<>();
        for (String key : declared(app, resource)) {
            if (directory.consented(app, user, key)) {
                names.add(resource.delegatedName(key.substring(key.indexOf('/') + 1)));
            }
        }
        return names;
    }

    /** Application permissions (role names) the app declares for the resource. */
    static List<String> roles(AppRegistration app, Resource resource) {
        List<String> names = new ArrayList<>();
        String prefix = resource.appId().toLowerCase(Locale.ROOT) + "/";
        for (String key : app.applicationKeys) {
            if (key.startsWith(prefix)) {
                names.add(resource.roleName(key.substring(prefix.length())));
            }
        }
        return names;
    }
}
