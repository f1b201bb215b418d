package dev.mailbridge.identity.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Classification of parsed descriptions; the wire formats themselves are tested against the emulator. */
class FailuresTest {
    @Test
    void everyCodeOfTheReferenceIsCatalogued() {
        Set<Integer> reference = Set.of(
                700082, 70008, 50173, 70000, 70043, 700084, 50089, 50132, 50133, 54005, 65001, 65004, 90094, 50076,
                50079, 50078, 53003, 53000, 53001, 53002, 530035, 50126, 50034, 50057, 50055, 50053, 50058, 50020,
                50011, 50194, 500011, 650052, 650056, 650057, 700016, 700011, 70001, 7000112, 7000215, 7000222, 7000218,
                700025, 70002, 700024, 500133, 700027, 50012, 70011, 700022, 700023, 28002, 28003, 90002, 90038,
                9001023, 90124, 90130, 9002313, 900144, 90014, 50147, 501481, 501491, 700005, 50196, 90055, 50033,
                90006, 90024, 90090, 135010, 16000, 50105, 500021, 500212, 500213, 70016, 70018, 70019, 90119, 90120,
                50134);
        Set<Integer> catalogued = new HashSet<>();
        AadstsCatalogue.entries().forEach(e -> catalogued.add(e.code()));
        assertThat(catalogued).containsAll(reference);
        AadstsCatalogue.entries().forEach(e -> assertThat(e.message()).isNotBlank());
        AadstsCatalogue.entries().forEach(e -> assertThat(e.fix()).isNotBlank());
    }

    @Test
    void readsCodesAndIdsFromADescriptionWhenTheJsonLacksThem() {
        EntraError e = EntraError.fromDescription(
                "invalid_grant",
                "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on"
                        + " 2019-01-28T08:58:16.7135740Z and was inactive for 90.00:00:00.\r\nTrace ID:"
                        + " 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd"
                        + "\r\nTimestamp: 2019-04-29 12:00:00Z",
                400);
        SignInFailure f = Failures.explain(e, null);
        assertThat(f.category()).isEqualTo(FailureCategory.REAUTHORIZE);
        assertThat(f.code()).contains(700082);
        assertThat(f.traceId()).contains("0000aaaa-11bb-cccc-dd22-eeeeee333333");
        assertThat(f.correlationId()).contains("aaaa0000-bb11-2222-33cc-444444dddddd");
        assertThat(f.timestamp()).contains(Instant.parse("2019-04-29T12:00:00Z"));
        assertThat(f.getMessage()).contains("sign in again", "AADSTS700082", "trace ID", "correlation ID");
        assertThat(e.summary()).endsWith("90.00:00:00.");
    }

    @Test
    void aJsonBodyWinsAndSeveralCodesUseTheFirstKnown() {
        EntraError e = EntraError.fromJson(
                Map.of(
                        "error", "invalid_client",
                        "error_description", "AADSTS70002: Error validating credentials. AADSTS500133: ...",
                        "error_codes", java.util.List.of(70002, 500133),
                        "trace_id", "t-1234567890",
                        "correlation_id", "c-1234567890",
                        "timestamp", "2018-01-01 10:00:00.1234567Z",
                        "suberror", "bad_token"),
                400);
        SignInFailure f = Failures.explain(e, null);
        assertThat(f.codes()).containsExactly(70002, 500133);
        assertThat(f.category()).isEqualTo(FailureCategory.APP_CREDENTIAL);
        assertThat(f.suberror()).contains("bad_token");
        assertThat(f.timestamp()).contains(Instant.parse("2018-01-01T10:00:00.1234567Z"));
    }

    @Test
    void unknownCodesFallBackToEntrasOwnText() {
        SignInFailure f = Failures.explain(
                EntraError.fromDescription(
                        "invalid_request",
                        "AADSTS9999999: Something new happened. Trace ID:"
                                + " 11111111-2222 Correlation ID: 33333333-4444 Timestamp: 2026-01-01 00:00:00Z",
                        400),
                null);
        assertThat(f.category()).isEqualTo(FailureCategory.APP_CONFIGURATION);
        assertThat(f.plainMessage()).isEqualTo("Entra ID says: AADSTS9999999: Something new happened.");
        assertThat(Failures.explain(EntraError.fromDescription("weird", "", 400), null)
                        .category())
                .isEqualTo(FailureCategory.UNKNOWN);
    }

    @Test
    void callbackErrorsAreClassified() {
        SignInFailure f = Failures.explain(
                EntraError.fromCallback(Map.of(
                        "error", "access_denied",
                        "error_description", "AADSTS65004: User declined to consent to access the app.")),
                null);
        assertThat(f.category()).isEqualTo(FailureCategory.ADMIN_CONSENT);
        assertThat(f.code()).contains(65004);
        assertThat(f.httpStatus()).isZero();
    }
}
