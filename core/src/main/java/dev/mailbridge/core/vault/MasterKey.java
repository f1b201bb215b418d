package dev.mailbridge.core.vault;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One 256-bit AES key and its short id. The id (first 8 hex digits of the key's SHA-256) is written
 * beside every ciphertext so the vault knows which key opens it after a rotation.
 */
public final class MasterKey {
    static final int LENGTH = 32;

    private final byte[] key;
    private final String id;

    private MasterKey(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a master key is 32 bytes (256 bits); this one has " + key.length
                    + ". Make one with: openssl rand -base64 32");
        }
        this.key = key.clone();
        this.id = HexFormat.of().formatHex(sha256(key), 0, 4);
    }

    public static MasterKey ofBytes(byte[] key) {
        return new MasterKey(key);
    }

    /** Parses a base64 key as found in an environment variable or a key file. */
    public static MasterKey parse(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a master key must be base64 (32 random bytes). Make one with: openssl rand -base64 32");
        }
        try {
            return new MasterKey(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public String id() {
        return id;
    }

    String encoded() {
        return Base64.getEncoder().encodeToString(key);
    }

    SecretKey secretKey() {
        return new SecretKeySpec(key, "AES");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
