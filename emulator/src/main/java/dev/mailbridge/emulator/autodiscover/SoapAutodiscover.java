package dev.mailbridge.emulator.autodiscover;

import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.autodiscover.SafeXml.Element;
import dev.mailbridge.emulator.entra.EntraDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SOAP Autodiscover ({@code /autodiscover/autodiscover.svc}): the GetUserSettings operation, with
 * user-level errors (InvalidUser), redirects (RedirectAddress, RedirectUrl) and per-setting errors
 * (InvalidSetting, SettingIsNotAvailable), shaped like Microsoft's documented samples.
 */
final class SoapAutodiscover {
    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    static final String AUTOD = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    static final String WSA = "http://www.w3.org/2005/08/addressing";
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    static final String ACTION = AUTOD + "/Autodiscover/GetUserSettings";
    static final int MAX_USERS = 100;

    /** Settings the emulator answers. */
    static final Set<String> SUPPORTED = Set.of(
            "UserDisplayName",
            "UserDN",
            "UserDeploymentId",
            "InternalMailboxServer",
            "InternalRpcClientServer",
            "InternalMailboxServerDN",
            "MailboxDN",
            "ActiveDirectoryServer",
            "CasVersion",
            "EwsSupportedSchemas",
            "InternalEwsUrl",
            "ExternalEwsUrl",
            "ExternalEwsVersion",
            "ExternalMailboxServer",
            "ExternalMailboxServerRequiresSSL",
            "AutoDiscoverSMTPAddress",
            "GroupingInformation",
            "MapiHttpEnabled");

    /** Setting names Exchange knows (UserSettingName) that the emulator does not fill in. */
    static final Set<String> NOT_AVAILABLE = Set.of(
            "InternalWebClientUrls",
            "ExternalWebClientUrls",
            "InternalOABUrl",
            "ExternalOABUrl",
            "InternalUMUrl",
            "ExternalUMUrl",
            "InternalEcpUrl",
            "ExternalEcpUrl",
            "InternalEmwsUrl",
            "ExternalEmwsUrl",
            "InternalPop3Connections",
            "InternalImap4Connections",
            "InternalSmtpConnections",
            "ExternalPop3Connections",
            "ExternalImap4Connections",
            "ExternalSmtpConnections",
            "ExternalMailboxServerAuthenticationMethods",
            "EwsPartnerUrl",
            "CrossOrganizationSharingEnabled",
            "AlternateMailboxes",
            "DocumentSharingLocations",
            "PublicFolderServer",
            "PublicFolderInformation",
            "MobileMailboxPolicy",
            "ExternalPhotosUrl",
            "InternalPhotosUrl",
            "ExternalServerExclusiveConnect",
            "InternalServerExclusiveConnect",
            "MailboxVersion",
            "ActiveSyncEnabled",
            "InternalMailboxServerAuthenticationMethods",
            "ExternalEwsUrl2",
            "UserMSOnline");

    private SoapAutodiscover() {}

    /** The server version this tenant kind reports: MajorVersion, MinorVersion, builds, CasVersion text. */
    record Version(int major, int minor, int build, int minorBuild, String versionName) {
        String casVersion() {
            return String.format("%d.%02d.%04d.%03d", major, minor, build, minorBuild);
        }
    }

    static final Version ONLINE = new Version(15, 20, 8835, 29, "Exchange2015");
    static final Version ONPREM = new Version(15, 2, 1544, 4, "Exchange2015");
    static final String SCHEMAS = "Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, "
            + "Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2015, Exchange2016";

