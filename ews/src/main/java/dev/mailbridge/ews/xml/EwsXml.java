package dev.mailbridge.ews.xml;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.api.WstxOutputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import com.ctc.wstx.stax.WstxOutputFactory;
import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.error.EwsUnsafeResponseException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLInputFactory2;
import org.codehaus.stax2.XMLStreamReader2;
import org.codehaus.stax2.XMLStreamWriter2;

/**
 * Hardened Woodstox factories. Input: no DTDs, no external entities, no entity replacement from
 * anything but the five predefined entities, and hard limits ({@link XmlLimits}). Factories are
 * thread-safe and reused (creating them is the expensive part).
 */
public final class EwsXml {
    private final XMLInputFactory2 documents;
    private final XMLInputFactory2 multiDocuments;
    private final WstxOutputFactory output;
    private final XmlLimits limits;

    public EwsXml(XmlLimits limits) {
        this.limits = limits;
        this.documents = newInputFactory(limits, false);
        this.multiDocuments = newInputFactory(limits, true);
        this.output = new WstxOutputFactory();
        output.setProperty(XMLOutputFactory.IS_REPAIRING_NAMESPACES, false);
        output.setProperty(WstxOutputProperties.P_OUTPUT_VALIDATE_STRUCTURE, false);
        output.setProperty(WstxOutputProperties.P_OUTPUT_VALIDATE_CONTENT, true);
        output.setProperty(WstxOutputProperties.P_OUTPUT_FIX_CONTENT, true);
    }

    public static EwsXml defaults() {
        return new EwsXml(XmlLimits.defaults());
    }

    public XmlLimits limits() {
        return limits;
    }

    private static XMLInputFactory2 newInputFactory(XmlLimits limits, boolean multipleDocuments) {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        f.setProperty(XMLInputFactory2.P_REPORT_PROLOG_WHITESPACE, false);
        f.setProperty(XMLInputFactory2.P_PRESERVE_LOCATION, false);
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new XMLStreamException("External resources are not allowed: " + systemId);
        });
        f.setProperty(WstxInputProperties.P_UNDECLARED_ENTITY_RESOLVER, null);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, limits.maxElementCount());
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, limits.maxElementDepth());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, limits.maxAttributesPerElement());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, limits.maxAttributeSize());
        // Woodstox counts a whole text node, also when it hands it over in segments; MIME content is one
        // node of up to ~200 MB that is decoded segment by segment, so the string limit is enforced by
        // XmlIn.text() and Woodstox only caps text nodes at the document limit.
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, (int)
                Math.min(Integer.MAX_VALUE, limits.maxDocumentCharacters()));
        f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, limits.maxDocumentCharacters());
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1L);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
        if (multipleDocuments) {
            f.setProperty(WstxInputProperties.P_INPUT_PARSING_MODE, WstxInputProperties.PARSING_MODE_DOCUMENTS);
        }
        return f;
    }

    /** A reader over one response document. */
    public XmlIn read(InputStream in) {
        return open(documents, in);
    }

    /** A reader over a stream of concatenated documents (GetStreamingEvents). */
    public XmlIn readDocuments(InputStream in) {
        return open(multiDocuments, in);
    }

    private XmlIn open(XMLInputFactory2 factory, InputStream in) {
        try {
            return new XmlIn((XMLStreamReader2) factory.createXMLStreamReader(in), limits.maxTextLength());
        } catch (XMLStreamException e) {
            throw XmlIn.translate(e);
        }
    }

    /** A writer producing UTF-8. */
    public XmlOut write(OutputStream out) {
        try {
            return new XmlOut((XMLStreamWriter2) output.createXMLStreamWriter(out, "UTF-8"));
        } catch (XMLStreamException e) {
            throw new EwsProtocolException("Could not create the XML writer", 0, e);
        }
    }

    static EwsUnsafeResponseException unsafe(String what, Throwable cause) {
        return new EwsUnsafeResponseException(what, cause);
    }
}
