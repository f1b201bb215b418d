package dev.mailbridge.identity.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PkceTest {
    @Test
    void challengeIsTheRfc7636AppendixBExample() {
        // RFC 7636 Appendix B
        assertThat(Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void verifiersAreLongEnoughUrlSafeAndDistinct() {
        Pkce a = Pkce.generate();
        Pkce b = Pkce.generate();
        assertThat(a.verifier().reveal()).hasSizeBetween(43, 128).matches("[A-Za-z0-9_-]+");
        assertThat(a.verifier()).isNotEqualTo(b.verifier());
        assertThat(a.challenge()).isEqualTo(Pkce.challengeOf(a.verifier().reveal()));
    }

    @Test
    void pendingSignInHidesItsVerifierAndNonce() {
        PendingSignIn pending = PendingSignIn.create(
                "mbx-1", URI.create("https://app.example/callback"), Set.of("scope"), Instant.EPOCH);
        assertThat(pending.toString())
                .doesNotContain(pending.codeVerifier().reveal())
                .doesNotContain(pending.nonce().reveal());
        assertThat(pending.codeChallenge())
                .isEqualTo(Pkce.challengeOf(pending.codeVerifier().reveal()));
    }
}