    static Reply handle(
            Element envelope,
            Endpoint endpoint,
            EntraDirectory directory,
            AutodiscoverSettings settings,
            Authenticator.Caller caller) {
        boolean soap12 = envelope.ns().equals(SOAP12);
        String soapNs = soap12 ? SOAP12 : SOAP11;
        if (!envelope.is(soapNs, "Envelope")) {
            return fault(false, "Client", "The request is not a SOAP envelope.");
        }
        Element body = envelope.child(soapNs, "Body");
        Element message = body == null || body.children().isEmpty()
                ? null
                : body.children().get(0);
        if (message == null) {
            return fault(soap12, "Client", "The SOAP body is empty.");
        }
        if (!message.is(AUTOD, "GetUserSettingsRequestMessage")) {
            return fault(
                    soap12,
                    "Client",
                    "The emulator's SOAP Autodiscover implements GetUserSettings only, not "
                            + message.name()
                            + " in namespace '"
                            + message.ns()
                            + "'.");
        }
        Version version = caller.tenant().online() ? ONLINE : ONPREM;
        Element request = message.child(AUTOD, "Request");
        Element users = request == null ? null : request.child(AUTOD, "Users");
        Element requested = request == null ? null : request.child(AUTOD, "RequestedSettings");
        List<String> mailboxes = new ArrayList<>();
        if (users != null) {
            for (Element user : users.children(AUTOD, "User")) {
                String m = user.childText(AUTOD, "Mailbox");
                mailboxes.add(m == null ? "" : m);
            }
        }
        List<String> names = new ArrayList<>();
        if (requested != null) {
            for (Element s : requested.children(AUTOD, "Setting")) {
                names.add(s.text().strip());
            }
        }
        if (mailboxes.isEmpty()) {
            return responseLevelError(soap12, version, "InvalidRequest", "No users were specified in the request.");
        }
        if (mailboxes.size() > MAX_USERS) {
            return responseLevelError(
                    soap12, version, "InvalidRequest", "The request contains more than " + MAX_USERS + " users.");
        }
        if (names.isEmpty()) {
            return responseLevelError(soap12, version, "InvalidRequest", "No settings were requested.");
        }
        StringBuilder out = new StringBuilder();
        out.append("<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>");
        for (String address : mailboxes) {
            out.append("<UserResponse>");
            userResponse(out, address, names, endpoint, directory, settings, version);
            out.append("</UserResponse>");
        }
        out.append("</UserResponses>");
        return soapReply(soap12, envelope(soap12, version, out.toString()));
    }

    private static void userResponse(
            StringBuilder out,
            String address,
            List<String> names,
            Endpoint endpoint,
            EntraDirectory directory,
            AutodiscoverSettings settings,
            Version version) {
        AutodiscoverSettings.Redirect redirect = settings.redirectFor(address);
        if (redirect != null) {
            if (redirect.isUrl()) {
                userError(
                        out,
                        "RedirectUrl",
                        "Redirection URL.",
                        AutodiscoverService.withExtension(redirect.to(), ".svc"));
            } else {
                userError(out, "RedirectAddress", "Redirection address.", redirect.targetAddress(address));
            }
            return;
        }
        Mailbox mailbox = Mailbox.resolve(directory, address);
        if (mailbox == null) {
            userError(out, "InvalidUser", "Invalid user: '" + address + "'", null);
            return;
        }
        Map<String, String> values = values(mailbox, endpoint, mailbox.tenant().online() ? ONLINE : ONPREM);
        StringBuilder errors = new StringBuilder();
        StringBuilder found = new StringBuilder();
        for (String name : new java.util.LinkedHashSet<>(names)) {
            String value = values.get(name);
            if (value != null) {
                found.append("<UserSetting i:type=\"StringSetting\"><Name>")
                        .append(SafeXml.escape(name))
                        .append("</Name><Value>")
                        .append(SafeXml.escape(value))
                        .append("</Value></UserSetting>");
            } else if (SUPPORTED.contains(name) || NOT_AVAILABLE.contains(name)) {
                errors.append(
                                "<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting '")
                        .append(SafeXml.escape(name))
                        .append("' is not available. </ErrorMessage><SettingName>")
                        .append(SafeXml.escape(name))
                        .append("</SettingName></UserSettingError>");
            } else {
                errors.append(
                                "<UserSettingError><ErrorCode>InvalidSetting</ErrorCode><ErrorMessage>The requested setting is invalid.</ErrorMessage><SettingName>")
                        .append(SafeXml.escape(name))
                        .append("</SettingName></UserSettingError>");
            }
        }
        out.append(
                "<ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil=\"true\"/>");
        out.append(errors.isEmpty() ? "<UserSettingErrors/>" : "<UserSettingErrors>" + errors + "</UserSettingErrors>");
        out.append("<UserSettings>").append(found).append("</UserSettings>");
    }

