package dev.mailbridge.ews.xml;

import dev.mailbridge.ews.error.EwsProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLStreamWriter2;

/** Streaming request writer: prefixes are fixed (soap, m, t) and written once on the envelope. */
public final class XmlOut implements AutoCloseable {
    private final XMLStreamWriter2 w;

    XmlOut(XMLStreamWriter2 w) {
        this.w = w;
    }

    public XMLStreamWriter2 raw() {
        return w;
    }

    public XmlOut startDocument() {
        try {
            w.writeStartDocument("UTF-8", "1.0");
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    /** Opens the SOAP envelope, declaring soap, m and t once. */
    public XmlOut startEnvelope() {
        try {
            w.setPrefix("soap", Ns.SOAP);
            w.setPrefix("m", Ns.M);
            w.setPrefix("t", Ns.T);
            w.writeStartElement("soap", "Envelope", Ns.SOAP);
            w.writeNamespace("soap", Ns.SOAP);
            w.writeNamespace("m", Ns.M);
            w.writeNamespace("t", Ns.T);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    public XmlOut soap(String local) {
        return start("soap", Ns.SOAP, local);
    }

    /** Starts an element in the messages namespace. */
    public XmlOut m(String local) {
        return start("m", Ns.M, local);
    }

    /** Starts an element in the types namespace. */
    public XmlOut t(String local) {
        return start("t", Ns.T, local);
    }

    private XmlOut start(String prefix, String ns, String local) {
        try {
            w.writeStartElement(prefix, local, ns);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    public XmlOut attr(String name, String value) {
        try {
            if (value != null) {
                w.writeAttribute(name, value);
            }
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    public XmlOut text(String text) {
        try {
            w.writeCharacters(text);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    public XmlOut end() {
        try {
            w.writeEndElement();
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    /** {@code <t:name>text</t:name>}. */
    public XmlOut tText(String local, String text) {
        return t(local).text(text).end();
    }

    /** {@code <m:name>text</m:name>}. */
    public XmlOut mText(String local, String text) {
        return m(local).text(text).end();
    }

    /** Writes {@code in} as base64 text, streaming in chunks (never the whole content in memory). */
    public XmlOut base64(InputStream in) {
        byte[] buf = new byte[3 * 16 * 1024];
        Base64.Encoder enc = Base64.getEncoder();
        try {
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n <= 0) {
                    return this;
                }
                byte[] encoded = enc.encode(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
                w.writeCharacters(new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1));
                if (n < buf.length) {
                    return this;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the MIME content failed", e);
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    public void endDocument() {
        try {
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    @Override
    public void close() {
        try {
            w.close();
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    private static EwsProtocolException fail(XMLStreamException e) {
        return new EwsProtocolException("Writing the request failed: " + e.getMessage(), 0, e);
    }
}
