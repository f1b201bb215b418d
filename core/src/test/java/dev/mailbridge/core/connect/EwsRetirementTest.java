package dev.mailbridge.core.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.EwsRetirement.Notice;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.cloud.Cloud;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which connections get the EWS retirement notice and what it says on each side of Microsoft's dates:
 * Exchange Online over EWS (by host, by Autodiscover with OAuth, by an onmicrosoft tenant) does, Exchange
 * Server (Basic, or hybrid modern auth to a host of its own) and Graph do not.
 */
class EwsRetirementTest {
    static final String EMULATOR_EWS = "https://localhost:8443/EWS/Exchange.asmx";
    static final Instant TODAY = Instant.parse("2026-12-07T15:00:00Z");

    private final EwsRetirement retirement = at(TODAY);

    static EwsRetirement at(Instant now) {
        return new EwsRetirement(Clock.fixed(now, ZoneOffset.UTC), Variables.of(Map.of("EWS_URL", EMULATOR_EWS)));
    }

    static Connection connection(
            Transport transport, SignInMode mode, HostMode hostMode, String ewsUrl, String tenantId) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Connection(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "test",
                transport,
                mode,
                Cloud.GLOBAL,
                hostMode,
                Optional.ofNullable(ewsUrl),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.ofNullable(tenantId),
                Optional.ofNullable(mode.oauth() ? "c0a7c0a7-0000-4000-8000-0000000000a1" : null),
                mode.oauth(),
                false,
                Optional.empty(),
                Optional.ofNullable(mode.oauth() ? null : "ews.service@northwind.local"),
                !mode.oauth(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                Optional.empty(),
                Optional.empty(),
                1,
                t,
                t);
    }

    static Connection exoAppOnly() {
        return connection(
                Transport.EWS,
                SignInMode.OAUTH_APP_ONLY,
                HostMode.SUPPLIED,
                "https://outlook.office365.com/EWS/Exchange.asmx",
                "3f2a1b4c-0000-4000-8000-000000000001");
    }

    /** The emulator's contoso tenant: OAuth to a localhost EWS URL, the tenant by its onmicrosoft.com name. */
    static Connection emulatorContoso() {
        return connection(
                Transport.EWS, SignInMode.OAUTH_DELEGATED, HostMode.SUPPLIED, EMULATOR_EWS, "contoso.onmicrosoft.com");
    }

    /** The emulator's northwind.local Exchange Server: Basic with impersonation. */
    static Connection northwind() {
        return connection(Transport.EWS, SignInMode.BASIC_IMPERSONATED, HostMode.SUPPLIED, EMULATOR_EWS, null);
    }

    @Test
    void beforeTheBlockItWarnsOfBothDates() {
        Notice n =
                at(Instant.parse("2026-09-30T23:59:59Z")).notice(exoAppOnly()).orElseThrow();
        assertThat(n.code()).isEqualTo("ews-retirement");
        assertThat(n.severity()).isEqualTo("warning");
        assertThat(n.critical()).isFalse();
        assertThat(n.text())
                .contains("will be blocked by default from 1 October 2026 and shut down on 1 April 2027")
                .contains("Mail.ReadWrite", "Mail.Send", "Switch to Graph", "docs/microsoft-setup.md");
    }

    @Test
    void duringTheBlockItCountsTheDaysLeft() {
        Notice first =
                at(Instant.parse("2026-10-01T00:00:00Z")).notice(exoAppOnly()).orElseThrow();
        assertThat(first.severity()).isEqualTo("warning");
        assertThat(first.title()).contains("182 days left");
        assertThat(first.text())
                .contains("blocked by default since 1 October 2026")
                .contains("re-enabled it")
                .contains("Switch this connection to Microsoft Graph");

        assertThat(retirement.notice(exoAppOnly()).orElseThrow().title()).contains("115 days left");
        assertThat(at(Instant.parse("2027-03-31T23:59:59Z"))
                        .notice(exoAppOnly())
                        .orElseThrow()
                        .title())
                .endsWith("1 day left");
    }

    @Test
    void fromTheShutdownItIsCritical() {
        Notice n =
                at(Instant.parse("2027-04-01T00:00:00Z")).notice(exoAppOnly()).orElseThrow();
        assertThat(n.severity()).isEqualTo("critical");
        assertThat(n.critical()).isTrue();
        assertThat(n.title()).isEqualTo("EWS in Exchange Online has been shut down");
        assertThat(n.text()).contains("cannot work until it is switched to Microsoft Graph");
    }

    @Test
    void theNoticeFollowsTheClock() {
        assertThat(at(Instant.parse("2026-06-01T00:00:00Z"))
                        .notice(emulatorContoso())
                        .orElseThrow()
                        .text())
                .contains("will be blocked");
        assertThat(at(Instant.parse("2028-01-01T00:00:00Z"))
                        .notice(emulatorContoso())
                        .orElseThrow()
                        .severity())
                .isEqualTo("critical");
    }

