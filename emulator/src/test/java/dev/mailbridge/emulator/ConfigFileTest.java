package dev.mailbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration file of the user's own: what it declares is what the emulator serves and describes. */
class ConfigFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "e1a2b3c4-0000-4000-8000-00000000cafe";

    @TempDir
    Path dir;

    @Test
    void servesTheTenantsAppsAndUsersOfTheFile() throws Exception {
        Path config = dir.resolve("emulator.yaml");
        Files.writeString(config, """
                server:
                  httpsPort: 0
                tenants:
                  - id: %s
                    domains: [example.onmicrosoft.com]
                    kind: online
                    cloud: global
                    users:
                      - {upn: pat@example.onmicrosoft.com, password: Pat-Passw0rd!}
                    apps:
                      - clientId: 11111111-2222-4333-8444-555555555555
                        displayName: Ticket desk
                        secrets:
                          - {id: s-current, value: current-secret, expires: %s}
                          - {id: s-old, value: old-secret, expires: %s}
                        redirectUris: [https://desk.example/callback]
                        application: [https://outlook.office365.com/full_access_as_app]
                        adminConsented: true
                """.formatted(
                TENANT, Instant.now().plus(365, ChronoUnit.DAYS), Instant.now().minus(1, ChronoUnit.DAYS)));

        try (Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .configFile(config)
                .stateDir(dir.resolve("state"))
                .build())) {
            JsonNode tenants = emulator.describe().path("tenants");
            assertThat(tenants).hasSize(1);
            JsonNode tenant = tenants.get(0);
            assertThat(tenant.path("id").asText()).isEqualTo(TENANT);
            assertThat(tenant.path("domain").asText()).isEqualTo("example.onmicrosoft.com");
            assertThat(tenant.path("users").get(0).path("upn").asText()).isEqualTo("pat@example.onmicrosoft.com");
            assertThat(tenant.path("apps").get(0).path("redirectUris").get(0).asText())
                    .isEqualTo("https://desk.example/callback");

            HttpClient client =
                    HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
            JsonNode token = clientCredentials(client, emulator, "current-secret");
            assertThat(token.path("token_type").asText()).isEqualTo("Bearer");

            JsonNode expired = clientCredentials(client, emulator, "old-secret");
            assertThat(expired.path("error_codes").get(0).asInt()).isEqualTo(7000222);
        }
    }

    @Test
    void aMistakeInTheFileIsNamed() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                tenants:
                  - domains: [example.onmicrosoft.com]
                    cloud: mars
                """);
        assertThatThrownBy(() -> Emulator.start(EmulatorOptions.builder()
                        .configFile(config)
                        .httpsPort(0)
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mars");
    }

    private static JsonNode clientCredentials(HttpClient client, Emulator emulator, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=11111111-2222-4333-8444-555555555555&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("https://outlook.office365.com/.default", StandardCharsets.UTF_8);
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(emulator.loginUrl() + "/example.onmicrosoft.com/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
