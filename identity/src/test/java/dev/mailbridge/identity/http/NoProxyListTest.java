package dev.mailbridge.identity.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Proxy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoProxyListTest {
    private final NoProxyList list = NoProxyList.parse("*.internal, localhost .corp.example 10.0.0.*,[::1]");

    @Test
    void wildcardsMatchSubdomainsOnly() {
        assertThat(list.bypasses("mail.internal")).isTrue();
        assertThat(list.bypasses("a.b.INTERNAL")).isTrue();
        assertThat(list.bypasses("internal")).isFalse();
        assertThat(list.bypasses("internal.example")).isFalse();
    }

    @Test
    void exactHostsAndLeadingDotDomains() {
        assertThat(list.bypasses("localhost")).isTrue();
        assertThat(list.bypasses("localhost.evil.example")).isFalse();
        assertThat(list.bypasses("corp.example")).isTrue();
        assertThat(list.bypasses("ews.corp.example")).isTrue();
        assertThat(list.bypasses("notcorp.example")).isFalse();
        assertThat(list.bypasses("10.0.0.7")).isTrue();
        assertThat(list.bypasses("10.0.1.7")).isFalse();
        assertThat(list.bypasses("[::1]")).isTrue();
        assertThat(list.bypasses("login.microsoftonline.com")).isFalse();
    }

    @Test
    void starAloneBypassesEverything() {
        assertThat(NoProxyList.parse("*").bypasses("anything.example")).isTrue();
        assertThat(NoProxyList.empty().bypasses("anything.example")).isFalse();
    }

    @Test
    void selectorUsesTheProxyExceptForNoProxyHosts() {
        HttpSettings settings = HttpSettings.builder()
                .proxy("proxy.example", 3128)
                .noProxy(List.of("*.internal"))
                .build();
        assertThat(settings.proxySelector().select(URI.create("https://login.microsoftonline.com/x")))
                .singleElement()
                .satisfies(p -> assertThat(p.type()).isEqualTo(Proxy.Type.HTTP));
        assertThat(settings.proxySelector().select(URI.create("https://ews.internal/EWS/Exchange.asmx")))
                .containsExactly(Proxy.NO_PROXY);
        assertThat(HttpSettings.defaults().proxySelector().select(URI.create("https://x.example")))
                .containsExactly(Proxy.NO_PROXY);
    }
}
