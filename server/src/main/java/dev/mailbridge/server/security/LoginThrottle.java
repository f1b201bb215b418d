package dev.mailbridge.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Login rate limiting: after 5 failed sign-ins for one user name, or 20 from one address, within 15
 * minutes, further attempts are refused until the window has passed, whatever the password.
 */
@Component
public class LoginThrottle {
    static final int PER_USER = 5;
    static final int PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** When blocked: how long until the next attempt is allowed. */
    public Optional<Duration> blocked(String username, String address) {
        Instant now = clock.instant();
        Optional<Duration> user = check("u:" + norm(username), PER_USER, now);
        return user.isPresent() ? user : check("a:" + address, PER_ADDRESS, now);
    }

    public void failed(String username, String address) {
        Instant now = clock.instant();
        add("u:" + norm(username), now);
        add("a:" + address, now);
    }

    public void succeeded(String username) {
        failures.remove("u:" + norm(username));
    }

    private static String norm(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private void add(String key, Instant now) {
        Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(now);
            while (q.size() > PER_ADDRESS) {
                q.removeFirst();
            }
        }
    }

    private Optional<Duration> check(String key, int limit, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            while (!q.isEmpty() && q.peekFirst().plus(WINDOW).isBefore(now)) {
                q.removeFirst();
            }
            if (q.size() < limit) {
                return Optional.empty();
            }
            // The window reopens when the oldest failure that still counts ages out.
            Instant oldestCounting =
                    q.stream().skip(q.size() - limit).findFirst().orElse(now);
            return Optional.of(Duration.between(now, oldestCounting.plus(WINDOW)));
        }
    }
}
