package dev.mailbridge.ews.autodiscover;

import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.XmlIn;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamConstants;

/**
 * A tiny element tree of a small Autodiscover response, built with the EWS client's hardened reader
 * (no DTDs, no entities, limits). Elements are matched by local name: Autodiscover responses switch
 * default namespaces mid-document; the caller checks the root's namespace.
 */
final class XmlTree {
    final String ns;
    final String name;
    final List<XmlTree> children = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    private XmlTree(String ns, String name) {
        this.ns = ns;
        this.name = name;
    }

    static XmlTree parse(EwsXml xml, byte[] body) {
        try (XmlIn in = xml.read(new ByteArrayInputStream(body))) {
            if (!in.nextStart()) {
                throw new EwsProtocolException("The Autodiscover response is empty.", 0, null);
            }
            return read(in);
        }
    }

    private static XmlTree read(XmlIn in) {
        XmlTree node = new XmlTree(in.namespace(), in.localName());
        while (true) {
            int e = in.next();
            switch (e) {
                case XMLStreamConstants.START_ELEMENT -> node.children.add(read(in));
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    node.text.append(in.raw().getText());
                case XMLStreamConstants.END_ELEMENT -> {
                    return node;
                }
                case XMLStreamConstants.END_DOCUMENT ->
                    throw new EwsProtocolException("The Autodiscover response ended early.", 0, null);
                default -> {
                    // comments, processing instructions
                }
            }
        }
    }

    /** The first child with this local name, or null. */
    XmlTree child(String local) {
        for (XmlTree c : children) {
            if (c.name.equals(local)) {
                return c;
            }
        }
        return null;
    }

    List<XmlTree> all(String local) {
        return children.stream().filter(c -> c.name.equals(local)).toList();
    }

    /** Follows a path of first children; null if any is missing. */
    XmlTree path(String... locals) {
        XmlTree n = this;
        for (String l : locals) {
            n = n.child(l);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** Trimmed text of the child at {@code locals}, or null. */
    String text(String... locals) {
        XmlTree n = path(locals);
        if (n == null) {
            return null;
        }
        String t = n.text.toString().trim();
        return t.isEmpty() ? null : t;
    }
}
