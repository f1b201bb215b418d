package dev.mailbridge.core.deliver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature, as in Stripe's scheme: {@code Mailbridge-Signature: t=<unix seconds>,v1=<hex>} where
 * {@code <hex>} is the lowercase hex HMAC-SHA256, keyed with the target's secret (its UTF-8 bytes), of
 * {@code "<t>.<raw request body>"}. The timestamp is signed too, so a captured request cannot be replayed
 * later than the receiver's tolerance; {@code Mailbridge-Timestamp} repeats {@code t} for convenience.
 *
 * <p>A receiver verifies with {@link #verify(String, String, byte[], Duration)} over the raw body bytes, before
 * parsing them, and then de-duplicates on the {@code Idempotency-Key} header. Several {@code v1=} entries
 * may appear (reserved for secret rotation): one matching is enough.
 */
public final class WebhookSignature {
    public static final String HEADER = "Mailbridge-Signature";
    private static final HexFormat HEX = HexFormat.of();

    private WebhookSignature() {}

    /** The header value for {@code body} sent at {@code timestamp}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HEX.formatHex(hmac(secret, timestamp, body));
    }

    /** True when {@code header} carries a valid signature of {@code body} made within {@code tolerance} of now. */
    public static boolean verify(String secret, String header, byte[] body, Duration tolerance) {
        return verify(secret, header, body, tolerance, Instant.now());
    }

    public static boolean verify(String secret, String header, String body, Duration tolerance) {
        return verify(secret, header, body.getBytes(StandardCharsets.UTF_8), tolerance, Instant.now());
    }

    /** {@link #verify(String, String, byte[], Duration)} at a given {@code now}. */
    public static boolean verify(String secret, String header, byte[] body, Duration tolerance, Instant now) {
        if (secret == null || header == null || body == null) {
            return false;
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            try {
                if (key.equals("t")) {
                    timestamp = Long.parseLong(value);
                } else if (key.equals("v1")) {
                    signatures.add(HEX.parseHex(value));
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, timestamp, body);
        boolean ok = false;
        for (byte[] s : signatures) {
            ok |= MessageDigest.isEqual(expected, s);
        }
        return ok;
    }

    /** A new random secret: {@code whsec_} and 32 random bytes, base64url. */
    public static String newSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }
}
