package dev.mailbridge.emulator.exchange;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Validates the SOAP Body's child of EWS requests and responses against Microsoft's messages.xsd/types.xsd. */
public final class EwsSchemaValidator {
    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    private static Schema schema;

    private EwsSchemaValidator() {}

    static synchronized Schema schema() throws Exception {
        if (schema == null) {
            String dir = System.getProperty("ews.schema.dir");
            if (dir == null) {
                throw new IllegalStateException("System property ews.schema.dir is not set");
            }
            SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            schema = f.newSchema(Path.of(dir, "messages.xsd").toFile());
        }
        return schema;
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The SOAP Body's first child element. */
    static Element bodyChild(Document doc) {
        Element env = doc.getDocumentElement();
        for (Node n = env.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Body".equals(e.getLocalName()) && SOAP.equals(e.getNamespaceURI())) {
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c instanceof Element ce) {
                        return ce;
                    }
                }
            }
        }
        throw new AssertionError("No SOAP Body child in:\n" + doc);
    }

    /** Validates the Body's child (unless it is a SOAP Fault, which the EWS schema does not describe). */
    public static Document validateEnvelope(String xml) throws Exception {
        Document doc = parse(xml);
        Element child = bodyChild(doc);
        if ("Fault".equals(child.getLocalName()) && SOAP.equals(child.getNamespaceURI())) {
            return doc;
        }
        Validator v = schema().newValidator();
        try {
            v.validate(new DOMSource(child));
        } catch (Exception e) {
            throw new AssertionError("Schema violation: " + e.getMessage() + "\n" + xml, e);
        }
        return doc;
    }

    /**
     * Exchange (and the EWS Managed API that reads it) puts {@code Notification} inside
     * GetStreamingEventsResponseMessage/Notifications and {@code SubscriptionId} inside
     * ErrorSubscriptionIds in the messages namespace, while Microsoft's XSD declares them in the
     * types namespace. Rewrites those two to the XSD's form so the rest can be validated.
     */
    static String streamingErratum(String xml) {
        if (!xml.contains("GetStreamingEventsResponse")) {
            return xml;
        }
        String out =
                xml.replace("<m:Notification>", "<t:Notification>").replace("</m:Notification>", "</t:Notification>");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<m:ErrorSubscriptionIds>(.*?)</m:ErrorSubscriptionIds>")
                .matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    b,
                    java.util.regex.Matcher.quoteReplacement(
                            "<m:ErrorSubscriptionIds>" + m.group(1).replace("m:SubscriptionId>", "t:SubscriptionId>")
                                    + "</m:ErrorSubscriptionIds>"));
        }
        m.appendTail(b);
        return b.toString();
    }
}
