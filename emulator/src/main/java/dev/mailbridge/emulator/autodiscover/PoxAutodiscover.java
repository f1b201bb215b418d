package dev.mailbridge.emulator.autodiscover;

import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.autodiscover.SafeXml.Element;
import dev.mailbridge.emulator.entra.EntraDirectory;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * POX Autodiscover ({@code POST /autodiscover/autodiscover.xml}) with the Outlook provider
 * (responseschema 2006a): settings with EXCH and EXPR protocols naming the emulator's EWS URL,
 * {@code redirectAddr}/{@code redirectUrl} actions, and Error responses with the documented codes
 * (500 address not found, 600 invalid request, 601 provider not available).
 */
final class PoxAutodiscover {
    static final String REQUEST_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    static final String RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    static final String OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSS");

    private PoxAutodiscover() {}

    static Reply handle(
            Element root,
            Endpoint endpoint,
            EntraDirectory directory,
            AutodiscoverSettings settings,
            EmulatorClock clock) {
        if (!root.is(REQUEST_NS, "Autodiscover")) {
            return error(
                    clock,
                    endpoint,
                    "600",
                    "Invalid Request",
                    "The document element must be Autodiscover in namespace " + REQUEST_NS + ".");
        }
        Element request = root.child(REQUEST_NS, "Request");
        String address = request == null ? null : request.childText(REQUEST_NS, "EMailAddress");
        String schema = request == null ? null : request.childText(REQUEST_NS, "AcceptableResponseSchema");
        if (address == null || address.isEmpty()) {
            return error(clock, endpoint, "600", "Invalid Request", "EMailAddress is missing.");
        }
        if (schema == null
                || !(schema.equals(OUTLOOK_NS) || schema.equals(OUTLOOK_NS.replace("http://", "https://")))) {
            return error(
                    clock,
                    endpoint,
                    "601",
                    "Provider is not available",
                    "Only the Outlook provider (" + OUTLOOK_NS + ") is emulated.");
        }
        AutodiscoverSettings.Redirect redirect = settings.redirectFor(address);
        if (redirect != null) {
            String action = redirect.isUrl()
                    ? "<Action>redirectUrl</Action><RedirectUrl>"
                            + SafeXml.escape(AutodiscoverService.withExtension(redirect.to(), ".xml"))
                            + "</RedirectUrl>"
                    : "<Action>redirectAddr</Action><RedirectAddr>"
                            + SafeXml.escape(redirect.targetAddress(address))
                            + "</RedirectAddr>";
            return Reply.xml(200, document("<Account><AccountType>email</AccountType>" + action + "</Account>"));
        }
        Mailbox mailbox = Mailbox.resolve(directory, address);
        if (mailbox == null) {
            return error(clock, endpoint, "500", "The email address can't be found.", null);
        }
        String ews = AutodiscoverService.ewsUrl(endpoint);
        String host = endpoint.baseUrl().getHost();
        String e = SafeXml.escape(ews);
        StringBuilder b = new StringBuilder();
        b.append("<User><DisplayName>")
                .append(SafeXml.escape(mailbox.displayName()))
                .append("</DisplayName>")
                .append("<LegacyDN>")
                .append(SafeXml.escape(mailbox.legacyDn()))
                .append("</LegacyDN>")
                .append("<AutoDiscoverSMTPAddress>")
                .append(SafeXml.escape(mailbox.smtp()))
                .append("</AutoDiscoverSMTPAddress>")
                .append("<DeploymentId>")
                .append(mailbox.tenant().id())
                .append("</DeploymentId></User>");
        b.append("<Account><AccountType>email</AccountType><Action>settings</Action>")
                .append("<MicrosoftOnline>")
                .append(mailbox.tenant().online() ? "True" : "False")
                .append("</MicrosoftOnline>");
        b.append("<Protocol><Type>EXCH</Type><Server>")
                .append(SafeXml.escape(mailbox.mailboxServer()))
                .append("</Server>")
                .append("<ServerDN>")
                .append(SafeXml.escape(mailbox.mailboxDn()))
                .append("</ServerDN>")
                .append("<ServerVersion>73C18880</ServerVersion>")
                .append("<ASUrl>")
                .append(e)
                .append("</ASUrl><EwsUrl>")
                .append(e)
                .append("</EwsUrl>")
                .append("<OOFUrl>")
                .append(e)
                .append("</OOFUrl></Protocol>");
        b.append("<Protocol><Type>EXPR</Type><Server>")
                .append(SafeXml.escape(host))
                .append("</Server>")
                .append("<SSL>On</SSL><AuthPackage>Basic</AuthPackage>")
                .append("<ASUrl>")
                .append(e)
                .append("</ASUrl><EwsUrl>")
                .append(e)
                .append("</EwsUrl>")
                .append("<OOFUrl>")
                .append(e)
                .append("</OOFUrl></Protocol>");
        b.append("</Account>");
        return Reply.xml(200, document(b.toString()));
    }

    private static String document(String outlookResponse) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"" + RESPONSE_NS + "\">"
                + "<Response xmlns=\"" + OUTLOOK_NS + "\">" + outlookResponse + "</Response></Autodiscover>";
    }

    /** An Error response; Exchange sends these with HTTP 200. */
    static Reply error(EmulatorClock clock, Endpoint endpoint, String code, String message, String debug) {
        String time = LocalTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(TIME);
        long id = Integer.toUnsignedLong(endpoint.baseUrl().getHost().hashCode());
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"" + RESPONSE_NS + "\">"
                + "<Response><Error Time=\"" + time + "\" Id=\"" + id + "\"><ErrorCode>" + code
                + "</ErrorCode><Message>" + SafeXml.escape(message) + "</Message>"
                + (debug == null ? "<DebugData />" : "<DebugData>" + SafeXml.escape(debug) + "</DebugData>")
                + "</Error></Response></Autodiscover>";
        return Reply.xml(200, body);
    }
}
