package dev.mailbridge.identity.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.entra.EntraDirectory;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.http.TrustMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tenant of its own in the emulator for one test class, made through the emulator's Java admin API:
 * a web app (secret, redirect URI, delegated EWS permission, no admin consent), a daemon app (secret and
 * certificate, full_access_as_app, admin-consented) and a public client app (device code). Users are
 * created per test with {@link #newUser}, so tests never share state.
 */
public final class EntraFixture {
    public static final String REDIRECT_URI = "https://mailbridge.test/auth/callback";
    public static final String WEB_SECRET = "web-secret-value-1";
    public static final String DAEMON_SECRET = "daemon-secret-value-1";
    public static final String PASSWORD = "Corr3ct-Horse";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger USERS = new AtomicInteger();

    private final Emulator emulator;
    private final String tenantId;
    private final String domain;
    private final String webClientId = UUID.randomUUID().toString();
    private final String daemonClientId = UUID.randomUUID().toString();
    private final String publicClientId = UUID.randomUUID().toString();
    private final CloudProfile cloud;
    private final HttpSettings http;

    public EntraFixture(Emulator emulator) {
        this.emulator = emulator;
        this.domain = "id" + UUID.randomUUID().toString().substring(0, 8) + ".onmicrosoft.com";
        this.cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        String ews = cloud.ewsDelegatedScope();
        JsonNode spec = json("""
                {"domain": "%s", "cloud": "global",
                 "apps": [
                   {"clientId": "%s", "displayName": "Mailbridge web", "clientSecret": "%s",
                    "redirectUris": ["%s"], "delegated": ["%s"]},
                   {"clientId": "%s", "displayName": "Mailbridge daemon", "clientSecret": "%s",
                    "application": ["full_access_as_app"], "adminConsented": true, "certificate": "generate"},
                   {"clientId": "%s", "displayName": "Mailbridge CLI", "publicClient": true,
                    "delegated": ["%s"]}
                 ]}
                """.formatted(
                        domain,
                        webClientId,
                        WEB_SECRET,
                        REDIRECT_URI,
                        ews,
                        daemonClientId,
                        DAEMON_SECRET,
                        publicClientId,
                        ews));
        this.tenantId = directory().createTenant(spec).id();
        try {
            this.http = HttpSettings.builder()
                    .trustPem(emulator.caCertificate())
                    .trustMode(TrustMode.REPLACE_JDK_DEFAULTS)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public EntraDirectory directory() {
        return emulator.entra().directory();
    }

    public Emulator emulator() {
        return emulator;
    }

    public String tenantId() {
        return tenantId;
    }

    public String domain() {
        return domain;
    }

    public CloudProfile cloud() {
        return cloud;
    }

    /** Trusts only the emulator's CA. */
    public HttpSettings http() {
        return http;
    }

    public Set<String> ewsScopes() {
        return Set.of(cloud.ewsDelegatedScope());
    }

    public String webClientId() {
        return webClientId;
    }

    public String daemonClientId() {
        return daemonClientId;
    }

    public AppRegistration webApp() {
        return AppRegistration.confidential(
                cloud, tenantId, webClientId, ClientCredential.secret(Secret.of(WEB_SECRET)));
    }

    public AppRegistration daemonWithSecret(String secret) {
        return AppRegistration.confidential(cloud, domain, daemonClientId, ClientCredential.secret(Secret.of(secret)));
    }

    public AppRegistration daemonWithCertificate() {
        JsonNode app = app(daemonClientId);
        try {
            return AppRegistration.confidential(
                    cloud,
                    tenantId,
                    daemonClientId,
                    ClientCredential.certificateFromPem(
                            Path.of(app.get("privateKeyPem").asText()),
                            null,
                            Path.of(app.get("certificatePem").asText())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public AppRegistration publicApp() {
        return AppRegistration.publicClient(cloud, tenantId, publicClientId);
    }

    /** A new user of this tenant with the standard password; {@code extra} is JSON fields such as mfaRequired. */
    public String newUser(String extra) {
        String upn = "user" + USERS.incrementAndGet() + "@" + domain;
        directory()
                .createUser(
                        tenantId,
                        json("{\"upn\": \"%s\", \"password\": \"%s\"%s}"
                                .formatted(upn, PASSWORD, extra.isBlank() ? "" : ", " + extra)));
        return upn;
    }

    public String newUser() {
        return newUser("");
    }

    public void patchUser(String upn, String jsonFields) {
        directory().patchUser(tenantId, upn, json("{" + jsonFields + "}"));
    }

    private JsonNode app(String clientId) {
        for (JsonNode t : directory().describe()) {
            if (t.get("id").asText().equals(tenantId)) {
                for (JsonNode a : t.get("apps")) {
                    if (a.get("clientId").asText().equals(clientId)) {
                        return a;
                    }
                }
            }
        }
        throw new IllegalStateException("App " + clientId + " not found");
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
