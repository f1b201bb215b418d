package dev.mailbridge.ews.error;

import java.util.Map;

/** A SOAP Fault (usually with HTTP 500): the whole request was refused. */
public final class EwsSoapFaultException extends EwsResponseException {
    private final String faultCode;

    public EwsSoapFaultException(
            String faultCode, String faultString, String responseCode, Map<String, String> details, int httpStatus) {
        super(
                ResponseCodes.explain(responseCode != null ? responseCode : "SoapFault"),
                responseCode,
                faultString,
                details,
                httpStatus);
        this.faultCode = faultCode;
    }

    public String faultCode() {
        return faultCode;
    }
}
