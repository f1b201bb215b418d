package dev.mailbridge.ews.autodiscover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The credential rule against the 2021 Autodiscover leak, without the network. */
class CredentialScopeTest {
    static String refusal(String domain, String url, String... approved) {
        return new CredentialScope(domain, List.of(approved)).refusal(URI.create(url));
    }

    @Test
    void ownDomainAndSubdomainsOverHttpsOnly() {
        assertThat(refusal("contoso.com", "https://contoso.com/autodiscover/autodiscover.svc"))
                .isNull();
        assertThat(refusal("contoso.com", "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"))
                .isNull();
        assertThat(refusal("contoso.com", "https://AutoDiscover.Contoso.COM./x"))
                .isNull();
        assertThat(refusal("contoso.com", "http://autodiscover.contoso.com/autodiscover/autodiscover.xml"))
                .contains("HTTPS");
    }

    @Test
    void neverAutodiscoverOfAPublicSuffixOrAForeignHost() {
        assertThat(refusal("contoso.com", "https://autodiscover.com/autodiscover/autodiscover.xml"))
                .contains("Autodiscover leak");
        assertThat(refusal("example.co.uk", "https://autodiscover.co.uk/autodiscover/autodiscover.xml"))
                .contains("Autodiscover leak");
        assertThat(refusal("example.com.br", "https://autodiscover.com.br/x")).contains("Autodiscover leak");
        assertThat(refusal("contoso.com", "https://com/x")).contains("public suffix");
        assertThat(refusal("contoso.com", "https://contoso.com.evil.example/x")).contains("outside");
        assertThat(refusal("contoso.com", "https://evilcontoso.com/x")).contains("outside");
        assertThat(refusal("mail.contoso.com", "https://contoso.com/x")).contains("outside");
        // an address directly at a public suffix gets nothing, not even its "subdomains"
        assertThat(refusal("co.uk", "https://autodiscover.co.uk/x")).isNotNull();
        assertThat(refusal("co.uk", "https://example.co.uk/x")).contains("outside");
    }

    @Test
    void approvedDomainsButNeverALeakHost() {
        assertThat(refusal("fabrikam.example", "https://mail.contoso.com/x", "contoso.com"))
                .isNull();
        assertThat(refusal("fabrikam.example", "https://mail.contoso.com/x")).contains("outside");
        assertThatThrownBy(() -> CredentialScope.checkApprovable("autodiscover.com"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CredentialScope.checkApprovable("*.co.uk"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CredentialScope.checkApprovable("com")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CredentialScope.checkApprovable("*.Outlook.com")).isEqualTo("outlook.com");
    }

    @Test
    void registrableDomains() {
        assertThat(CredentialScope.registrableDomain("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(CredentialScope.registrableDomain("autodiscover.contoso.com"))
                .isEqualTo("contoso.com");
        assertThat(CredentialScope.registrableDomain("co.uk")).isNull();
        assertThat(CredentialScope.isLeakHost("autodiscover.com")).isTrue();
        assertThat(CredentialScope.isLeakHost("autodiscover.contoso.com")).isFalse();
    }

    @Test
    void miniJsonIsStrict() {
        assertThat(MiniJson.topLevel("{\"Protocol\":\"EWS\",\"Url\":\"https:\\/\\/x\\/EWS\",\"n\":[1,{\"a\":null}]}"))
                .containsEntry("Protocol", "EWS")
                .containsEntry("Url", "https://x/EWS")
                .doesNotContainKey("n");
        assertThatThrownBy(() -> MiniJson.topLevel("<html>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MiniJson.topLevel("{\"a\":\"b\"} x")).isInstanceOf(IllegalArgumentException.class);
    }
}
