package dev.mailbridge.emulator.exchange;

/** A request-level failure answered with a SOAP fault in HTTP 500 (schema errors, throttling, impersonation). */
final class SoapFault extends Exception {
    final String code;
    final String faultCode;
    final String messageXml;

    SoapFault(String code, String text, String messageXml) {
        this(code, "a:" + code, text, messageXml);
    }

    SoapFault(String code, String faultCode, String text, String messageXml) {
        super(text, null, false, false);
        this.code = code;
        this.faultCode = faultCode;
        this.messageXml = messageXml;
    }

    static SoapFault schema(String violation, int line, int column) {
        return new SoapFault(
                "ErrorSchemaValidation",
                "The request failed schema validation: " + violation,
                "<t:LineNumber>" + line + "</t:LineNumber><t:LinePosition>" + column + "</t:LinePosition><t:Violation>"
                        + Xml.esc(violation) + "</t:Violation>");
    }

    static SoapFault schema(String violation, Xml.El at) {
        return schema(violation, at == null ? 0 : at.line, at == null ? 0 : at.column);
    }

    String toXml() {
        StringBuilder b = new StringBuilder("<s:Fault><faultcode xmlns:a=\"")
                .append(Xml.T)
                .append("\">")
                .append(faultCode)
                .append("</faultcode><faultstring xml:lang=\"en-US\">")
                .append(Xml.esc(getMessage()))
                .append("</faultstring><detail><e:ResponseCode xmlns:e=\"")
                .append(Xml.E)
                .append("\">")
                .append(code)
                .append("</e:ResponseCode><e:Message xmlns:e=\"")
                .append(Xml.E)
                .append("\">")
                .append(Xml.esc(getMessage()))
                .append("</e:Message>");
        if (messageXml != null) {
            b.append("<t:MessageXml xmlns:t=\"")
                    .append(Xml.T)
                    .append("\">")
                    .append(messageXml)
                    .append("</t:MessageXml>");
        }
        return b.append("</detail></s:Fault>").toString();
    }
}
