package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.Cloud;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What the Entra endpoints share: directory, grant store, token issuer and the helpers that resolve
 * tenants and clients and shape errors exactly the way Entra does.
 */
final class EntraContext {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SESSION_COOKIE = "ESTSAUTH";

    final EntraDirectory directory;
    final GrantStore grants = new GrantStore();
    final TokenIssuer issuer;
    final SigningKeys keys;
    final ScopePolicy scopes;
    final int deviceCodeInterval;
    final int deviceCodeLifetime;

    EntraContext(EntraDirectory directory, SigningKeys keys, int deviceCodeInterval, int deviceCodeLifetime) {
        this.directory = directory;
        this.keys = keys;
        this.issuer = new TokenIssuer(keys);
        this.scopes = new ScopePolicy(directory);
        this.deviceCodeInterval = deviceCodeInterval;
        this.deviceCodeLifetime = deviceCodeLifetime;
    }

    Instant now() {
        return directory.now();
    }

    /**
     * The {tenant} path segment resolved on this listener: a tenant of this cloud, or one of the
     * multi-tenant aliases. A tenant of another cloud, an on-premises organisation or an unknown
     * name is "not found" (90002), as it is for a real cloud that does not know it.
     */
    record TenantRef(String ref, Tenant tenant, boolean consumers) {
        boolean multi() {
            return tenant == null;
        }
    }

    TenantRef tenantRef(String ref, Cloud cloud) {
        String lower = ref.toLowerCase(Locale.ROOT);
        if (lower.equals("common") || lower.equals("organizations")) {
            return new TenantRef(ref, null, false);
        }
        if (lower.equals("consumers")) {
            return new TenantRef(ref, null, true);
        }
        Tenant tenant = directory.entraTenant(ref, cloud);
        if (tenant == null) {
            throw EntraErrors.tenantNotFound(ref);
        }
        return new TenantRef(ref, tenant, false);
    }

    /** The app registration for client_id: in the tenant, or in any tenant of this cloud for common. */
    AppRegistration app(TenantRef ref, String clientId, Cloud cloud) {
        if (ref.consumers()) {
            throw EntraErrors.applicationNotFound(clientId, "Microsoft Accounts");
        }
        if (ref.tenant() != null) {
            AppRegistration app = ref.tenant().app(clientId);
            if (app == null) {
                throw EntraErrors.applicationNotFound(clientId, ref.tenant().displayName);
            }
            return app;
        }
        for (Tenant t : directory.entraTenants(cloud)) {
            AppRegistration app = t.app(clientId);
            if (app != null) {
                return app;
            }
        }
        throw EntraErrors.applicationNotFound(clientId, ref.ref());
    }

    /** The tenant that registered the app (the emulator keeps apps single-tenant). */
    Tenant tenantOf(AppRegistration app) {
        for (Tenant t : directory.tenants()) {
            if (t.apps.get(app.clientId) == app) {
                return t;
            }
        }
        throw new IllegalStateException("App " + app.clientId + " belongs to no tenant");
    }

    String timestamp() {
        return EntraErrors.TIMESTAMP.format(now());
    }

    /** "AADSTSn: text Trace ID: t Correlation ID: c Timestamp: ts": the modern, space-separated form. */
    String description(EntraException e, EntraRequest r) {
        return e.aadsts() + " Trace ID: " + r.traceId() + " Correlation ID: " + r.correlationId() + " Timestamp: "
                + timestamp();
    }

    String errorUri(EntraException e, EntraRequest r) {
        return "https://" + r.endpoint().cloud().loginHost() + "/error?code=" + e.code();
    }

    /** The token endpoint's error JSON. */
    Reply errorJson(EntraException e, EntraRequest r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", e.error());
        node.put("error_description", description(e, r));
        node.putArray("error_codes").add(e.code());
        node.put("timestamp", timestamp());
        node.put("trace_id", r.traceId());
        node.put("correlation_id", r.correlationId());
        node.put("error_uri", errorUri(e, r));
        if (e.suberror() != null) {
            node.put("suberror", e.suberror());
        }
        return Reply.json(e.status(), node.toString());
    }

    Reply errorPage(EntraException e, EntraRequest r) {
        return Reply.html(e.status() >= 500 ? 500 : 400, Pages.error(e, r.traceId(), r.correlationId(), timestamp()));
    }

    /** The user's sign-in session from the cookie, if still valid for a tenant of this cloud. */
    GrantStore.Session session(EntraRequest r) {
        String id = r.cookies().get(SESSION_COOKIE);
        GrantStore.Session s = id == null ? null : grants.sessions.get(id);
        if (s == null) {
            return null;
        }
        Tenant tenant = directory.tenant(s.tenantId);
        EntraUser user = tenant == null ? null : tenant.user(s.upn);
        if (tenant == null
                || tenant.cloud != r.endpoint().cloud()
                || user == null
                || user.disabled
                || s.authTime.isBefore(user.tokensValidFrom)) {
            return null;
        }
        return s;
    }

    String sessionCookie(String value, boolean delete) {
        return SESSION_COOKIE + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=None"
                + (delete ? "; Max-Age=0" : "");
    }

    static List<String> list(String... values) {
        return List.of(values);
    }
}
