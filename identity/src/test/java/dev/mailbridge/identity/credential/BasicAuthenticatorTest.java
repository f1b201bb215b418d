package dev.mailbridge.identity.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.identity.Secret;
import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {
    @Test
    void encodesUtf8AndNeverRetries() {
        BasicCredential credential =
                BasicCredential.of("CONTOSO\\svc", Secret.of("pässwörd")).impersonating("a@contoso.com");
        BasicAuthenticator auth = new BasicAuthenticator(credential);
        assertThat(auth.authorizationHeader()).isEqualTo("Basic Q09OVE9TT1xzdmM6cMOkc3N3w7ZyZA==");
        assertThat(auth.invalidate(auth.authorizationHeader())).isFalse();
        assertThat(credential.toString()).doesNotContain("pässwörd").contains("a@contoso.com");
        assertThat(auth.toString()).doesNotContain("pässwörd");
    }
}
