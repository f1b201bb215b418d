package dev.mailbridge.identity.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CloudTest {
    @Test
    void hostsAndScopesChangeTogether() {
        CloudProfile high = Cloud.US_GOV_HIGH.profile();
        assertThat(high.authority("contoso.onmicrosoft.us"))
                .isEqualTo("https://login.microsoftonline.us/contoso.onmicrosoft.us/");
        assertThat(high.ewsAppScope()).isEqualTo("https://outlook.office365.us/.default");
        assertThat(high.graphAppScope()).isEqualTo("https://graph.microsoft.us/.default");
        assertThat(Cloud.GLOBAL.profile().imapDelegatedScope())
                .isEqualTo("https://outlook.office.com/IMAP.AccessAsUser.All");
        assertThat(Cloud.GLOBAL.profile().ewsDelegatedScope())
                .isEqualTo("https://outlook.office365.com/EWS.AccessAsUser.All");
        assertThat(Cloud.US_GOV_DOD.profile().graphScope("Mail.Read"))
                .isEqualTo("https://dod-graph.microsoft.us/Mail.Read");
        assertThat(Cloud.CHINA.profile().exchangeResourceVerified()).isFalse();
    }

    @Test
    void authorityBaseCanPointElsewhereKeepingTheRest() {
        CloudProfile emulated = Cloud.CHINA.profile().withAuthorityBase(URI.create("https://localhost:8443/"));
        assertThat(emulated.authority("t1")).isEqualTo("https://localhost:8443/t1/");
        assertThat(emulated.customAuthority()).isTrue();
        assertThat(Cloud.CHINA.profile().customAuthority()).isFalse();
        assertThat(emulated.graphRoot()).isEqualTo(Cloud.CHINA.profile().graphRoot());
        assertThatThrownBy(() -> Cloud.GLOBAL.profile().withAuthorityBase(URI.create("http://localhost:8080")))
                .hasMessageContaining("https");
        assertThat(Cloud.fromId("usgov-dod")).isEqualTo(Cloud.US_GOV_DOD);
    }
}
