package dev.mailbridge.ews.xml;

/**
 * Hard limits the parser enforces on every server response, so a hostile or broken server cannot
 * exhaust memory or CPU. MIME content is streamed to a sink and decoded chunk by chunk, so the text
 * limit only bounds what is ever held in memory at once (text that is read as a string).
 *
 * @param maxElementCount elements per document
 * @param maxElementDepth nesting depth
 * @param maxAttributesPerElement attributes on one element
 * @param maxAttributeSize characters in one attribute value
 * @param maxTextLength characters of one text value read as a string
 * @param maxDocumentCharacters characters in one document (bounds MIME too: 150 MB mail ~ 200 MB base64)
 */
public record XmlLimits(
        int maxElementCount,
        int maxElementDepth,
        int maxAttributesPerElement,
        int maxAttributeSize,
        int maxTextLength,
        long maxDocumentCharacters) {

    public XmlLimits {
        if (maxElementCount < 1
                || maxElementDepth < 1
                || maxAttributesPerElement < 1
                || maxAttributeSize < 1
                || maxTextLength < 1
                || maxDocumentCharacters < 1) {
            throw new IllegalArgumentException("XML limits must be positive");
        }
    }

    /** Generous for any real EWS response, tight enough to stop hostile ones. */
    public static XmlLimits defaults() {
        return new XmlLimits(2_000_000, 64, 64, 64 * 1024, 32 * 1024 * 1024, 512L * 1024 * 1024);
    }

    public XmlLimits withMaxDocumentCharacters(long value) {
        return new XmlLimits(
                maxElementCount, maxElementDepth, maxAttributesPerElement, maxAttributeSize, maxTextLength, value);
    }

    public XmlLimits withMaxElementCount(int value) {
        return new XmlLimits(
                value,
                maxElementDepth,
                maxAttributesPerElement,
                maxAttributeSize,
                maxTextLength,
                maxDocumentCharacters);
    }

    public XmlLimits withMaxTextLength(int value) {
        return new XmlLimits(
                maxElementCount,
                maxElementDepth,
                maxAttributesPerElement,
                maxAttributeSize,
                value,
                maxDocumentCharacters);
    }
}
