package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.cloud.Cloud;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The notice on a connection that reaches Exchange Online over EWS, which Microsoft blocks by default
 * from 1 October 2026 and shuts down on 1 April 2027 (Exchange Server keeps EWS). The wording follows the
 * date: ahead of the block, during it (with the days left), and after the shutdown (critical). The dates
 * are taken as UTC midnight; Microsoft names days, not times.
 *
 * <p>When a connection counts as Exchange Online over EWS: its transport is EWS and
 *
 * <ol>
 *   <li>its EWS URL's host is one of Microsoft's Exchange Online EWS hosts (any sign-in mode: Basic to
 *       those hosts is already refused, but the connection still needs moving), or
 *   <li>it signs in with OAuth and finds its host by Autodiscover: taken for Exchange Online, where
 *       Autodiscover with a Microsoft token leads; an on-premises server with hybrid modern
 *       authentication is given by its EWS URL instead, or
 *   <li>it signs in with OAuth to a host of its own whose tenant ID is a Microsoft initial domain
 *       ({@code *.onmicrosoft.com}, {@code *.onmicrosoft.us}, {@code *.partner.onmschina.cn}): a
 *       Microsoft 365 tenant named by the domain every Exchange Online tenant has. This is how the
 *       emulator's contoso tenant (and a test double or reverse proxy in front of Exchange Online) is
 *       reached.
 * </ol>
 *
 * OAuth to a host of its own with a tenant GUID or a custom domain is on-premises Exchange with hybrid
 * modern authentication: no notice. An on-premises connection that names its tenant by the
 * onmicrosoft.com domain is taken for Exchange Online; entering the tenant's GUID instead silences the
 * notice without changing what the sign-in does. Basic to a host of its own is Exchange Server.
 */
public final class EwsRetirement {
    public static final String CODE = "ews-retirement";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";

    /** The start of 1 October 2026: EWSEnabled's default turns to False in every tenant. */
    public static final Instant BLOCKED_FROM = Instant.parse("2026-10-01T00:00:00Z");
    /** The start of 1 April 2027: EWS in Exchange Online is gone, no exceptions. */
    public static final Instant SHUT_DOWN_FROM = Instant.parse("2027-04-01T00:00:00Z");

    /** Microsoft's Exchange Online EWS hosts beyond each cloud's own (see identity/README.md). */
    private static final Set<String> MICROSOFT_HOSTS = Stream.concat(
                    Arrays.stream(Cloud.values())
                            .map(c -> c.profile().ewsUrl().getHost().toLowerCase(Locale.ROOT)),
                    Stream.of("outlook.office.com", "outlook.com", "webmail.apps.mil"))
            .collect(Collectors.toUnmodifiableSet());

    private static final String HOW_TO_SWITCH = " Switch this connection to Microsoft Graph: give its app"
            + " registration the Microsoft Graph permissions Mail.ReadWrite and Mail.Send, grant admin consent,"
            + " then press Switch to Graph on the connection page. See \"Moving a connection from EWS to Graph\""
            + " in docs/microsoft-setup.md.";

    private static final String HOW_TO_SWITCH_FROM_BASIC = " Exchange Online and Microsoft Graph need OAuth:"
            + " register an app in Entra ID with the Microsoft Graph permissions Mail.ReadWrite and Mail.Send"
            + " (docs/microsoft-setup.md), change this connection's sign-in to OAuth, then press Switch to Graph"
            + " on the connection page.";

    /**
     * What the UI and the API show.
     *
     * @param code stable, for clients that react to it: {@value #CODE}
     * @param severity {@value #WARNING} or {@value #CRITICAL}
     */
    public record Notice(String code, String severity, String title, String text) {
        public Notice {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(text, "text");
        }

        public boolean critical() {
            return CRITICAL.equals(severity);
        }
    }

    private final Clock clock;
    private final Variables vars;

