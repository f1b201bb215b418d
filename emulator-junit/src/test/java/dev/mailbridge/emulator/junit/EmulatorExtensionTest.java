package dev.mailbridge.emulator.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmulatorExtensionTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @Test
    void startsTheEmulatorOnAFreePortWithTrustedTls() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        assertThat(emulator.loginUrl().getPort()).isNotEqualTo(8443).isPositive();
        HttpResponse<String> metadata = HttpClient.newBuilder()
                .sslContext(emulator.sslContext())
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        emulator.loginUrl() + "/organizations/v2.0/.well-known/openid-configuration"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper()
                        .readTree(metadata.body())
                        .path("token_endpoint")
                        .asText())
                .startsWith(emulator.loginUrl().toString());
    }

    @Test
    void injectsTheSameEmulatorAsAParameter(Emulator emulator) {
        assertThat(emulator).isSameAs(EMULATOR.emulator());
    }
}
