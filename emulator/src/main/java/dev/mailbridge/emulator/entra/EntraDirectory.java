package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.entra.AppRegistration.AppCertificate;
import dev.mailbridge.emulator.entra.AppRegistration.ClientSecret;
import dev.mailbridge.emulator.entra.AppRegistration.RedirectUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The emulated directory: tenants, users, app registrations and consent grants, with the admin
 * operations tests (in Java) and the control REST API (over HTTP) use. Every method locks the
 * directory; the protocol endpoints take the same lock while they decide, so state changes are
 * atomic with respect to token issuance.
 */
public final class EntraDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmulatorClock clock;
    private final Path stateDir;
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final Map<Cloud, ResourceCatalog> catalogs = new EnumMap<>(Cloud.class);
    private Path generatedDir;

    EntraDirectory(EmulatorClock clock, Path stateDir) {
        this.clock = clock;
        this.stateDir = stateDir;
        for (Cloud cloud : Cloud.values()) {
            catalogs.put(cloud, new ResourceCatalog(cloud));
        }
    }

    ResourceCatalog catalog(Cloud cloud) {
        return catalogs.get(cloud);
    }

    EmulatorClock clock() {
        return clock;
    }

    // --- lookups ---------------------------------------------------------------------------------

    public synchronized List<Tenant> tenants() {
        return List.copyOf(tenants.values());
    }

    /** A tenant by GUID or any of its domains, whatever its cloud or kind; null if none. */
    public synchronized Tenant tenant(String ref) {
        for (Tenant t : tenants.values()) {
            if (t.matches(ref)) {
                return t;
            }
        }
        return null;
    }

    /** A tenant Entra serves on this cloud's listener: online and of that cloud; null otherwise. */
    synchronized Tenant entraTenant(String ref, Cloud cloud) {
        Tenant t = tenant(ref);
        return t != null && t.online() && t.cloud == cloud ? t : null;
    }

    synchronized List<Tenant> entraTenants(Cloud cloud) {
        List<Tenant> list = new ArrayList<>();
        for (Tenant t : tenants.values()) {
            if (t.online() && t.cloud == cloud) {
                list.add(t);
            }
        }
        return list;
    }

    /** The users of a tenant, in the order they were added. */
    public synchronized List<EntraUser> users(String tenantRef) {
        return List.copyOf(require(tenantRef).users.values());
    }

    public synchronized EntraUser user(String tenantRef, String upn) {
        EntraUser user = require(tenantRef).user(upn);
        if (user == null) {
            throw new IllegalArgumentException("No user '" + upn + "' in tenant " + tenantRef);
        }
        return user;
    }

    public synchronized AppRegistration app(String tenantRef, String clientId) {
        AppRegistration app = require(tenantRef).app(clientId);
        if (app == null) {
            throw new IllegalArgumentException("No app '" + clientId + "' in tenant " + tenantRef);
        }
        return app;
    }

    private Tenant require(String ref) {
        Tenant t = tenant(ref);
        if (t == null) {
            throw new NotFound("No tenant '" + ref + "'");
        }
        return t;
    }

    /** Thrown by admin operations when a tenant, user or app does not exist (HTTP 404). */
    static final class NotFound extends IllegalArgumentException {
        NotFound(String message) {
            super(message);
        }
    }

    // --- tenants -----------------------------------------------------------------------------------

    public synchronized Tenant createTenant(JsonNode spec) {
        List<String> domains = new ArrayList<>();
        if (spec.hasNonNull("domain")) {
            domains.add(spec.get("domain").asText());
        }
        for (JsonNode d : spec.path("domains")) {
            if (!domains.contains(d.asText())) {
                domains.add(d.asText());
            }
        }
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("A tenant needs a domain");
        }
        String id = text(
                spec,
                "id",
                UUID.nameUUIDFromBytes(("tenant:" + domains.get(0)).getBytes(StandardCharsets.UTF_8))
                        .toString());
        parseUuid(id, "tenant id");
        for (String ref : concat(id, domains)) {
            if (tenant(ref) != null) {
                throw new IllegalArgumentException("A tenant with id or domain '" + ref + "' already exists");
            }
        }
        String kind = text(spec, "kind", Tenant.ONLINE).toLowerCase(Locale.ROOT);
        if (!kind.equals(Tenant.ONLINE) && !kind.equals(Tenant.ONPREM)) {
            throw new IllegalArgumentException("Tenant kind must be online or onprem, not '" + kind + "'");
        }
        Cloud cloud = Cloud.fromId(text(spec, "cloud", "global"));
        Tenant tenant = new Tenant(
                id.toLowerCase(Locale.ROOT), domains, text(spec, "displayName", domains.get(0)), kind, cloud);
        tenants.put(tenant.id, tenant);
        for (JsonNode u : spec.path("users")) {
            createUser(tenant.id, u);
        }
        for (JsonNode a : spec.path("apps")) {
            createApp(tenant.id, a);
        }
        return tenant;
    }

    // --- users -------------------------------------------------------------------------------------

    public synchronized EntraUser createUser(String tenantRef, JsonNode spec) {
        Tenant tenant = require(tenantRef);
        String upn = spec.path("upn").asText(null);
        if (upn == null || !upn.contains("@")) {
            throw new IllegalArgumentException("A user needs a upn like name@domain");
        }
        if (tenant.user(upn) != null) {
            throw new IllegalArgumentException("User '" + upn + "' already exists");
        }
        String oid = text(
                spec,
                "oid",
                UUID.nameUUIDFromBytes(("user:" + tenant.id + ":" + upn.toLowerCase(Locale.ROOT))
                                .getBytes(StandardCharsets.UTF_8))
                        .toString());
        EntraUser user = new EntraUser(
                upn,
                text(spec, "password", null),
                text(spec, "displayName", upn.substring(0, upn.indexOf('@'))),
                oid,
                Instant.EPOCH);
        tenant.users.put(upn.toLowerCase(Locale.ROOT), user);
        applyUser(tenant, user, spec, false);
        return user;
    }

    /**
     * Changes a user. A new password moves TokensValidFrom to now, which revokes earlier refresh
     * tokens and sessions (50173), as an admin password reset does in Entra.
     */
    public synchronized EntraUser patchUser(String tenantRef, String upn, JsonNode spec) {
        Tenant tenant = require(tenantRef);
        EntraUser user = tenant.user(upn);
        if (user == null) {
            throw new NotFound("No user '" + upn + "'");
        }
        applyUser(tenant, user, spec, true);
        return user;
    }

    public synchronized void setPassword(String tenantRef, String upn, String password) {
        patchUser(tenantRef, upn, JsonNodeFactory.instance.objectNode().put("password", password));
    }

    /** Like "Revoke sessions" in the portal: refresh tokens and browser sessions issued before now die. */
    public synchronized EntraUser revokeSessions(String tenantRef, String upn) {
        EntraUser user = user(tenantRef, upn);
        user.tokensValidFrom = now();
        return user;
    }

    public synchronized void deleteUser(String tenantRef, String upn) {
        Tenant tenant = require(tenantRef);
        if (tenant.users.remove(upn.toLowerCase(Locale.ROOT)) == null) {
            throw new NotFound("No user '" + upn + "'");
        }
    }

    private void applyUser(Tenant tenant, EntraUser user, JsonNode spec, boolean patch) {
        if (spec.hasNonNull("password")) {
            String password = spec.get("password").asText();
            if (patch && !password.equals(user.password)) {
                user.tokensValidFrom = now();
            }
            user.password = password;
        }
        if (spec.hasNonNull("displayName")) {
            user.displayName = spec.get("displayName").asText();
        }
        if (spec.has("disabled")) {
            user.disabled = spec.get("disabled").asBoolean();
        }
        if (spec.has("mfaRequired")) {
            user.mfaRequired = spec.get("mfaRequired").asBoolean();
        }
        if (spec.has("blockedByConditionalAccess")) {
            user.blockedByConditionalAccess =
                    spec.get("blockedByConditionalAccess").asBoolean();
        }
        if (spec.has("admin")) {
            user.admin = spec.get("admin").asBoolean();
        }
        if (spec.has("roles")) {
            List<String> roles = new ArrayList<>();
            spec.get("roles").forEach(r -> roles.add(r.asText()));
            user.roles = List.copyOf(roles);
        }
        if (spec.hasNonNull("tokensValidFrom")) {
            user.tokensValidFrom = Instant.parse(spec.get("tokensValidFrom").asText());
        }
    }

    // --- apps --------------------------------------------------------------------------------------

    public synchronized AppRegistration createApp(String tenantRef, JsonNode spec) {
        Tenant tenant = require(tenantRef);
        String clientId = text(spec, "clientId", UUID.randomUUID().toString()).toLowerCase(Locale.ROOT);
        parseUuid(clientId, "clientId");
        if (tenant.app(clientId) != null) {
            throw new IllegalArgumentException("App '" + clientId + "' already exists");
        }
        String spId = text(
                spec,
                "servicePrincipalId",
                UUID.nameUUIDFromBytes(("sp:" + tenant.id + ":" + clientId).getBytes(StandardCharsets.UTF_8))
                        .toString());
        AppRegistration app = new AppRegistration(clientId, text(spec, "displayName", "App " + clientId), spId);
        app.publicClient = spec.path("publicClient").asBoolean(false);
        applyApp(tenant, app, spec);
        tenant.apps.put(clientId, app);
        if (spec.hasNonNull("clientSecret")) {
            app.secrets.add(new ClientSecret(
                    UUID.nameUUIDFromBytes(("secret:" + clientId).getBytes(StandardCharsets.UTF_8))
                            .toString(),
                    spec.get("clientSecret").asText(),
                    null,
                    "default"));
        }
        for (JsonNode s : spec.path("secrets")) {
            app.secrets.add(new ClientSecret(
                    text(s, "id", UUID.randomUUID().toString()),
                    s.path("value").asText(),
                    s.hasNonNull("expires") ? Instant.parse(s.get("expires").asText()) : null,
                    text(s, "displayName", "secret")));
        }
        JsonNode cert = spec.get("certificate");
        if (cert != null && !cert.isNull()) {
            addCertificate(tenant, app, cert);
        }
        for (JsonNode c : spec.path("certificates")) {
            addCertificate(tenant, app, c);
        }
        JsonNode consents = spec.path("userConsents");
        consents.fieldNames().forEachRemaining(upn -> {
            List<String> scopes = new ArrayList<>();
            consents.get(upn).forEach(s -> scopes.add(s.asText()));
            grantUserConsent(tenant.id, clientId, upn, scopes);
        });
        return app;
    }

    public synchronized AppRegistration patchApp(String tenantRef, String clientId, JsonNode spec) {
        Tenant tenant = require(tenantRef);
        AppRegistration app = tenant.app(clientId);
        if (app == null) {
            throw new NotFound("No app '" + clientId + "'");
        }
        if (spec.has("publicClient")) {
            app.publicClient = spec.get("publicClient").asBoolean();
        }
        applyApp(tenant, app, spec);
        return app;
    }

    public synchronized void deleteApp(String tenantRef, String clientId) {
        Tenant tenant = require(tenantRef);
        if (tenant.apps.remove(clientId.toLowerCase(Locale.ROOT)) == null) {
            throw new NotFound("No app '" + clientId + "'");
        }
        for (EntraUser u : tenant.users.values()) {
            u.consents.remove(clientId.toLowerCase(Locale.ROOT));
        }
    }

    /** Adds a client secret; {@code value} null = a random one. {@code expires} null = never. */
    public synchronized ClientSecret addSecret(String tenantRef, String clientId, String value, Instant expires) {
        AppRegistration app = app(tenantRef, clientId);
        byte[] bytes = new byte[30];
        RANDOM.nextBytes(bytes);
        ClientSecret secret = new ClientSecret(
                UUID.randomUUID().toString(),
                value != null ? value : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                expires,
                "added");
        app.secrets.add(secret);
        return secret;
    }

    public synchronized void removeSecret(String tenantRef, String clientId, String secretId) {
        AppRegistration app = app(tenantRef, clientId);
        if (!app.secrets.removeIf(s -> s.id().equals(secretId))) {
            throw new NotFound("No secret '" + secretId + "'");
        }
    }

    /** Registers a new emulator-made certificate for the app and returns it with its private key. */
    public synchronized AppCertificate addGeneratedCertificate(String tenantRef, String clientId) {
        Tenant tenant = require(tenantRef);
        AppRegistration app = app(tenantRef, clientId);
        return addCertificate(tenant, app, JsonNodeFactory.instance.textNode("generate-" + UUID.randomUUID()));
    }

    public synchronized void grantAdminConsent(String tenantRef, String clientId) {
        app(tenantRef, clientId).adminConsented = true;
    }

    public synchronized void revokeAdminConsent(String tenantRef, String clientId) {
        app(tenantRef, clientId).adminConsented = false;
    }

    /**
     * Records that the user consented to delegated permissions of the app; {@code scopes} empty or
     * null = all delegated permissions the app declares.
     */
    public synchronized void grantUserConsent(String tenantRef, String clientId, String upn, List<String> scopes) {
        Tenant tenant = require(tenantRef);
        AppRegistration app = app(tenantRef, clientId);
        EntraUser user = user(tenantRef, upn);
        Set<String> keys = user.consentsFor(app.clientId);
        if (scopes == null || scopes.isEmpty()) {
            keys.addAll(app.delegatedKeys);
        } else {
            keys.addAll(permissionKeys(tenant, scopes, false));
        }
    }

    public synchronized void revokeUserConsent(String tenantRef, String clientId, String upn) {
        user(tenantRef, upn).consents.remove(clientId.toLowerCase(Locale.ROOT));
    }

    /** Whether the user (or an admin for everyone) consented to this delegated permission key. */
    synchronized boolean consented(AppRegistration app, EntraUser user, String key) {
        if (app.adminConsented && app.delegatedKeys.contains(key)) {
            return true;
        }
        Set<String> keys = user.consents.get(app.clientId);
        return keys != null && keys.contains(key);
    }

    private void applyApp(Tenant tenant, AppRegistration app, JsonNode spec) {
        if (spec.hasNonNull("displayName")) {
            app.displayName = spec.get("displayName").asText();
        }
        if (spec.has("adminConsented")) {
            app.adminConsented = spec.get("adminConsented").asBoolean();
        }
        if (spec.has("redirectUris")) {
            app.redirectUris.clear();
            for (JsonNode r : spec.get("redirectUris")) {
                String defaultType = app.publicClient ? "publicClient" : "web";
                if (r.isTextual()) {
                    app.redirectUris.add(new RedirectUri(r.asText(), defaultType));
                } else {
                    app.redirectUris.add(new RedirectUri(r.path("uri").asText(), text(r, "type", defaultType)));
                }
            }
        }
        if (spec.has("delegated")) {
            List<String> scopes = strings(spec.get("delegated"));
            Set<String> keys = permissionKeys(tenant, scopes, false);
            app.delegated.clear();
            app.delegated.addAll(scopes);
            app.delegatedKeys.clear();
            app.delegatedKeys.addAll(keys);
        }
        if (spec.has("application")) {
            List<String> roles = strings(spec.get("application"));
            Set<String> keys = permissionKeys(tenant, roles, true);
            app.application.clear();
            app.application.addAll(roles);
            app.applicationKeys.clear();
            app.applicationKeys.addAll(keys);
        }
    }

    /** Resolves configured permission strings (full or short) to consent keys; rejects unknown ones. */
    private Set<String> permissionKeys(Tenant tenant, List<String> permissions, boolean roles) {
        ResourceCatalog catalog = catalogs.get(tenant.cloud);
        Set<String> keys = new LinkedHashSet<>();
        for (String p : permissions) {
            if (ResourceCatalog.OIDC_SCOPES.contains(p.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String raw = p;
            // Application permissions are usually written as bare role names of Exchange or Graph.
            if (roles && !p.contains("/")) {
                raw = (catalog.resources().get(0).roleName(p) != null
                                        && catalog.resources().get(1).roleName(p) == null
                                ? catalog.resources().get(0).primaryUri()
                                : catalog.resources().get(1).primaryUri())
                        + "/" + p;
            }
            ResourceCatalog.Scope scope = catalog.parse(raw);
            String name = scope == null
                    ? null
                    : roles
                            ? scope.resource().roleName(scope.name())
                            : scope.resource().delegatedName(scope.name());
            if (name == null) {
                throw new IllegalArgumentException("Unknown " + (roles ? "application" : "delegated") + " permission '"
                        + p + "' in cloud " + tenant.cloud.id());
            }
            keys.add(ResourceCatalog.Scope.key(scope.resource(), name));
        }
        return keys;
    }

    private AppCertificate addCertificate(Tenant tenant, AppRegistration app, JsonNode spec) {
        try {
            AppCertificate cert;
            if (spec.isTextual() && spec.asText().startsWith("generate")) {
                cert = generatedCertificate(tenant, app, spec.asText());
            } else {
                Path certPath = Path.of(spec.path("certificatePem").asText());
                X509Certificate x509 = Pem.readCertificate(certPath);
                PrivateKey key = null;
                Path keyPath = null;
                if (spec.hasNonNull("privateKeyPem")) {
                    keyPath = Path.of(spec.get("privateKeyPem").asText());
                    key = Pem.readPrivateKey(keyPath);
                }
                cert = new AppCertificate(x509, key, certPath, keyPath);
            }
            app.certificates.add(cert);
            return cert;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load the certificate of app " + app.clientId, e);
        }
    }

    /** Loads the app's generated certificate from the state folder, or makes and saves one. */
    private AppCertificate generatedCertificate(Tenant tenant, AppRegistration app, String label) throws IOException {
        String base = app.clientId + (label.equals("generate") ? "" : "-" + label.substring("generate-".length()));
        Path dir = generatedDir().resolve("apps");
        Path certPath = dir.resolve(base + ".crt.pem");
        Path keyPath = dir.resolve(base + ".key.pem");
        if (Files.exists(certPath) && Files.exists(keyPath)) {
            return new AppCertificate(Pem.readCertificate(certPath), Pem.readPrivateKey(keyPath), certPath, keyPath);
        }
        KeyPair keys = Pem.newRsaKeyPair();
        Instant from = clock.instant().minus(1, ChronoUnit.DAYS);
        X509Certificate x509 = Pem.selfSigned(
                app.displayName + " (" + tenant.domain() + ")", keys, from, from.plus(Duration.ofDays(3650)));
        Pem.write(certPath, x509);
        Pem.write(keyPath, keys.getPrivate());
        return new AppCertificate(x509, keys.getPrivate(), certPath, keyPath);
    }

    /** Where generated material goes: stateDir/entra, or a temporary folder when there is no stateDir. */
    synchronized Path generatedDir() throws IOException {
        if (generatedDir == null) {
            generatedDir = stateDir != null ? stateDir.resolve("entra") : Files.createTempDirectory("mailbridge-entra");
            Files.createDirectories(generatedDir);
        }
        return generatedDir;
    }

    // --- describe ----------------------------------------------------------------------------------

    public synchronized ArrayNode describe() {
        ArrayNode array = JSON.createArrayNode();
        for (Tenant t : tenants.values()) {
            array.add(describe(t));
        }
        return array;
    }

    synchronized ObjectNode describe(Tenant t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", t.id);
        node.put("domain", t.domain());
        ArrayNode domains = node.putArray("domains");
        t.domains.forEach(domains::add);
        node.put("displayName", t.displayName);
        node.put("kind", t.kind);
        node.put("cloud", t.cloud.id());
        ArrayNode users = node.putArray("users");
        for (EntraUser u : t.users.values()) {
            users.add(describe(u));
        }
        ArrayNode apps = node.putArray("apps");
        for (AppRegistration a : t.apps.values()) {
            apps.add(describe(a));
        }
        return node;
    }

    synchronized ObjectNode describe(EntraUser u) {
        ObjectNode node = JSON.createObjectNode();
        node.put("upn", u.upn);
        node.put("password", u.password);
        node.put("displayName", u.displayName);
        node.put("oid", u.oid);
        node.put("admin", u.admin);
        node.put("disabled", u.disabled);
        node.put("mfaRequired", u.mfaRequired);
        node.put("blockedByConditionalAccess", u.blockedByConditionalAccess);
        ArrayNode roles = node.putArray("roles");
        u.roles.forEach(roles::add);
        node.put("tokensValidFrom", u.tokensValidFrom.toString());
        ObjectNode consents = node.putObject("consents");
        u.consents.forEach((client, keys) -> {
            ArrayNode list = consents.putArray(client);
            keys.forEach(list::add);
        });
        return node;
    }

    synchronized ObjectNode describe(AppRegistration a) {
        ObjectNode node = JSON.createObjectNode();
        node.put("clientId", a.clientId);
        node.put("displayName", a.displayName);
        node.put("servicePrincipalId", a.servicePrincipalId);
        node.put("publicClient", a.publicClient);
        node.put("adminConsented", a.adminConsented);
        String current = null;
        ArrayNode secrets = node.putArray("secrets");
        for (ClientSecret s : a.secrets) {
            ObjectNode sn = secrets.addObject();
            sn.put("id", s.id());
            sn.put("value", s.value());
            sn.put("expires", s.expires() == null ? null : s.expires().toString());
            if (current == null && (s.expires() == null || s.expires().isAfter(now()))) {
                current = s.value();
            }
        }
        node.put("clientSecret", current);
        ArrayNode redirects = node.putArray("redirectUris");
        a.redirectUris.forEach(r -> redirects.add(r.uri()));
        ArrayNode redirectTypes = node.putArray("redirectUriTypes");
        a.redirectUris.forEach(
                r -> redirectTypes.addObject().put("uri", r.uri()).put("type", r.type()));
        ArrayNode delegated = node.putArray("delegated");
        a.delegated.forEach(delegated::add);
        ArrayNode application = node.putArray("application");
        a.application.forEach(application::add);
        AppCertificate first = a.certificates.isEmpty() ? null : a.certificates.get(0);
        node.put(
                "certificatePem",
                first == null || first.certificatePem() == null
                        ? null
                        : first.certificatePem().toAbsolutePath().toString());
        node.put(
                "privateKeyPem",
                first == null || first.privateKeyPem() == null
                        ? null
                        : first.privateKeyPem().toAbsolutePath().toString());
        node.put("certificateThumbprint", first == null ? null : Pem.sha1Hex(first.certificate()));
        ArrayNode certs = node.putArray("certificates");
        for (AppCertificate c : a.certificates) {
            certs.addObject()
                    .put("thumbprint", Pem.sha1Hex(c.certificate()))
                    .put(
                            "certificatePem",
                            c.certificatePem() == null
                                    ? null
                                    : c.certificatePem().toAbsolutePath().toString())
                    .put(
                            "privateKeyPem",
                            c.privateKeyPem() == null
                                    ? null
                                    : c.privateKeyPem().toAbsolutePath().toString())
                    .put("notAfter", c.certificate().getNotAfter().toInstant().toString());
        }
        return node;
    }

    // --- helpers ---------------------------------------------------------------------------------

    Instant now() {
        return clock.instant();
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static List<String> strings(JsonNode node) {
        List<String> list = new ArrayList<>();
        node.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> list = new ArrayList<>();
        list.add(first);
        list.addAll(rest);
        return list;
    }

    private static void parseUuid(String value, String what) {
        try {
            UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The " + what + " must be a GUID, not '" + value + "'");
        }
    }
}
