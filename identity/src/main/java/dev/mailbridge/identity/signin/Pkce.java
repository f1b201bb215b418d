package dev.mailbridge.identity.signin;

import dev.mailbridge.identity.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PKCE (RFC 7636) with S256: a random verifier kept on the server, its SHA-256 challenge sent in the
 * sign-in URL; the token endpoint checks one against the other (AADSTS501481 on mismatch).
 */
public record Pkce(Secret verifier, String challenge) {
    public static final String METHOD = "S256";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** 32 random bytes give a 43-character verifier, the minimum RFC 7636 allows and plenty of entropy. */
    public static Pkce generate() {
        String verifier = randomToken(32);
        return new Pkce(Secret.of(verifier), challengeOf(verifier));
    }

    /** BASE64URL(SHA256(ASCII(verifier))), as in RFC 7636 §4.2. */
    public static String challengeOf(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return BASE64URL.encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A URL-safe random string from {@code bytes} random bytes (for verifiers, state and nonce). */
    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return BASE64URL.encodeToString(b);
    }
}
