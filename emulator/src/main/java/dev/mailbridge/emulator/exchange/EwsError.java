package dev.mailbridge.emulator.exchange;

/** A per-item EWS error: becomes a ResponseMessage with ResponseClass="Error". */
final class EwsError extends RuntimeException {
    final String code;
    final String messageXml;

    EwsError(String code, String text) {
        this(code, text, null);
    }

    EwsError(String code, String text, String messageXml) {
        super(text, null, false, false);
        this.code = code;
        this.messageXml = messageXml;
    }

    static EwsError itemNotFound() {
        return new EwsError("ErrorItemNotFound", "The specified object was not found in the store.");
    }

    static EwsError folderNotFound() {
        return new EwsError("ErrorFolderNotFound", "The specified folder could not be found in the store.");
    }

    static EwsError malformed() {
        return new EwsError("ErrorInvalidIdMalformed", "Id is malformed.");
    }
}
