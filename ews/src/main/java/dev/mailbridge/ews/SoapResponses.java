package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.error.EwsSoapFaultException;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.Ns;
import dev.mailbridge.ews.xml.XmlIn;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads SOAP response envelopes: ServerVersionInfo, the operation's response or a Fault. Used by
 * {@link EwsClient}; public so a response can be parsed without HTTP (benchmarks, replaying captures).
 */
public final class SoapResponses {
    private SoapResponses() {}

    /**
     * Parses one complete response document for {@code op}.
     *
     * @throws EwsResponseException for a SOAP fault
     */
    public static <R> R parse(EwsXml xml, EwsOperation<R> op, InputStream body) {
        try (XmlIn in = xml.read(body)) {
            if (!in.nextStart()) {
                throw new EwsProtocolException("The response is empty.", 0, null);
            }
            return readEnvelope(in, op, new ResponseContext(200));
        }
    }

    /** Reads Envelope, Header (ServerVersionInfo), Body, then the operation's response or a Fault. */
    public static <R> R readEnvelope(XmlIn in, EwsOperation<R> op, ResponseContext ctx) {
        if (!in.is(Ns.SOAP, "Envelope")) {
            throw new EwsProtocolException(
                    "The response is not a SOAP envelope (root element <" + in.localName() + "> in namespace '"
                            + in.namespace() + "').",
                    ctx.httpStatus(),
                    null);
        }
        R result = null;
        boolean found = false;
        int d = in.depth();
        while (in.nextChild(d)) {
            if (in.is(Ns.SOAP, "Header")) {
                int dh = in.depth();
                while (in.nextChild(dh)) {
                    if (in.is(Ns.T, "ServerVersionInfo")) {
                        ctx.serverVersion(in.attr("MajorVersion") + "." + in.attr("MinorVersion") + "."
                                + in.attr("MajorBuildNumber") + "." + in.attr("MinorBuildNumber") + " "
                                + in.attr("Version"));
                    }
                    in.skip();
                }
            } else if (in.is(Ns.SOAP, "Body")) {
                int db = in.depth();
                while (in.nextChild(db)) {
                    if (in.is(Ns.SOAP, "Fault")) {
                        throw readFault(in, ctx.httpStatus());
                    } else if (in.is(Ns.M, op.responseElement())) {
                        result = op.readResponse(in, ctx);
                        found = true;
                    } else {
                        throw new EwsProtocolException(
                                "Expected " + op.responseElement() + ", Exchange sent <" + in.localName() + ">.",
                                ctx.httpStatus(),
                                null);
                    }
                }
            } else {
                in.skip();
            }
        }
        if (!found) {
            throw new EwsProtocolException(
                    "The SOAP body has no " + op.responseElement() + ".", ctx.httpStatus(), null);
        }
        return result;
    }

    static EwsResponseException readFault(XmlIn in, int status) {
        String faultCode = null;
        String faultString = null;
        String responseCode = null;
        Map<String, String> details = new HashMap<>();
        int d = in.depth();
        while (in.nextChild(d)) {
            switch (in.localName()) {
                case "faultcode" -> faultCode = in.text().trim();
                case "faultstring" -> faultString = in.text();
                case "detail" -> {
                    int dd = in.depth();
                    while (in.nextChild(dd)) {
                        switch (in.localName()) {
                            case "ResponseCode" -> responseCode = in.text().trim();
                            case "Message" -> details.put("Message", in.text());
                            case "MessageXml" -> details.putAll(dev.mailbridge.ews.ops.Wire.messageXml(in));
                            default -> in.skip();
                        }
                    }
                }
                default -> in.skip();
            }
        }
        if (responseCode == null && faultCode != null && faultCode.contains(":Error")) {
            responseCode = faultCode.substring(faultCode.indexOf(':') + 1);
        }
        if ("ErrorServerBusy".equals(responseCode)) {
            return EwsResponseException.of(responseCode, faultString, details, status);
        }
        return new EwsSoapFaultException(faultCode, faultString, responseCode, details, status);
    }
}
