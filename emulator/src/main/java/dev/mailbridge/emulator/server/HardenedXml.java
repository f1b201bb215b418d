package dev.mailbridge.emulator.server;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

/**
 * The one place the emulator configures XML parsing of what clients send: no DTDs, no entities, no
 * external resources, and limits on depth, counts and sizes, so hostile documents (XXE, billion
 * laughs, floods) are refused with a parse error instead of being processed.
 */
public final class HardenedXml {
    private HardenedXml() {}

    /**
     * A namespace-aware, coalescing Woodstox factory.
     *
     * @param maxTextLength the longest text node accepted (EWS carries whole MIME messages in one)
     */
    public static WstxInputFactory inputFactory(int maxTextLength) {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, 64);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, 200_000L);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 64);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, 65_536);
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, maxTextLength);
        f.setProperty(WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT, 20_000);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1L);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
        f.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("External resources are not loaded: " + systemId);
        });
        return f;
    }
}
