package dev.mailbridge.ews.xml;

import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.error.EwsUnsafeResponseException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLStreamReader2;

/**
 * A thin pull cursor over a hardened Woodstox reader. Elements are matched by namespace URI and local
 * name. Iterate children with {@code int d = in.depth(); while (in.nextChild(d)) {...}}; each child must
 * be consumed entirely (by {@link #text()}, {@link #skip()} or its own child loop).
 */
public final class XmlIn implements AutoCloseable {
    private final XMLStreamReader2 r;
    private final int maxTextLength;
    /** Reused for every base64 value of this document (it keeps its buffers). */
    private Base64Sink base64;

    XmlIn(XMLStreamReader2 r, int maxTextLength) {
        this.r = r;
        this.maxTextLength = maxTextLength;
    }

    /** The raw reader, for code that needs more. */
    public XMLStreamReader2 raw() {
        return r;
    }

    /** Next event; refuses DTDs and entity references outright. */
    public int next() {
        try {
            int e = r.next();
            if (e == XMLStreamConstants.DTD) {
                throw new EwsUnsafeResponseException(
                        "The server's response contains a DTD (document type declaration); EWS responses never do,"
                                + " and DTDs enable entity-expansion and external-entity attacks, so it was refused.",
                        null);
            }
            if (e == XMLStreamConstants.ENTITY_REFERENCE) {
                throw new EwsUnsafeResponseException(
                        "The server's response references an entity (&" + r.getLocalName() + ";), which EWS responses"
                                + " never do; it was refused.",
                        null);
            }
            return e;
        } catch (XMLStreamException ex) {
            throw translate(ex);
        }
    }

    /** Advances to the next start element anywhere; false at the end of the document. */
    public boolean nextStart() {
        while (hasNext()) {
            int e = next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (e == XMLStreamConstants.END_DOCUMENT) {
                return false;
            }
        }
        return false;
    }

    /** Like {@link #nextStart()}, but continues past the end of one document into the next (multi-document streams). */
    public boolean nextStartAcrossDocuments() {
        while (hasNext()) {
            int e = next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
        }
        return false;
    }

    private boolean hasNext() {
        try {
            return r.hasNext();
        } catch (XMLStreamException e) {
            throw translate(e);
        }
    }

    /**
     * Advances to the next child start element of the element at {@code parentDepth}; false (positioned
     * on the parent's end tag) when there are no more.
     */
    public boolean nextChild(int parentDepth) {
        while (true) {
            int e = next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (e == XMLStreamConstants.END_ELEMENT && r.getDepth() <= parentDepth) {
                return false;
            }
            if (e == XMLStreamConstants.END_DOCUMENT) {
                throw new EwsProtocolException("The response ended in the middle of an element.", 0, null);
            }
        }
    }

    public int depth() {
        return r.getDepth();
    }

    public boolean is(String ns, String local) {
        return local.equals(r.getLocalName()) && ns.equals(r.getNamespaceURI());
    }

    public String localName() {
        return r.getLocalName();
    }

    public String namespace() {
        String ns = r.getNamespaceURI();
        return ns == null ? "" : ns;
    }

    public boolean isStartElement() {
        return r.getEventType() == XMLStreamConstants.START_ELEMENT;
    }

    /** Attribute value by local name (no namespace), or null. */
    public String attr(String local) {
        return r.getAttributeValue(null, local);
    }

    /**
     * The text of a text-only element; leaves the cursor on its end tag. Text longer than
     * {@link XmlLimits#maxTextLength()} is refused before it is buffered further (large binary content
     * goes through {@link #base64To(OutputStream)} instead).
     */
    public String text() {
        StringBuilder sb = null;
        String single = null;
        String element = r.getLocalName();
        while (true) {
            int e = next();
            switch (e) {
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    int len = r.getTextLength();
                    int have = sb != null ? sb.length() : single != null ? single.length() : 0;
                    if ((long) have + len > maxTextLength) {
                        throw new EwsUnsafeResponseException(
                                "The server's response was refused as unsafe to parse: a text value in <" + element
                                        + "> is longer than " + maxTextLength + " characters.",
                                null);
                    }
                    if (single == null && sb == null) {
                        single = r.getText();
                    } else {
                        if (sb == null) {
                            sb = new StringBuilder(single);
                        }
                        sb.append(r.getTextCharacters(), r.getTextStart(), len);
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    return sb != null ? sb.toString() : single != null ? single : "";
                }
                case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                    // ignored
                }
                default -> throw new EwsProtocolException("Expected text in <" + element + ">, found markup.", 0, null);
            }
        }
    }

    public boolean booleanText() {
        String t = text().trim();
        return "true".equals(t) || "1".equals(t);
    }

    public int intText() {
        String t = text().trim();
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new EwsProtocolException("Expected a number in <" + r.getLocalName() + ">, got: " + t, 0, e);
        }
    }

    /** Skips the current element with its whole subtree. */
    public void skip() {
        try {
            r.skipElement();
        } catch (XMLStreamException e) {
            throw translate(e);
        }
    }

    /**
     * Decodes the base64 text of the current element straight into {@code sink}, chunk by chunk,
     * never holding the whole value. Leaves the cursor on the end tag. Returns the decoded byte count.
     */
    public long base64To(OutputStream sink) {
        Base64Sink decoder = base64;
        if (decoder == null) {
            decoder = new Base64Sink();
            base64 = decoder;
        }
        decoder.start(sink);
        try {
            while (true) {
                int e = next();
                switch (e) {
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        decoder.accept(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                    case XMLStreamConstants.END_ELEMENT -> {
                        return decoder.finish();
                    }
                    case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                        // ignored
                    }
                    default -> throw new EwsProtocolException("Unexpected markup inside base64 content.", 0, null);
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("base64")) {
                throw new EwsProtocolException("The content is not valid base64: " + e.getMessage(), 0, e);
            }
            throw new UncheckedIOException("Writing the content to its sink failed", e);
        }
    }

    @Override
    public void close() {
        try {
            r.closeCompletely();
        } catch (XMLStreamException e) {
            // nothing to do: closing only releases the stream
        }
    }

    /** Turns a Woodstox exception into the client's exception, telling hostile input from garbage. */
    public static EwsException translate(XMLStreamException e) {
        String msg = String.valueOf(e.getMessage());
        String lower = msg.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("limit")
                || lower.contains("exceeded")
                || lower.contains("entity")
                || lower.contains("dtd")
                || lower.contains("doctype")) {
            return new EwsUnsafeResponseException(
                    "The server's response was refused as unsafe to parse: " + firstLine(msg), e);
        }
        return new EwsProtocolException("The server's response is not well-formed XML: " + firstLine(msg), 0, e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
