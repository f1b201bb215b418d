package dev.mailbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `./mailbridge demo` starts, is seeded with a connection per sign-in mode, and they work. */
class DemoTest {
    @TempDir
    Path state;

    @Test
    void startsSeededAndTheSeededConnectionsWork() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (DemoMain.Running demo = DemoMain.start(state, port, 0)) {
            var login = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);

            MailboxServices services = demo.server().getBean(MailboxServices.class);
            assertThat(services.stores().connections().all())
                    .extracting(c -> c.signInMode())
                    .containsExactlyInAnyOrder(SignInMode.values());
            for (Mailbox m : services.stores().mailboxes().all()) {
                var c = services.stores().connections().get(m.connectionId()).orElseThrow();
                if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
                    services.authorizations().authorizeAppOnly(m.id(), "test");
                }
                if (c.signInMode() != SignInMode.OAUTH_DELEGATED) {
                    assertThat(services.tester().test(m.id(), "test").passed())
                            .as(c.name())
                            .isTrue();
                    assertThat(services.stores()
                                    .mailboxes()
                                    .get(m.id())
                                    .orElseThrow()
                                    .status())
                            .isEqualTo(MailboxStatus.AUTHORIZED);
                }
            }
            // The delegated connection is ready for Authorize, and the callback is registered in the emulator.
            var delegated = services.stores().connections().all().stream()
                    .filter(c -> c.signInMode() == SignInMode.OAUTH_DELEGATED)
                    .findFirst()
                    .orElseThrow();
            assertThat(services.connections().missingForAuthorize(delegated)).isEmpty();
            assertThat(demo.emulator()
                            .entra()
                            .directory()
                            .app("contoso.onmicrosoft.com", "c0a7c0a7-0000-4000-8000-0000000000a1")
                            .redirectUris())
                    .anySatisfy(u -> assertThat(u.uri()).isEqualTo("http://localhost:" + port + "/oauth2/callback"));
        }
    }
}
