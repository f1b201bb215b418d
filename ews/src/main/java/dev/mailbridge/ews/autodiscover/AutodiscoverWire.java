package dev.mailbridge.ews.autodiscover;

import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.XmlOut;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLStreamWriter2;

/** Request bodies and response parsing for SOAP (GetUserSettings) and POX Autodiscover. */
final class AutodiscoverWire {
    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";
    static final String AD_NS = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    static final String WSA_NS = "http://www.w3.org/2005/08/addressing";
    static final String ACTION = "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";
    static final String POX_REQUEST_NS =
            "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    static final String POX_RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    static final String POX_OUTLOOK_NS =
            "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    /** The user settings asked for with SOAP. */
    static final List<String> SETTINGS = List.of(
            "UserDisplayName",
            "AutoDiscoverSMTPAddress",
            "InternalEwsUrl",
            "ExternalEwsUrl",
            "EwsSupportedSchemas",
            "CasVersion",
            "UserDeploymentId",
            "GroupingInformation");

    /** What one Autodiscover answer said. */
    sealed interface Answer {}

    record Found(String mailbox, URI internal, URI external, String displayName, Map<String, String> settings)
            implements Answer {}

    record RedirectAddress(String address) implements Answer {}

    record RedirectUrl(String url) implements Answer {}

    record Failed(String why) implements Answer {}

    private AutodiscoverWire() {}

    static byte[] soapRequest(EwsXml xml, URI to, String mailbox) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        XmlOut out = xml.write(bytes);
        XMLStreamWriter2 w = out.raw();
        try {
            w.writeStartDocument("UTF-8", "1.0");
            w.setPrefix("soap", SOAP_NS);
            w.setPrefix("a", AD_NS);
            w.setPrefix("wsa", WSA_NS);
            w.writeStartElement("soap", "Envelope", SOAP_NS);
            w.writeNamespace("soap", SOAP_NS);
            w.writeNamespace("a", AD_NS);
            w.writeNamespace("wsa", WSA_NS);
            w.writeStartElement("soap", "Header", SOAP_NS);
            element(w, "a", AD_NS, "RequestedServerVersion", "Exchange2013");
            element(w, "wsa", WSA_NS, "Action", ACTION);
            element(w, "wsa", WSA_NS, "To", to.toString());
            w.writeEndElement();
            w.writeStartElement("soap", "Body", SOAP_NS);
            w.writeStartElement("a", "GetUserSettingsRequestMessage", AD_NS);
            w.writeStartElement("a", "Request", AD_NS);
            w.writeStartElement("a", "Users", AD_NS);
            w.writeStartElement("a", "User", AD_NS);
            element(w, "a", AD_NS, "Mailbox", mailbox);
            w.writeEndElement();
            w.writeEndElement();
            w.writeStartElement("a", "RequestedSettings", AD_NS);
            for (String s : SETTINGS) {
                element(w, "a", AD_NS, "Setting", s);
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.flush();
            out.close();
        } catch (XMLStreamException e) {
            throw new EwsProtocolException("Writing the Autodiscover request failed: " + e.getMessage(), 0, e);
        }
        return bytes.toByteArray();
    }

