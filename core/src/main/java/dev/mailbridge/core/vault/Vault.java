package dev.mailbridge.core.vault;

import dev.mailbridge.identity.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals secrets and tokens for the database with AES-256-GCM. A sealed value is
 * {@code v1:<key id>:<base64(nonce | ciphertext | tag)>}; the associated data (for example
 * {@code connection/<id>/client_secret}) binds it to its row and column, so a value copied into
 * another row does not open.
 */
public final class Vault {
    private static final String PREFIX = "v1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private volatile KeyRing ring;

    public Vault(KeyRing ring) {
        this.ring = ring;
    }

    public String seal(Secret secret, String context) {
        return seal(secret.reveal().getBytes(StandardCharsets.UTF_8), context);
    }

    public String seal(byte[] plain, String context) {
        MasterKey key = ring.active();
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return PREFIX + key.id() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    public Secret open(String sealed, String context) {
        return Secret.of(new String(openBytes(sealed, context), StandardCharsets.UTF_8));
    }

    public byte[] openBytes(String sealed, String context) {
        if (sealed == null || !sealed.startsWith(PREFIX) || sealed.indexOf(':', PREFIX.length()) < 0) {
            throw new VaultException("a stored secret is not in the vault's format (" + context + ")");
        }
        int colon = sealed.indexOf(':', PREFIX.length());
        String keyId = sealed.substring(PREFIX.length(), colon);
        MasterKey key = ring.byId(keyId)
                .orElseThrow(() -> new VaultException("a stored secret (" + context + ") was sealed with master key "
                        + keyId + ", which is not among this server's keys " + ring.ids()
                        + ". Start the server with the key file or MAILBRIDGE_MASTER_KEY it was written with."));
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new VaultException("a stored secret is damaged (" + context + ")");
        }
        if (all.length < NONCE + TAG_BITS / 8) {
            throw new VaultException("a stored secret is damaged (" + context + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(all, NONCE, all.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new VaultException("a stored secret (" + context + ") failed its integrity check: it was altered, "
                    + "or moved from another row. Enter the secret again.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** True when {@code sealed} was sealed with a key other than the active one. */
    public boolean needsResealing(String sealed) {
        return sealed != null && !sealed.startsWith(PREFIX + ring.active().id() + ":");
    }

    public KeyRing ring() {
        return ring;
    }

    /** Switches the active key (rotation); values sealed with the old keys still open. */
    public void useRing(KeyRing next) {
        this.ring = next;
    }
}
