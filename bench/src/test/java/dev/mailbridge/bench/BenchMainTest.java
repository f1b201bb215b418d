package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchMainTest {
    @Test
    void defaults() {
        BenchMain.Options options = BenchMain.parse(new String[0]);
        assertThat(options.threads()).isEqualTo(4);
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.servers()).containsExactly("emulator", "peer", "peer-netty");
        assertThat(options.transports()).containsExactly("http", "https");
        assertThat(options.grants()).containsExactly("client_credentials", "refresh_token");
    }

    @Test
    void parsesOptionsInBothSpellings() {
        BenchMain.Options options = BenchMain.parse(new String[] {
            "--threads", "8", "--warmup=500ms", "--duration", "2s", "--servers=peer", "--grants", "refresh_token"
        });
        assertThat(options.threads()).isEqualTo(8);
        assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.servers()).containsExactly("peer");
        assertThat(options.grants()).containsExactly("refresh_token");
    }

    @Test
    void rejectsWhatItDoesNotKnow() {
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--servers", "keycloak"}))
                .hasMessageContaining("keycloak");
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--duration", "0s"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--frobnicate"})).hasMessageContaining("--frobnicate");
        assertThat(BenchMain.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void tableShowsRowsThatDidNotRun() {
        String table = BenchMain.table(List.of(
                new Result(
                        "a",
                        "http",
                        "client_credentials",
                        4,
                        1000,
                        2.0,
                        1.5,
                        2.5,
                        3.5,
                        0,
                        null,
                        new CpuSampler.Sample(300_000_000L, 500_000_000L, 1_000_000_000L, 0.5),
                        2_000_000_000L),
                Result.failed("b", "https", "refresh_token", 4, "did not start")));
        assertThat(table)
                .contains(
                        "| a | http | client_credentials | 4 | 500 | 500–500 | 1.50 | 2.50 | 3.50 | 1000 | 0 | 500 | 300 |")
                .contains("| b | https | refresh_token | 4 | not run |");
        for (String line : table.split("\\R")) {
            assertThat(line.chars().filter(c -> c == '|').count())
                    .as("every line has the header's columns: %s", line)
                    .isEqualTo(15);
        }
    }

    @Test
    void roundsKeepTheMedianAndTheSpread() {
        Result slow = new Result("a", "http", "g", 4, 100, 1.0, 9, 9, 9, 0, null, null, 1);
        Result mid = new Result("a", "http", "g", 4, 200, 1.0, 5, 5, 5, 1, "HTTP 500", null, 1);
        Result fast = new Result("a", "http", "g", 4, 300, 1.0, 3, 3, 3, 0, null, null, 1);

        Result merged = Result.median(List.of(fast, slow, mid));

        assertThat(merged.requestsPerSecond()).isEqualTo(200);
        assertThat(merged.p50Millis()).isEqualTo(5);
        assertThat(merged.minRequestsPerSecond()).isEqualTo(100);
        assertThat(merged.maxRequestsPerSecond()).isEqualTo(300);
        assertThat(merged.errors()).isEqualTo(1);
        assertThat(merged.firstError()).isEqualTo("HTTP 500");
        assertThat(BenchMain.parse(new String[] {"--rounds", "3"}).rounds()).isEqualTo(3);
    }

    @Test
    void percentilesAreNearestRank() {
        Latencies l = new Latencies();
        for (int i = 1; i <= 100; i++) {
            l.add(i * 1_000_000L);
        }
        long[] sorted = Latencies.merge(List.of(l));
        assertThat(Latencies.percentileMillis(sorted, 50)).isEqualTo(50.0);
        assertThat(Latencies.percentileMillis(sorted, 99)).isEqualTo(99.0);
        assertThat(Latencies.percentileMillis(new long[0], 50)).isNaN();
    }

    @Test
    void refusesNonLoopbackTargets() {
        assertThatThrownBy(
                        () -> TokenEndpoint.checkLoopback(java.net.URI.create("https://login.microsoftonline.com/x")))
                .isInstanceOf(IllegalArgumentException.class);
        TokenEndpoint.checkLoopback(java.net.URI.create("http://127.0.0.1:8080/t"));
        TokenEndpoint.checkLoopback(java.net.URI.create("https://[::1]:8443/t"));
    }
}