    static byte[] poxRequest(EwsXml xml, String mailbox) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        XmlOut out = xml.write(bytes);
        XMLStreamWriter2 w = out.raw();
        try {
            w.writeStartDocument("UTF-8", "1.0");
            w.setDefaultNamespace(POX_REQUEST_NS);
            w.writeStartElement("", "Autodiscover", POX_REQUEST_NS);
            w.writeDefaultNamespace(POX_REQUEST_NS);
            w.writeStartElement("", "Request", POX_REQUEST_NS);
            element(w, "", POX_REQUEST_NS, "EMailAddress", mailbox);
            element(w, "", POX_REQUEST_NS, "AcceptableResponseSchema", POX_OUTLOOK_NS);
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.flush();
            out.close();
        } catch (XMLStreamException e) {
            throw new EwsProtocolException("Writing the Autodiscover request failed: " + e.getMessage(), 0, e);
        }
        return bytes.toByteArray();
    }

    private static void element(XMLStreamWriter2 w, String prefix, String ns, String local, String text)
            throws XMLStreamException {
        w.writeStartElement(prefix, local, ns);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    static Answer parseSoap(XmlTree root) {
        if (!root.name.equals("Envelope") || !(root.ns.equals(SOAP_NS) || root.ns.equals(SOAP12_NS))) {
            return new Failed("not a SOAP envelope (<" + root.name + ">)");
        }
        XmlTree body = root.child("Body");
        if (body == null) {
            return new Failed("SOAP envelope without a Body");
        }
        XmlTree fault = body.child("Fault");
        if (fault != null) {
            String reason = fault.text("faultstring");
            if (reason == null) {
                reason = fault.text("Reason", "Text");
            }
            return new Failed("SOAP fault: " + (reason == null ? "(no reason)" : reason));
        }
        XmlTree response = body.path("GetUserSettingsResponseMessage", "Response");
        if (response == null || !response.ns.equals(AD_NS)) {
            return new Failed("no GetUserSettingsResponseMessage in the SOAP body");
        }
        String code = response.text("ErrorCode");
        if (code != null && !code.equals("NoError")) {
            return new Failed("ErrorCode " + code + message(response.text("ErrorMessage")));
        }
        XmlTree user = response.path("UserResponses", "UserResponse");
        if (user == null) {
            return new Failed("no UserResponse");
        }
        String userCode = user.text("ErrorCode");
        String target = user.text("RedirectTarget");
        if ("RedirectAddress".equals(userCode)) {
            return target == null ? new Failed("RedirectAddress without a target") : new RedirectAddress(target);
        }
        if ("RedirectUrl".equals(userCode)) {
            return target == null ? new Failed("RedirectUrl without a target") : new RedirectUrl(target);
        }
        if (userCode != null && !userCode.equals("NoError")) {
            return new Failed("ErrorCode " + userCode + message(user.text("ErrorMessage")));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        XmlTree list = user.child("UserSettings");
        if (list != null) {
            for (XmlTree s : list.all("UserSetting")) {
                String name = s.text("Name");
                String value = s.text("Value");
                if (name != null && value != null) {
                    settings.put(name, value);
                }
            }
        }
        return found(
                settings.get("AutoDiscoverSMTPAddress"),
                settings.get("InternalEwsUrl"),
                settings.get("ExternalEwsUrl"),
                settings.get("UserDisplayName"),
                settings);
    }

    static Answer parsePox(XmlTree root) {
        if (!root.name.equals("Autodiscover") || !root.ns.equals(POX_RESPONSE_NS)) {
            return new Failed("not a POX Autodiscover response (<" + root.name + "> in " + root.ns + ")");
        }
        XmlTree response = root.child("Response");
        if (response == null) {
            return new Failed("POX response without <Response>");
        }
        XmlTree error = response.child("Error");
        if (error != null) {
            return new Failed("POX error " + error.text("ErrorCode") + message(error.text("Message")));
        }
        XmlTree account = response.child("Account");
        if (account == null) {
            return new Failed("POX response without <Account>");
        }
        String action = account.text("Action");
        if ("redirectAddr".equalsIgnoreCase(action)) {
            String a = account.text("RedirectAddr");
            return a == null ? new Failed("redirectAddr without an address") : new RedirectAddress(a);
        }
        if ("redirectUrl".equalsIgnoreCase(action)) {
            String u = account.text("RedirectUrl");
            return u == null ? new Failed("redirectUrl without a URL") : new RedirectUrl(u);
        }
        if (action != null && !"settings".equalsIgnoreCase(action)) {
            return new Failed("unknown POX Action " + action);
        }
        String internal = null;
        String external = null;
        for (XmlTree p : account.all("Protocol")) {
            String type = String.valueOf(p.text("Type")).toUpperCase(Locale.ROOT);
            String url = p.text("EwsUrl") != null ? p.text("EwsUrl") : p.text("ASUrl");
            if (type.equals("EXCH") && internal == null) {
                internal = url;
            } else if (type.equals("EXPR") && external == null) {
                external = url;
            }
        }
        return found(
                response.text("User", "AutoDiscoverSMTPAddress"),
                internal,
                external,
                response.text("User", "DisplayName"),
                Map.of());
    }

    private static Answer found(
            String mailbox, String internal, String external, String displayName, Map<String, String> settings) {
        URI in = httpsUri(internal);
        URI ex = httpsUri(external);
        if (in == null && ex == null) {
            return new Failed(
                    internal == null && external == null
                            ? "the answer names no EWS URL"
                            : "the EWS URL in the answer is not an https URL");
        }
        return new Found(mailbox, in, ex, displayName, settings);
    }

    static URI httpsUri(String s) {
        if (s == null) {
            return null;
        }
        try {
            URI u = new URI(s.trim());
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null ? u : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String message(String m) {
        return m == null ? "" : " (" + m + ")";
    }
}
