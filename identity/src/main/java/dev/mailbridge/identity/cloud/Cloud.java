package dev.mailbridge.identity.cloud;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Microsoft's clouds with their endpoints, as listed in identity/README.md (with sources). The DoD and
 * China Exchange resources rest on third-party evidence only and are flagged as unverified.
 */
public enum Cloud {
    GLOBAL(new CloudProfile(
            "global",
            "Global (including Microsoft 365 GCC)",
            URI.create("https://login.microsoftonline.com"),
            URI.create("https://outlook.office365.com/EWS/Exchange.asmx"),
            "https://outlook.office365.com",
            "https://outlook.office.com",
            URI.create("https://graph.microsoft.com"),
            "outlook.office365.com",
            "smtp.office365.com",
            true)),
    US_GOV_HIGH(new CloudProfile(
            "usgov-high",
            "US Government GCC High",
            URI.create("https://login.microsoftonline.us"),
            URI.create("https://outlook.office365.us/EWS/Exchange.asmx"),
            "https://outlook.office365.us",
            "https://outlook.office365.us",
            URI.create("https://graph.microsoft.us"),
            "outlook.office365.us",
            "smtp.office365.us",
            true)),
    US_GOV_DOD(new CloudProfile(
            "usgov-dod",
            "US Government DoD",
            URI.create("https://login.microsoftonline.us"),
            URI.create("https://outlook-dod.office365.us/EWS/Exchange.asmx"),
            "https://outlook-dod.office365.us",
            "https://outlook-dod.office365.us",
            URI.create("https://dod-graph.microsoft.us"),
            "outlook-dod.office365.us",
            "outlook-dod.office365.us",
            false)),
    CHINA(new CloudProfile(
            "china",
            "China (operated by 21Vianet)",
            URI.create("https://login.partner.microsoftonline.cn"),
            URI.create("https://partner.outlook.cn/EWS/Exchange.asmx"),
            "https://partner.outlook.cn",
            "https://partner.outlook.cn",
            URI.create("https://microsoftgraph.chinacloudapi.cn"),
            "partner.outlook.cn",
            "smtp.partner.outlook.cn",
            false));

    private final CloudProfile profile;

    Cloud(CloudProfile profile) {
        this.profile = profile;
    }

    public CloudProfile profile() {
        return profile;
    }

    /** By short name (global, usgov-high, usgov-dod, china) or constant name, case-insensitive. */
    public static Cloud fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(c -> c.profile.id().equals(wanted) || c.name().equalsIgnoreCase(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "Unknown cloud '" + id + "'; use one of global, usgov-high, usgov-dod, china."));
    }

    /** The cloud whose sign-in host this is (login.chinacloudapi.cn counts as China too). */
    static Optional<Cloud> byLoginHost(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("login.chinacloudapi.cn")) {
            return Optional.of(CHINA);
        }
        return Arrays.stream(values())
                .filter(c -> c.profile.authorityBase().getHost().equals(h))
                .findFirst();
    }
}
