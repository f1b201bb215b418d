package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The emulator side for real, briefly: client credentials, and refresh after the real
 * authorization-code flow (sign-in form, code, redemption), over HTTP and HTTPS.
 */
class EmulatorTargetTest {
    private final LoadRunner runner = new LoadRunner(Duration.ZERO, Duration.ofMillis(300));

    @Test
    void bothGrantsOverBothTransports() throws Exception {
        try (EmulatorTarget emulator = EmulatorTarget.start()) {
            for (String transport : emulator.transports()) {
                PeerTargetTest.assertOk(runner.run(emulator.clientCredentials(transport, 2)));
                PeerTargetTest.assertOk(runner.run(emulator.refresh(transport, 2)));
            }
        }
    }

    @Test
    void picksAConfidentialAppAndAPlainUser() throws Exception {
        try (EmulatorTarget emulator = EmulatorTarget.start()) {
            EmulatorTarget.Choice choice = emulator.choice();
            assertThat(choice.clientSecret()).isNotEmpty();
            assertThat(choice.clientCredentialsScope()).endsWith("/.default");
            assertThat(choice.userScope()).contains("offline_access");
        }
    }
}
