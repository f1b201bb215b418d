package dev.mailbridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.emulator.EmulatorClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SendRateLimiterTest {
    @Test
    void aSlidingWindowPerMailbox() {
        EmulatorClock clock = new EmulatorClock();
        SendRateLimiter limiter = new SendRateLimiter(2, Duration.ofMinutes(1), clock);
        UUID a = UUID.randomUUID();
        Instant first = limiter.acquire(a);
        clock.advance(Duration.ofSeconds(20));
        limiter.acquire(a);
        assertThatThrownBy(() -> limiter.acquire(a))
                .isInstanceOf(RateLimitedException.class)
                .satisfies(e -> {
                    RateLimitedException r = (RateLimitedException) e;
                    assertThat(r.retryAt()).isEqualTo(first.plus(Duration.ofMinutes(1)));
                    assertThat(r.retryAfterSeconds()).isEqualTo(40);
                });
        limiter.acquire(UUID.randomUUID()); // another mailbox has its own window
        clock.advance(Duration.ofSeconds(40)); // the first send leaves the window
        Instant third = limiter.acquire(a);
        assertThatThrownBy(() -> limiter.acquire(a)).isInstanceOf(RateLimitedException.class);
        limiter.release(a, third); // a send that did not go out gives its slot back
        limiter.acquire(a);
    }
}
