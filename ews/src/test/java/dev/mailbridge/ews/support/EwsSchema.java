package dev.mailbridge.ews.support;

import dev.mailbridge.ews.RequestObserver;
import dev.mailbridge.ews.xml.Ns;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Microsoft's EWS schema (messages.xsd + types.xsd from {@code ews.schema.dir}), compiled once. Validates
 * the SOAP Body's child and the SOAP headers of every request the client writes.
 */
public final class EwsSchema {
    private static volatile Schema schema;

    private EwsSchema() {}

    public static Schema schema() {
        Schema s = schema;
        if (s == null) {
            synchronized (EwsSchema.class) {
                s = schema;
                if (s == null) {
                    String dir = System.getProperty("ews.schema.dir", "../../shared/ews-schema");
                    Path messages = Path.of(dir, "messages.xsd");
                    if (!Files.exists(messages)) {
                        throw new IllegalStateException("EWS schema not found at " + messages.toAbsolutePath());
                    }
                    try {
                        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
                        s = f.newSchema(messages.toFile());
                    } catch (Exception e) {
                        throw new IllegalStateException("Could not compile the EWS schema", e);
                    }
                    schema = s;
                }
            }
        }
        return s;
    }

    /** Validates one SOAP request envelope; throws AssertionError with the schema's message if invalid. */
    public static String validateEnvelope(byte[] envelope) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(envelope));
        } catch (Exception e) {
            throw new AssertionError("Request is not well-formed XML: " + e.getMessage(), e);
        }
        Element env = doc.getDocumentElement();
        if (!Ns.SOAP.equals(env.getNamespaceURI()) || !"Envelope".equals(env.getLocalName())) {
            throw new AssertionError("Request root is not soap:Envelope");
        }
        String operation = null;
        Validator v = schema().newValidator();
        for (Node part = env.getFirstChild(); part != null; part = part.getNextSibling()) {
            if (!(part instanceof Element section)) {
                continue;
            }
            for (Node n = section.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    if ("Body".equals(section.getLocalName())) {
                        operation = e.getLocalName();
                    }
                    try {
                        v.validate(new DOMSource(e));
                    } catch (Exception ex) {
                        throw new AssertionError(
                                "Request element " + e.getLocalName() + " violates the EWS schema: " + ex.getMessage()
                                        + "\n" + new String(envelope, java.nio.charset.StandardCharsets.UTF_8),
                                ex);
                    }
                }
            }
        }
        if (operation == null) {
            throw new AssertionError("SOAP body is empty");
        }
        return operation;
    }

    /**
     * Validates a response document: the EWS elements of its SOAP header and body (a soap:Fault is not
     * EWS's to describe). Throws AssertionError with the schema's message if one is invalid.
     */
    public static void validateResponse(String operation, byte[] envelope) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(envelope));
        } catch (Exception e) {
            throw new AssertionError(operation + " response is not well-formed XML: " + e.getMessage(), e);
        }
        Validator v = schema().newValidator();
        for (Node part = doc.getDocumentElement().getFirstChild(); part != null; part = part.getNextSibling()) {
            for (Node n = part.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && (Ns.M.equals(e.getNamespaceURI()) || Ns.T.equals(e.getNamespaceURI()))) {
                    try {
                        v.validate(new DOMSource(e));
                    } catch (Exception ex) {
                        throw new AssertionError(
                                operation + " response element " + e.getLocalName() + " violates the EWS schema: "
                                        + ex.getMessage(),
                                ex);
                    }
                }
            }
        }
    }

    /** An observer validating every request and every response; remembers the operations it validated. */
    public static final class Validating implements RequestObserver {
        private final List<String> validated = new CopyOnWriteArrayList<>();
        private final List<String> validatedResponses = new CopyOnWriteArrayList<>();
        private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

        @Override
        public void onRequest(String operation, Map<String, String> requestHeaders, byte[] envelope) {
            String inBody = validateEnvelope(envelope);
            if (!inBody.equals(operation)) {
                throw new AssertionError("Operation " + operation + " wrote <" + inBody + ">");
            }
            if (requestHeaders.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
                throw new AssertionError("Authorization must not reach observers");
            }
            validated.add(operation);
            headers.add(requestHeaders);
        }

        @Override
        public boolean observesResponses() {
            return true;
        }

        @Override
        public void onResponse(String operation, int httpStatus, byte[] envelope) {
            validateResponse(operation, envelope);
            validatedResponses.add(operation);
        }

        public List<String> validated() {
            return validated;
        }

        /** Operations whose responses were validated. */
        public List<String> validatedResponses() {
            return validatedResponses;
        }

        public List<Map<String, String>> headers() {
            return headers;
        }
    }
}
