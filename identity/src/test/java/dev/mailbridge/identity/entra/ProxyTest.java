package dev.mailbridge.identity.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.TestProxy;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.testing.EntraFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Token requests through a real CONNECT proxy with Basic proxy authentication. */
class ProxyTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static EntraFixture fx;

    @BeforeAll
    static void tenant() {
        fx = new EntraFixture(EMULATOR.emulator());
    }

    HttpSettings.Builder via(TestProxy proxy, String user, String password) {
        return fx.http().toBuilder().proxy("127.0.0.1", proxy.port(), user, Secret.of(password));
    }

    String appOnlyToken(HttpSettings http) {
        return EntraTokens.appOnly(
                        fx.daemonWithSecret(EntraFixture.DAEMON_SECRET),
                        fx.cloud().ewsAppScope(),
                        http)
                .token()
                .value()
                .reveal();
    }

    @Test
    void tokenRequestsGoThroughTheAuthenticatedProxy() throws Exception {
        try (TestProxy proxy = TestProxy.withBasicAuth("svc-proxy", "pr0xy-pass")) {
            assertThat(appOnlyToken(via(proxy, "svc-proxy", "pr0xy-pass").build()))
                    .isNotBlank();
            assertThat(proxy.tunnels()).isGreaterThanOrEqualTo(1);
            assertThat(proxy.targets())
                    .allMatch(t -> t.equals(
                            "localhost:" + EMULATOR.emulator().loginUrl().getPort()));
            assertThat(proxy.challenges()).isGreaterThanOrEqualTo(1); // asked first, then answered
        }
    }

    @Test
    void noProxyHostsBypassIt() throws Exception {
        try (TestProxy proxy = TestProxy.withBasicAuth("svc-proxy", "pr0xy-pass")) {
            HttpSettings http = via(proxy, "svc-proxy", "pr0xy-pass")
                    .noProxy(List.of("*.internal", "localhost"))
                    .build();
            assertThat(appOnlyToken(http)).isNotBlank();
            assertThat(proxy.tunnels()).isZero();
        }
    }

    @Test
    void wrongProxyCredentialsGiveAClearError() throws Exception {
        try (TestProxy proxy = TestProxy.withBasicAuth("svc-proxy", "pr0xy-pass")) {
            Throwable t = catchThrowable(
                    () -> appOnlyToken(via(proxy, "svc-proxy", "wrong-pass").build()));
            assertThat(t).isInstanceOf(SignInFailure.class);
            SignInFailure f = (SignInFailure) t;
            assertThat(f.category()).as(f.getMessage() + " / " + f.getCause()).isEqualTo(FailureCategory.CONNECTION);
            assertThat(f.plainMessage()).contains("127.0.0.1:" + proxy.port(), "rejected", "svc-proxy");
            assertThat(f.getMessage()).doesNotContain("wrong-pass");
            assertThat(proxy.tunnels()).isZero();
        }
    }

    @Test
    void aProxyAskingForCredentialsWeDoNotHaveIsExplained() throws Exception {
        try (TestProxy proxy = TestProxy.withBasicAuth("svc-proxy", "pr0xy-pass")) {
            HttpSettings http =
                    fx.http().toBuilder().proxy("127.0.0.1", proxy.port()).build();
            Throwable t = catchThrowable(() -> appOnlyToken(http));
            assertThat(t).isInstanceOf(SignInFailure.class);
            assertThat(((SignInFailure) t).category()).isEqualTo(FailureCategory.CONNECTION);
            assertThat(((SignInFailure) t).plainMessage())
                    .contains("requires authentication", "user name and password");
        }
    }

    @Test
    void transportsGetTheSameProxyFromTheSettings() throws Exception {
        try (TestProxy proxy = TestProxy.withBasicAuth("svc-proxy", "pr0xy-pass")) {
            HttpSettings http = via(proxy, "svc-proxy", "pr0xy-pass").build();
            HttpResponse<String> response = http.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(EMULATOR.emulator()
                                            .loginUrl()
                                            .resolve("/" + fx.tenantId() + "/v2.0/.well-known/openid-configuration"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(proxy.tunnels()).isEqualTo(1);
        }
    }
}
