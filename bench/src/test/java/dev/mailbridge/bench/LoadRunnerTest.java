package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {
    private final LoadRunner runner = new LoadRunner(Duration.ofMillis(50), Duration.ofMillis(200));

    @Test
    void countsErrorsInsteadOfMeasuringThem() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Worker sometimesWrong = () -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IOException("HTTP 400: invalid_grant");
            }
            Thread.sleep(1);
        };

        Result result = runner.run(new Scenario("s", "http", "g", List.of(sometimesWrong)));

        assertThat(result.errors()).isPositive();
        assertThat(result.firstError()).contains("invalid_grant");
        assertThat(result.ok()).isFalse();
    }

    @Test
    void stopsByItselfAndMeasuresTheWindow() throws Exception {
        Worker sleeper = () -> Thread.sleep(2);

        long start = System.nanoTime();
        Result result = runner.run(new Scenario("s", "http", "g", List.of(sleeper, sleeper)));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.ok()).isTrue();
        assertThat(result.threads()).isEqualTo(2);
        assertThat(result.seconds()).isBetween(0.19, 0.5);
        assertThat(result.p50Millis()).isGreaterThanOrEqualTo(2.0);
        assertThat(result.requestsPerSecond()).isBetween(100.0, 1000.0);
        assertThat(elapsedMillis).isLessThan(5_000);
    }
}
