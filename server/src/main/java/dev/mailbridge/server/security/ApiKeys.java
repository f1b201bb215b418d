package dev.mailbridge.server.security;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.store.Stores;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * API keys: {@code mbk_} + 8 characters of public prefix + 32 random characters. Only the prefix and a
 * SHA-256 of the whole key are stored (the key has 190+ bits of entropy, so a fast hash is enough and a
 * leaked table reveals nothing usable). The key is shown once, when it is created.
 */
@Service
public class ApiKeys {
    public static final String PREFIX = "mbk_";
    private static final int PUBLIC_CHARS = 8;
    private final SecureRandom random = new SecureRandom();
    private final Stores stores;

    public ApiKeys(Stores stores) {
        this.stores = stores;
    }

    /** A new key and the only time its value is available. */
    public record Created(ApiKey key, String value) {}

    public Created create(String name, Set<ApiKey.Scope> scopes, String actor) {
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String value = PREFIX + secret;
        String prefix = value.substring(0, PREFIX.length() + PUBLIC_CHARS);
        ApiKey key = stores.apiKeys().create(name, prefix, hash(value), scopes, actor);
        stores.audit().record(actor, "apikey.create", "apikey/" + key.id(), name + " " + scopes);
        return new Created(key, value);
    }

    /** The active key {@code value} belongs to, if any; marks it used. */
    public Optional<ApiKey> verify(String value) {
        if (value == null || !value.startsWith(PREFIX) || value.length() < PREFIX.length() + PUBLIC_CHARS + 16) {
            return Optional.empty();
        }
        String prefix = value.substring(0, PREFIX.length() + PUBLIC_CHARS);
        Optional<ApiKey> key = stores.apiKeys().byPrefix(prefix);
        if (key.isEmpty()
                || !key.get().active()
                || !MessageDigest.isEqual(
                        key.get().keyHash().getBytes(StandardCharsets.US_ASCII),
                        hash(value).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        stores.apiKeys().touch(key.get().id());
        return key;
    }

    static String hash(String value) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256")
                                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
