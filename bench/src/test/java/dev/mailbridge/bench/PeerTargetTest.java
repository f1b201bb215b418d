package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The peer side for real, briefly: both grants, both of its servers, HTTP and HTTPS. */
class PeerTargetTest {
    private final LoadRunner runner = new LoadRunner(Duration.ZERO, Duration.ofMillis(300));

    @Test
    void mockWebServerOverHttp() throws Exception {
        try (PeerTarget peer = PeerTarget.start(false, false)) {
            assertOk(runner.run(peer.clientCredentials("http", 2)));
            assertOk(runner.run(peer.refresh("http", 2)));
        }
    }

    @Test
    void nettyOverHttps() throws Exception {
        try (PeerTarget peer = PeerTarget.start(true, true)) {
            assertOk(runner.run(peer.clientCredentials("https", 2)));
            assertOk(runner.run(peer.refresh("https", 2)));
        }
    }

    static void assertOk(Result result) {
        assertThat(result.firstError()).isNull();
        assertThat(result.errors()).isZero();
        assertThat(result.requests()).isPositive();
    }
}