    public EwsRetirement(Clock clock, Variables vars) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.vars = Objects.requireNonNull(vars, "vars");
    }

    /** Resolving ${env:NAME} fields from the server's environment. */
    public EwsRetirement(Clock clock) {
        this(clock, Variables.system());
    }

    /** The notice for {@code c} now, by the clock; empty when it does not reach Exchange Online over EWS. */
    public Optional<Notice> notice(Connection c) {
        return notice(c, clock.instant());
    }

    /** The notice for {@code c} at {@code now}. */
    public Optional<Notice> notice(Connection c, Instant now) {
        if (!exchangeOnlineOverEws(c)) {
            return Optional.empty();
        }
        String fix = c.signInMode().oauth() ? HOW_TO_SWITCH : HOW_TO_SWITCH_FROM_BASIC;
        if (now.isBefore(BLOCKED_FROM)) {
            return Optional.of(new Notice(
                    CODE,
                    WARNING,
                    "EWS in Exchange Online is being retired",
                    "This connection reaches Exchange Online over EWS. EWS in Exchange Online will be blocked by"
                            + " default from 1 October 2026 and shut down on 1 April 2027." + fix));
        }
        if (now.isBefore(SHUT_DOWN_FROM)) {
            long days = ChronoUnit.DAYS.between(
                    LocalDate.ofInstant(now, ZoneOffset.UTC), LocalDate.ofInstant(SHUT_DOWN_FROM, ZoneOffset.UTC));
            return Optional.of(new Notice(
                    CODE,
                    WARNING,
                    "EWS in Exchange Online shuts down on 1 April 2027: " + days + (days == 1 ? " day" : " days")
                            + " left",
                    "This connection reaches Exchange Online over EWS. EWS in Exchange Online has been blocked by"
                            + " default since 1 October 2026 and works only where the tenant's administrator"
                            + " re-enabled it for this app; it shuts down on 1 April 2027." + fix));
        }
        return Optional.of(new Notice(
                CODE,
                CRITICAL,
                "EWS in Exchange Online has been shut down",
                "This connection reaches Exchange Online over EWS, which Microsoft shut down on 1 April 2027: it"
                        + " cannot work until it is switched to Microsoft Graph." + fix));
    }

    /** Whether {@code c} reaches Exchange Online over EWS, by the rule in the class comment. */
    public boolean exchangeOnlineOverEws(Connection c) {
        if (c.transport() != Transport.EWS) {
            return false;
        }
        Optional<String> host = c.hostMode() == HostMode.SUPPLIED ? c.ewsUrl().flatMap(this::host) : Optional.empty();
        if (host.isPresent() && microsoftHost(host.get())) {
            return true;
        }
        if (!c.signInMode().oauth()) {
            return false;
        }
        if (c.hostMode() == HostMode.AUTODISCOVER) {
            return true;
        }
        // A host of its own (or a URL whose ${env:NAME} is not set here): the tenant ID tells.
        return c.tenantId()
                .flatMap(this::resolved)
                .map(EwsRetirement::initialDomain)
                .orElse(false);
    }

    static boolean microsoftHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        // *.outlook.com: the pod hosts (podNNNNN.outlook.com) of older Office 365 tenants.
        return MICROSOFT_HOSTS.contains(h) || h.endsWith(".outlook.com");
    }

    static boolean initialDomain(String tenant) {
        String t = tenant.strip().toLowerCase(Locale.ROOT);
        return t.endsWith(".onmicrosoft.com") || t.endsWith(".onmicrosoft.us") || t.endsWith(".partner.onmschina.cn");
    }

    private Optional<String> host(String url) {
        return resolved(url).flatMap(u -> {
            try {
                return Optional.ofNullable(URI.create(u.strip()).getHost());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The field's value with ${env:NAME} resolved; empty when the variable is not set. */
    private Optional<String> resolved(String value) {
        try {
            return Optional.of(vars.resolve("notice", value));
        } catch (ValidationException e) {
            return Optional.empty();
        }
    }
}