    /** Setting values for a mailbox reached through {@code endpoint}. */
    static Map<String, String> values(Mailbox mailbox, Endpoint endpoint, Version version) {
        String ews = AutodiscoverService.ewsUrl(endpoint);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("UserDisplayName", mailbox.displayName());
        v.put("UserDN", mailbox.legacyDn());
        v.put("UserDeploymentId", mailbox.tenant().id());
        v.put("InternalMailboxServer", mailbox.mailboxServer());
        v.put("InternalRpcClientServer", mailbox.mailboxServer());
        v.put("InternalMailboxServerDN", mailbox.mailboxDn());
        v.put("MailboxDN", mailbox.legacyDn() + "/cn=" + mailbox.mailboxServer());
        if (!mailbox.tenant().online()) {
            v.put("ActiveDirectoryServer", "dc1." + mailbox.tenant().domain());
        }
        v.put("CasVersion", version.casVersion());
        v.put("EwsSupportedSchemas", SCHEMAS);
        v.put("InternalEwsUrl", ews);
        v.put("ExternalEwsUrl", ews);
        v.put("ExternalEwsVersion", version.casVersion());
        v.put("ExternalMailboxServer", endpoint.baseUrl().getHost());
        v.put(
                "ExternalMailboxServerRequiresSSL",
                "https".equalsIgnoreCase(endpoint.baseUrl().getScheme()) ? "True" : "False");
        v.put("AutoDiscoverSMTPAddress", mailbox.smtp());
        v.put(
                "GroupingInformation",
                mailbox.tenant().online()
                        ? "EMULATOR-" + mailbox.tenant().cloud().id().toUpperCase()
                        : "Default-First-Site-Name");
        v.put("MapiHttpEnabled", "True");
        return v;
    }

    private static void userError(StringBuilder out, String code, String message, String target) {
        out.append("<ErrorCode>")
                .append(code)
                .append("</ErrorCode><ErrorMessage>")
                .append(SafeXml.escape(message))
                .append("</ErrorMessage>");
        out.append(
                target == null
                        ? "<RedirectTarget i:nil=\"true\"/>"
                        : "<RedirectTarget>" + SafeXml.escape(target) + "</RedirectTarget>");
        out.append("<UserSettingErrors/><UserSettings/>");
    }

    static Reply responseLevelError(boolean soap12, Version version, String code, String message) {
        String body = "<ErrorCode>" + code + "</ErrorCode><ErrorMessage>" + SafeXml.escape(message)
                + "</ErrorMessage><UserResponses/>";
        return soapReply(soap12, envelope(soap12, version, body));
    }

    private static Reply soapReply(boolean soap12, String body) {
        return soap12
                ? new Reply(200, "application/soap+xml; charset=utf-8", body, new LinkedHashMap<>())
                : Reply.xml(200, body);
    }

    private static String envelope(boolean soap12, Version version, String responseContent) {
        String s = soap12 ? SOAP12 : SOAP11;
        return "<s:Envelope xmlns:s=\"" + s + "\" xmlns:a=\"" + WSA + "\">"
                + "<s:Header><a:Action s:mustUnderstand=\"1\">" + ACTION + "Response</a:Action>"
                + "<h:ServerVersionInfo xmlns:h=\"" + AUTOD + "\" xmlns:i=\"" + XSI + "\">"
                + "<h:MajorVersion>" + version.major() + "</h:MajorVersion>"
                + "<h:MinorVersion>" + version.minor() + "</h:MinorVersion>"
                + "<h:MajorBuildNumber>" + version.build() + "</h:MajorBuildNumber>"
                + "<h:MinorBuildNumber>" + version.minorBuild() + "</h:MinorBuildNumber>"
                + "<h:Version>" + version.versionName() + "</h:Version></h:ServerVersionInfo></s:Header>"
                + "<s:Body><GetUserSettingsResponseMessage xmlns=\"" + AUTOD + "\">"
                + "<Response xmlns:i=\"" + XSI + "\">" + responseContent + "</Response>"
                + "</GetUserSettingsResponseMessage></s:Body></s:Envelope>";
    }

    /** A SOAP fault (HTTP 500, as WCF sends them) for requests that are not GetUserSettings at all. */
    static Reply fault(boolean soap12, String code, String reason) {
        String body;
        if (soap12) {
            body = "<s:Envelope xmlns:s=\"" + SOAP12 + "\"><s:Body><s:Fault><s:Code><s:Value>s:"
                    + (code.equals("Client") ? "Sender" : "Receiver")
                    + "</s:Value></s:Code><s:Reason><s:Text xml:lang=\"en-US\">" + SafeXml.escape(reason)
                    + "</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>";
            return new Reply(500, "application/soap+xml; charset=utf-8", body, new LinkedHashMap<>());
        }
        body = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><s:Fault><faultcode>s:" + code
                + "</faultcode><faultstring xml:lang=\"en-US\">" + SafeXml.escape(reason)
                + "</faultstring></s:Fault></s:Body></s:Envelope>";
        return Reply.xml(500, body);
    }
}
