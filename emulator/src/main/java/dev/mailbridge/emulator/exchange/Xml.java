package dev.mailbridge.emulator.exchange;

import com.ctc.wstx.stax.WstxInputFactory;
import dev.mailbridge.emulator.server.HardenedXml;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Safe XML reading for EWS requests: Woodstox with DTDs, external entities and entity expansion off,
 * and limits on depth, element count, attribute and text sizes. The result is a small element tree
 * that keeps each element's line and column for ErrorSchemaValidation faults.
 */
final class Xml {
    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    static final String E = "http://schemas.microsoft.com/exchange/services/2006/errors";

    private static final WstxInputFactory FACTORY = HardenedXml.inputFactory(96 * 1024 * 1024);

    private Xml() {}

    /** A request document could not be read; line and column point at the problem. */
    static final class XmlException extends Exception {
        final int line;
        final int column;

        XmlException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }

    /** One element: namespace, local name, attributes (unqualified names), children and text. */
    static final class El {
        final String ns;
        final String name;
        final Map<String, String> attrs = new LinkedHashMap<>();
        final List<El> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final int line;
        final int column;

        El(String ns, String name, int line, int column) {
            this.ns = ns == null ? "" : ns;
            this.name = name;
            this.line = line;
            this.column = column;
        }

        String attr(String name) {
            return attrs.get(name);
        }

        String text() {
            return text.toString().trim();
        }

        /** First child with this local name (any namespace), or null. */
        El child(String local) {
            for (El c : children) {
                if (c.name.equals(local)) {
                    return c;
                }
            }
            return null;
        }

        List<El> all(String local) {
            List<El> out = new ArrayList<>();
            for (El c : children) {
                if (c.name.equals(local)) {
                    out.add(c);
                }
            }
            return out;
        }

        String childText(String local) {
            El c = child(local);
            return c == null ? null : c.text();
        }

        El first() {
            return children.isEmpty() ? null : children.get(0);
        }
    }

    static El parse(byte[] body) throws XmlException {
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            List<El> stack = new ArrayList<>();
            El root = null;
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.DTD -> {
                        Location l = r.getLocation();
                        throw new XmlException(
                                "DTDs are not allowed in EWS requests.", l.getLineNumber(), l.getColumnNumber());
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> {
                        Location l = r.getLocation();
                        throw new XmlException(
                                "Entity references are not allowed in EWS requests.",
                                l.getLineNumber(),
                                l.getColumnNumber());
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        Location l = r.getLocation();
                        El el = new El(r.getNamespaceURI(), r.getLocalName(), l.getLineNumber(), l.getColumnNumber());
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            String ans = r.getAttributeNamespace(i);
                            String key = ans == null || ans.isEmpty()
                                    ? r.getAttributeLocalName(i)
                                    : "{" + ans + "}" + r.getAttributeLocalName(i);
                            el.attrs.put(key, r.getAttributeValue(i));
                        }
                        if (stack.isEmpty()) {
                            root = el;
                        } else {
                            stack.get(stack.size() - 1).children.add(el);
                        }
                        stack.add(el);
                    }
                    case XMLStreamConstants.END_ELEMENT -> stack.remove(stack.size() - 1);
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!stack.isEmpty()) {
                            stack.get(stack.size() - 1).text.append(r.getText());
                        }
                    }
                    default -> {}
                }
            }
            if (root == null) {
                throw new XmlException("The request has no root element.", 1, 1);
            }
            return root;
        } catch (XMLStreamException e) {
            Location l = e.getLocation();
            String msg = e.getMessage() == null ? "Malformed XML." : e.getMessage();
            int nl = msg.indexOf('\n');
            if (msg.startsWith("ParseError at") && nl > 0) {
                msg = msg.substring(nl + 1);
            }
            int at = msg.indexOf("\n at [");
            if (at > 0) {
                msg = msg.substring(0, at);
            }
            throw new XmlException(
                    msg.replaceAll("\\s+", " ").trim(),
                    l == null ? 0 : l.getLineNumber(),
                    l == null ? 0 : l.getColumnNumber());
        } catch (RuntimeException e) {
            throw new XmlException("The request could not be read as XML.", 0, 0);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release
                }
            }
        }
    }

    /** Escapes text for element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                default -> (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? "" : null;
            };
            if (rep != null) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(rep);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
