package dev.mailbridge.identity.token;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches the access token and refreshes it ahead of expiry, single-flight: the first caller that finds the
 * token stale starts the one refresh, every other caller waits for that same refresh and shares its token
 * or its failure. A failed refresh is not cached: the next caller tries again.
 */
public final class CachingTokenSource implements TokenSource {
    /** Refresh this long before expiry (unless Entra's refresh_in hint says earlier). */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(CachingTokenSource.class);

    private final String name;
    private final TokenFetcher fetcher;
    private final Clock clock;
    private final Duration margin;
    private final Object lock = new Object();
    private AccessToken current; // guarded by lock
    private CompletableFuture<AccessToken> inFlight; // guarded by lock

    /** @param name what the tokens are for, for logs (a mailbox key or app ID; never a secret) */
    public CachingTokenSource(String name, TokenFetcher fetcher, Clock clock, Duration margin) {
        this.name = name;
        this.fetcher = fetcher;
        this.clock = clock;
        this.margin = margin;
    }

    public CachingTokenSource(String name, TokenFetcher fetcher) {
        this(name, fetcher, Clock.systemUTC(), DEFAULT_REFRESH_MARGIN);
    }

    /** Starts with a token already in hand (e.g. from the sign-in that just completed). */
    public CachingTokenSource seed(AccessToken token) {
        synchronized (lock) {
            current = token;
        }
        return this;
    }

    @Override
    public AccessToken token() {
        return await(flight(false));
    }

    @Override
    public AccessToken refreshNow() {
        return await(flight(true));
    }

    @Override
    public boolean invalidate(String rejected) {
        synchronized (lock) {
            if (current == null) {
                return true;
            }
            String rejectedToken = rejected.startsWith("Bearer ") ? rejected.substring(7) : rejected;
            if (current.value().sameAs(rejectedToken)) {
                log.debug("Dropping the cached token for {} after a 401", name);
                current = null;
            }
            return true; // either dropped now or already replaced by a newer token
        }
    }

    /** Returns a completed future with a fresh cached token, or the one refresh in flight (starting it if needed). */
    private CompletableFuture<AccessToken> flight(boolean force) {
        CompletableFuture<AccessToken> mine;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            if (!force && current != null && !current.needsRefresh(clock.instant(), margin)) {
                return CompletableFuture.completedFuture(current);
            }
            mine = new CompletableFuture<>();
            inFlight = mine;
        }
        // Fetch outside the lock; only this thread runs it, the others wait on the future.
        try {
            AccessToken fresh = fetcher.fetch();
            synchronized (lock) {
                current = fresh;
                inFlight = null;
            }
            log.debug("New access token for {}, expires {}", name, fresh.expiresOn());
            mine.complete(fresh);
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                inFlight = null;
            }
            mine.completeExceptionally(e);
        }
        return mine;
    }

    private static AccessToken await(CompletableFuture<AccessToken> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "CachingTokenSource[" + name + "]";
    }
}
