package dev.mailbridge.core.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final String SECRET = "whsec_test-secret-0123456789";
    private static final byte[] BODY =
            "{\"id\":\"mb_1\",\"type\":\"message.received\"}".getBytes(StandardCharsets.UTF_8);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void acceptsAValidSignature() {
        long now = Instant.now().getEpochSecond();
        String header = WebhookSignature.sign(SECRET, now, BODY);
        assertThat(header).matches("t=" + now + ",v1=[0-9a-f]{64}");
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE)).isTrue();
    }

    @Test
    void isTheHmacOfTimestampDotBody() throws Exception {
        // a receiver in any language: HMAC-SHA256(secret, "<t>.<body>") in lowercase hex
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of()
                .formatHex(mac.doFinal(
                        ("1700000000." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, BODY)).isEqualTo("t=1700000000,v1=" + expected);
    }

    @Test
    void refusesATamperedBody() {
        long now = Instant.now().getEpochSecond();
        String header = WebhookSignature.sign(SECRET, now, BODY);
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 2] ^= 1;
        assertThat(WebhookSignature.verify(SECRET, header, tampered, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify("whsec_another-secret-987654321", header, BODY, TOLERANCE))
                .isFalse();
    }

    @Test
    void refusesAnOldOrFutureTimestamp() {
        Instant now = Instant.now();
        long old = now.minus(Duration.ofMinutes(6)).getEpochSecond();
        assertThat(WebhookSignature.verify(SECRET, WebhookSignature.sign(SECRET, old, BODY), BODY, TOLERANCE, now))
                .isFalse();
        long future = now.plus(Duration.ofMinutes(6)).getEpochSecond();
        assertThat(WebhookSignature.verify(SECRET, WebhookSignature.sign(SECRET, future, BODY), BODY, TOLERANCE, now))
                .isFalse();
        // a timestamp swapped in for a fresh one does not match the signature
        String header = WebhookSignature.sign(SECRET, old, BODY).replace("t=" + old, "t=" + now.getEpochSecond());
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE, now))
                .isFalse();
    }

    @Test
    void acceptsAnyOfSeveralSignaturesAndRefusesGarbage() {
        long now = Instant.now().getEpochSecond();
        String good = WebhookSignature.sign(SECRET, now, BODY);
        String v1 = good.substring(good.indexOf("v1="));
        String rotated = "t=" + now + ",v1=" + "00".repeat(32) + "," + v1;
        assertThat(WebhookSignature.verify(SECRET, rotated, BODY, TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, null, BODY, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "", BODY, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=abc,v1=zz", BODY, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=" + now, BODY, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.newSecret()).startsWith("whsec_").hasSizeGreaterThan(40);
    }
}