    @Test
    void exchangeOnlineIsRecognisedInEveryCloud() {
        for (String url : new String[] {
            "https://outlook.office365.com/EWS/Exchange.asmx",
            "https://OUTLOOK.OFFICE.COM/ews/exchange.asmx",
            "https://pod51013.outlook.com/ews/exchange.asmx",
            "https://outlook.office365.us/EWS/Exchange.asmx",
            "https://outlook-dod.office365.us/EWS/Exchange.asmx",
            "https://webmail.apps.mil/EWS/Exchange.asmx",
            "https://partner.outlook.cn/EWS/Exchange.asmx"
        }) {
            Connection c = connection(Transport.EWS, SignInMode.OAUTH_APP_ONLY, HostMode.SUPPLIED, url, "contoso.com");
            assertThat(retirement.exchangeOnlineOverEws(c)).as(url).isTrue();
        }
        // Basic to Exchange Online no longer signs in, but the connection still has to move.
        assertThat(retirement.exchangeOnlineOverEws(connection(
                        Transport.EWS,
                        SignInMode.BASIC,
                        HostMode.SUPPLIED,
                        "https://outlook.office365.com/EWS/Exchange.asmx",
                        null)))
                .isTrue();
        Notice basic = retirement
                .notice(connection(
                        Transport.EWS,
                        SignInMode.BASIC,
                        HostMode.SUPPLIED,
                        "https://outlook.office365.com/EWS/Exchange.asmx",
                        null))
                .orElseThrow();
        assertThat(basic.text()).contains("change this connection's sign-in to OAuth");
    }

    @Test
    void oauthWithAutodiscoverOrAnOnmicrosoftTenantIsExchangeOnline() {
        assertThat(retirement.notice(emulatorContoso())).isPresent();
        assertThat(retirement.exchangeOnlineOverEws(connection(
                        Transport.EWS, SignInMode.OAUTH_DELEGATED, HostMode.AUTODISCOVER, null, "contoso.com")))
                .isTrue();
        assertThat(retirement.exchangeOnlineOverEws(connection(
                        Transport.EWS,
                        SignInMode.OAUTH_APP_ONLY,
                        HostMode.SUPPLIED,
                        "https://ews.gov.example/EWS/Exchange.asmx",
                        "agency.onmicrosoft.us")))
                .isTrue();
        // The URL from the environment is read like a typed one.
        assertThat(retirement.exchangeOnlineOverEws(connection(
                        Transport.EWS,
                        SignInMode.OAUTH_DELEGATED,
                        HostMode.SUPPLIED,
                        "${env:EWS_URL}",
                        "contoso.onmicrosoft.com")))
                .isTrue();
    }

    @Test
    void exchangeServerGetsNoNotice() {
        assertThat(retirement.notice(northwind())).isEmpty();
        assertThat(retirement.notice(connection(Transport.EWS, SignInMode.BASIC, HostMode.AUTODISCOVER, null, null)))
                .isEmpty();
        // Hybrid modern auth: OAuth at Entra ID, EWS on the organisation's own Exchange Server.
        assertThat(retirement.notice(connection(
                        Transport.EWS,
                        SignInMode.OAUTH_DELEGATED,
                        HostMode.SUPPLIED,
                        "https://mail.contoso.com/EWS/Exchange.asmx",
                        "3f2a1b4c-0000-4000-8000-000000000001")))
                .isEmpty();
        assertThat(retirement.notice(connection(
                        Transport.EWS,
                        SignInMode.OAUTH_APP_ONLY,
                        HostMode.SUPPLIED,
                        "https://mail.contoso.com/EWS/Exchange.asmx",
                        "contoso.com")))
                .isEmpty();
        // A look-alike host is not Microsoft's.
        assertThat(retirement.notice(connection(
                        Transport.EWS,
                        SignInMode.BASIC,
                        HostMode.SUPPLIED,
                        "https://outlook.office365.com.evil.example/EWS/Exchange.asmx",
                        null)))
                .isEmpty();
    }

    @Test
    void graphGetsNoNotice() {
        for (Instant when :
                new Instant[] {Instant.parse("2026-06-01T00:00:00Z"), TODAY, Instant.parse("2027-06-01T00:00:00Z")}) {
            assertThat(at(when).notice(connection(
                            Transport.GRAPH,
                            SignInMode.OAUTH_APP_ONLY,
                            HostMode.SUPPLIED,
                            "https://outlook.office365.com/EWS/Exchange.asmx",
                            "contoso.onmicrosoft.com")))
                    .as(when.toString())
                    .isEmpty();
        }
    }
}
