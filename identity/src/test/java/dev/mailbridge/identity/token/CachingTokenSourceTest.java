package dev.mailbridge.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachingTokenSourceTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AtomicInteger fetches = new AtomicInteger();

    private AccessToken issue(Duration lifetime, Optional<Instant> refreshOn) {
        int n = fetches.incrementAndGet();
        return new AccessToken(Secret.of("token-" + n), now.get(), now.get().plus(lifetime), refreshOn);
    }

    @Test
    void cachesUntilFiveMinutesBeforeExpiry() {
        CachingTokenSource source = new CachingTokenSource(
                "t", () -> issue(Duration.ofHours(1), Optional.empty()), clock, Duration.ofMinutes(5));
        assertThat(source.token().value().reveal()).isEqualTo("token-1");
        now.set(now.get().plus(Duration.ofMinutes(54)));
        assertThat(source.token().value().reveal()).isEqualTo("token-1");
        now.set(now.get().plus(Duration.ofMinutes(1)));
        assertThat(source.token().value().reveal()).isEqualTo("token-2");
    }

    @Test
    void honoursTheRefreshInHint() {
        CachingTokenSource source = new CachingTokenSource(
                "t",
                () -> issue(Duration.ofHours(24), Optional.of(now.get().plus(Duration.ofHours(12)))),
                clock,
                Duration.ofMinutes(5));
        source.token();
        now.set(now.get().plus(Duration.ofHours(12)));
        assertThat(source.token().value().reveal()).isEqualTo("token-2");
    }

    @Test
    void shortLivedTokensAreNotRefreshedOnEveryCall() {
        CachingTokenSource source = new CachingTokenSource(
                "t", () -> issue(Duration.ofMinutes(4), Optional.empty()), clock, Duration.ofMinutes(5));
        source.token();
        now.set(now.get().plus(Duration.ofMinutes(1)));
        assertThat(source.token().value().reveal()).isEqualTo("token-1");
    }

    @Test
    void manyThreadsShareOneRefresh() throws Exception {
        CountDownLatch inFetch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CachingTokenSource source = new CachingTokenSource(
                "t",
                () -> {
                    inFetch.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return issue(Duration.ofHours(1), Optional.empty());
                },
                clock,
                Duration.ofMinutes(5));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<AccessToken>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(source::token));
            }
            inFetch.await();
            Thread.sleep(100); // let the other threads pile up on the flight
            release.countDown();
            for (Future<AccessToken> f : results) {
                assertThat(f.get().value().reveal()).isEqualTo("token-1");
            }
            assertThat(fetches).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failuresAreSharedButNotCached() {
        AtomicInteger calls = new AtomicInteger();
        CachingTokenSource source = new CachingTokenSource(
                "t",
                () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw SignInFailure.local(FailureCategory.TRANSIENT, "busy", "retry", null);
                    }
                    return issue(Duration.ofHours(1), Optional.empty());
                },
                clock,
                Duration.ofMinutes(5));
        assertThatThrownBy(source::token).isInstanceOf(SignInFailure.class);
        assertThat(source.token().value().reveal()).isEqualTo("token-1");
    }

    @Test
    void invalidateDropsOnlyTheRejectedToken() {
        CachingTokenSource source = new CachingTokenSource(
                "t", () -> issue(Duration.ofHours(1), Optional.empty()), clock, Duration.ofMinutes(5));
        BearerAuthenticator auth = new BearerAuthenticator(source);
        String first = auth.authorizationHeader();
        assertThat(first).isEqualTo("Bearer token-1");
        assertThat(auth.invalidate("Bearer some-older-token")).isTrue();
        assertThat(auth.authorizationHeader()).isEqualTo(first);
        assertThat(auth.invalidate(first)).isTrue();
        assertThat(auth.authorizationHeader()).isEqualTo("Bearer token-2");
        assertThat(source.refreshNow().value().reveal()).isEqualTo("token-3");
        assertThat(source.token().toString()).doesNotContain("token-3");
    }
}
