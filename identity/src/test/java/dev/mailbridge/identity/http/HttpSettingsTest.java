package dev.mailbridge.identity.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.identity.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {
    @Test
    void toStringNeverShowsTheProxyPassword() {
        HttpSettings settings = HttpSettings.builder()
                .proxy("proxy.example", 3128, "svc-mailbridge", Secret.of("hunter2-proxy"))
                .build();
        assertThat(settings.toString())
                .contains("proxy.example:3128", "svc-mailbridge")
                .doesNotContain("hunter2");
        assertThat(settings.proxyAuthenticator()).isPresent();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> HttpSettings.builder().proxy("proxy", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpSettings.builder().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpSettings.builder()
                        .trustMode(TrustMode.REPLACE_JDK_DEFAULTS)
                        .build())
                .hasMessageContaining("at least one CA");
        assertThatThrownBy(() -> HttpSettings.builder().trustPem("no pem here")).hasMessageContaining("No certificate");
    }

    @Test
    void allowsBasicForProxyTunnelsUnlessTheOperatorDecided() {
        HttpSettings.defaults();
        assertThat(System.getProperty("jdk.http.auth.tunneling.disabledSchemes"))
                .isNotNull()
                .doesNotContain("Basic");
    }
}
