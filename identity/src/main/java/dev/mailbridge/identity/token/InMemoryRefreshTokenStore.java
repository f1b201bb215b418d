package dev.mailbridge.identity.token;

import dev.mailbridge.identity.Secret;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** For tests and the CLI: keeps refresh tokens in memory and counts saves. */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {
    private final ConcurrentMap<String, Secret> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger saves = new AtomicInteger();

    @Override
    public Optional<Secret> load(String accountKey) {
        return Optional.ofNullable(tokens.get(accountKey));
    }

    @Override
    public void save(String accountKey, Secret refreshToken) {
        tokens.put(accountKey, refreshToken);
        saves.incrementAndGet();
    }

    /** How many times {@link #save} was called, for all accounts. */
    public int saveCount() {
        return saves.get();
    }
}
