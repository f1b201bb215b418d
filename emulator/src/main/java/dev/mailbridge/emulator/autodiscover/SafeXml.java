package dev.mailbridge.emulator.autodiscover;

import dev.mailbridge.emulator.server.HardenedXml;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads request bodies into a small element tree with a hardened StAX (Woodstox) parser: no DTDs,
 * no entity expansion, no external entities, bounded depth, element count and text size. A body
 * with a DOCTYPE is refused outright, before any of it is acted upon.
 */
final class SafeXml {
    private static final int MAX_ELEMENTS = 10_000;
    private static final XMLInputFactory FACTORY = HardenedXml.inputFactory(256 * 1024);

    private SafeXml() {}

    /** Thrown for bodies that are not well-formed XML or that use forbidden features. */
    static final class XmlRefused extends Exception {
        XmlRefused(String message) {
            super(message);
        }
    }

    /** An element: namespace URI, local name, attributes (local name = value), text, children. */
    record Element(String ns, String name, List<String[]> attributes, String text, List<Element> children) {
        /** The first child with this namespace and local name, or null. */
        Element child(String ns, String name) {
            for (Element c : children) {
                if (c.name.equals(name) && c.ns.equals(ns)) {
                    return c;
                }
            }
            return null;
        }

        List<Element> children(String ns, String name) {
            List<Element> list = new ArrayList<>();
            for (Element c : children) {
                if (c.name.equals(name) && c.ns.equals(ns)) {
                    list.add(c);
                }
            }
            return list;
        }

        /** Trimmed text of the first such child, or null. */
        String childText(String ns, String name) {
            Element c = child(ns, name);
            return c == null ? null : c.text.strip();
        }

        boolean is(String ns, String name) {
            return this.ns.equals(ns) && this.name.equals(name);
        }
    }

    /** Parses the body; the returned element is the document element. */
    static Element parse(byte[] body) throws XmlRefused {
        if (body.length == 0) {
            throw new XmlRefused("The request body is empty; an XML document was expected.");
        }
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            List<Builder> stack = new ArrayList<>();
            Element root = null;
            int count = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD ->
                        throw new XmlRefused("DTDs (<!DOCTYPE ...>) and entity declarations are not accepted.");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new XmlRefused("Entity references are not accepted: &" + reader.getLocalName() + ";");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++count > MAX_ELEMENTS) {
                            throw new XmlRefused("The request has too many elements.");
                        }
                        List<String[]> attrs = new ArrayList<>();
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            attrs.add(new String[] {reader.getAttributeLocalName(i), reader.getAttributeValue(i)});
                        }
                        String ns = reader.getNamespaceURI();
                        stack.add(new Builder(ns == null ? "" : ns, reader.getLocalName(), attrs));
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!stack.isEmpty()) {
                            stack.get(stack.size() - 1).text.append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Builder b = stack.remove(stack.size() - 1);
                        Element e = new Element(
                                b.ns, b.name, List.copyOf(b.attrs), b.text.toString(), List.copyOf(b.children));
                        if (stack.isEmpty()) {
                            root = e;
                        } else {
                            stack.get(stack.size() - 1).children.add(e);
                        }
                    }
                    default -> {
                        // comments, processing instructions: ignored
                    }
                }
            }
            if (root == null) {
                throw new XmlRefused("The request body holds no XML element.");
            }
            return root;
        } catch (XMLStreamException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (message.contains("DOCTYPE")
                    || message.contains("DTD")
                    || message.toLowerCase().contains("entity")) {
                throw new XmlRefused("DTDs and entities are not accepted: " + firstLine(message));
            }
            throw new XmlRefused("The request body is not well-formed XML: " + firstLine(message));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release
                }
            }
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }

    /** Escapes text for element content and attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static final class Builder {
        final String ns;
        final String name;
        final List<String[]> attrs;
        final StringBuilder text = new StringBuilder();
        final List<Element> children = new ArrayList<>();

        Builder(String ns, String name, List<String[]> attrs) {
            this.ns = ns;
            this.name = name;
            this.attrs = attrs;
        }
    }
}
