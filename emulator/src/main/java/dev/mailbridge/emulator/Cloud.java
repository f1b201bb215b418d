package dev.mailbridge.emulator;

/**
 * The national clouds the emulator can answer as. Each cloud gets its own listener (port), so a
 * client configured for the wrong cloud reaches a directory that does not know its tenant, exactly
 * as it would at Microsoft. Hosts and resources follow Microsoft's national-cloud pages; see
 * docs/clouds.md for sources. The emulator keeps its own copy of these facts on purpose: it shares
 * no code with the client modules, so a misreading in one is not mirrored in the other.
 */
public enum Cloud {
    GLOBAL(
            "global",
            "Global (including Microsoft 365 GCC)",
            "login.microsoftonline.com",
            "microsoftonline.com",
            "graph.microsoft.com",
            "https://outlook.office365.com",
            "https://outlook.office.com",
            "WW"),
    USGOV(
            "usgov",
            "US Government GCC High",
            "login.microsoftonline.us",
            "microsoftonline.us",
            "graph.microsoft.us",
            "https://outlook.office365.us",
            "https://outlook.office365.us",
            "USGov"),
    DOD(
            "dod",
            "US Government DoD",
            "login.microsoftonline.us",
            "microsoftonline.us",
            "dod-graph.microsoft.us",
            "https://outlook-dod.office365.us",
            "https://outlook-dod.office365.us",
            "USGov"),
    CHINA(
            "china",
            "China (operated by 21Vianet)",
            "login.partner.microsoftonline.cn",
            "partner.microsoftonline.cn",
            "microsoftgraph.chinacloudapi.cn",
            "https://partner.outlook.cn",
            "https://partner.outlook.cn",
            "China");

    /** Exchange Online's resource application ID, the same in every cloud. */
    public static final String EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
    /** Microsoft Graph's resource application ID, the same in every cloud. */
    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

    private final String id;
    private final String displayName;
    private final String loginHost;
    private final String cloudInstanceName;
    private final String graphHost;
    private final String exchangeResource;
    private final String outlookDelegatedResource;
    private final String tenantRegionScope;

    Cloud(
            String id,
            String displayName,
            String loginHost,
            String cloudInstanceName,
            String graphHost,
            String exchangeResource,
            String outlookDelegatedResource,
            String tenantRegionScope) {
        this.id = id;
        this.displayName = displayName;
        this.loginHost = loginHost;
        this.cloudInstanceName = cloudInstanceName;
        this.graphHost = graphHost;
        this.exchangeResource = exchangeResource;
        this.outlookDelegatedResource = outlookDelegatedResource;
        this.tenantRegionScope = tenantRegionScope;
    }

    /** Short name used in configuration files, URLs and the describe file: global, usgov, dod, china. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** The real login host this cloud stands in for, e.g. login.microsoftonline.us. */
    public String loginHost() {
        return loginHost;
    }

    /** The {@code cloud_instance_name} Entra publishes in its OpenID metadata. */
    public String cloudInstanceName() {
        return cloudInstanceName;
    }

    /** The {@code msgraph_host} Entra publishes, e.g. graph.microsoft.us. */
    public String graphHost() {
        return graphHost;
    }

    /** Microsoft Graph's resource (token audience), e.g. https://graph.microsoft.com. */
    public String graphResource() {
        return "https://" + graphHost;
    }

    /** Exchange Online's resource for EWS and app-only IMAP/POP/SMTP, e.g. https://outlook.office365.com. */
    public String exchangeResource() {
        return exchangeResource;
    }

    /** The resource Microsoft documents for delegated IMAP/POP/SMTP scopes, e.g. https://outlook.office.com. */
    public String outlookDelegatedResource() {
        return outlookDelegatedResource;
    }

    public String tenantRegionScope() {
        return tenantRegionScope;
    }

    /** Looks a cloud up by its short name (case-insensitive); also accepts the enum constant's name. */
    public static Cloud fromId(String id) {
        for (Cloud cloud : values()) {
            if (cloud.id.equalsIgnoreCase(id) || cloud.name().equalsIgnoreCase(id)) {
                return cloud;
            }
        }
        throw new IllegalArgumentException("Unknown cloud '" + id + "'; use one of global, usgov, dod, china.");
    }
}
