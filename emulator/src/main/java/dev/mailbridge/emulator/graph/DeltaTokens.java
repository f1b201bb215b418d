package dev.mailbridge.emulator.graph;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The state of a delta round in {@code $skiptoken} (next page) and {@code $deltatoken} (next round):
 * mailbox, folder ("*" for every mail folder), the change range and page cursor, the store's epoch,
 * the $select and page size. Opaque base64url, HMAC-signed so a client cannot edit one.
 */
final class DeltaTokens {
    /** A decoded token. {@code select} is "" for the default properties. */
    record State(
            String mailbox,
            String folder,
            long since,
            long upTo,
            long cursor,
            long epoch,
            String select,
            int pageSize) {}

    private final byte[] key = new byte[32];

    DeltaTokens() {
        new SecureRandom().nextBytes(key);
    }

    String encode(State s) {
        String body = String.join(
                "\n",
                "d1",
                s.mailbox(),
                s.folder(),
                Long.toString(s.since()),
                Long.toString(s.upTo()),
                Long.toString(s.cursor()),
                Long.toString(s.epoch()),
                s.select(),
                Integer.toString(s.pageSize()));
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        byte[] mac = mac(raw);
        byte[] all = new byte[raw.length + mac.length];
        System.arraycopy(raw, 0, all, 0, raw.length);
        System.arraycopy(mac, 0, all, raw.length, mac.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    /** The state, or null when the token is not one of ours or was changed. */
    State decode(String token) {
        try {
            byte[] all = Base64.getUrlDecoder().decode(token.trim());
            if (all.length < 17) {
                return null;
            }
            byte[] raw = java.util.Arrays.copyOf(all, all.length - 16);
            byte[] mac = java.util.Arrays.copyOfRange(all, all.length - 16, all.length);
            if (!MessageDigest.isEqual(mac, mac(raw))) {
                return null;
            }
            String[] f = new String(raw, StandardCharsets.UTF_8).split("\n", -1);
            if (f.length != 9 || !f[0].equals("d1")) {
                return null;
            }
            return new State(
                    f[1],
                    f[2],
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]),
                    Long.parseLong(f[5]),
                    Long.parseLong(f[6]),
                    f[7],
                    Integer.parseInt(f[8]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private byte[] mac(byte[] raw) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return java.util.Arrays.copyOf(m.doFinal(raw), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
