package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiException;
import io.drover.api.validation.FieldValidation;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON patches (RFC 6902) applied to an object: every patch that cannot be applied is a 4xx. */
class JsonPatchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KUBERNETES_MESSAGE = "the server rejected our request due to an error in our request";

    private static JsonNode pod() throws Exception {
        return JSON.readTree("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"a\"},"
                + "{\"name\":\"b\"}]}}");
    }

    private static JsonNode apply(String patch) throws Exception {
        return JsonPatches.apply(JSON.readTree(patch), pod());
    }

    @Test
    void appliesAValidPatch() throws Exception {
        JsonNode patched = apply("[{\"op\":\"replace\",\"path\":\"/spec/containers/1/name\",\"value\":\"c\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/containers/-\",\"value\":{\"name\":\"d\"}}]");

        assertThat(patched.path("spec").path("containers").findValuesAsText("name")).containsExactly("a", "c", "d");
    }

    @Test
    void anArrayIndexOutsideTheArrayOrNotAnIntegerIsInvalid() {
        for (String op : List.of("replace", "remove", "add")) {
            for (String index : List.of("-", "-4", "1e0", "+5", "9999999999999", "5", "0x1", " 1")) {
                if (op.equals("add") && index.equals("-")) {
                    continue; // appends
                }
                String patch = "[{\"op\":\"" + op + "\",\"path\":\"/spec/containers/" + index + "\",\"value\":{}}]";
                assertThatThrownBy(() -> apply(patch)).as(patch)
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.code()).isEqualTo(422);
                            assertThat(e.reason()).isEqualTo("Invalid");
                            assertThat(e.getMessage()).startsWith(KUBERNETES_MESSAGE).doesNotContain("Exception");
                        });
            }
        }
    }

    @Test
    void indicesAreReadAsGoReadsThemNegativeOnesFromTheEnd() throws Exception {
        assertThat(names(apply(op("replace", "/spec/containers/-1/name", "{\"value\":\"z\"}")))).containsExactly("a", "z");
        assertThat(names(apply(op("replace", "/spec/containers/+01/name", "{\"value\":\"z\"}")))).containsExactly("a", "z");
        assertThat(names(apply(op("remove", "/spec/containers/-2", "{}")))).containsExactly("b");
        assertThat(names(apply(op("remove", "/spec/containers/-0", "{}")))).containsExactly("b");
        // An add's -1 is the position past the last element (the array one longer), -3 the first.
        assertThat(names(apply(op("add", "/spec/containers/-1", "{\"value\":{\"name\":\"c\"}}"))))
                .containsExactly("a", "b", "c");
        assertThat(names(apply(op("add", "/spec/containers/-3", "{\"value\":{\"name\":\"c\"}}"))))
                .containsExactly("c", "a", "b");
        assertThat(names(apply(op("copy", "/spec/containers/-1", "{\"from\":\"/spec/containers/-2\"}"))))
                .containsExactly("a", "b", "a");
        // A move adds after removing: -1 of the shortened array is its end again.
        assertThat(names(apply(op("move", "/spec/containers/-1", "{\"from\":\"/spec/containers/-2\"}"))))
                .containsExactly("b", "a");
        // Earlier operations decide where a negative index points.
        assertThat(names(apply("[{\"op\":\"add\",\"path\":\"/spec/containers/-\",\"value\":{\"name\":\"c\"}},"
                + "{\"op\":\"remove\",\"path\":\"/spec/containers/-1\"}]"))).containsExactly("a", "b");
        // An object's key that looks like an index stays a key.
        JsonNode labelled = apply("[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"-1\":\"x\"}},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/labels/-1\",\"value\":\"y\"}]");
        assertThat(labelled.path("metadata").path("labels").path("-1").asText()).isEqualTo("y");
    }

    private static String op(String op, String path, String rest) {
        String fields = rest.equals("{}") ? "}" : "," + rest.substring(1);
        return "[{\"op\":\"" + op + "\",\"path\":\"" + path + "\"" + fields + "]";
    }

    private static List<String> names(JsonNode pod) {
        return pod.path("spec").path("containers").findValuesAsText("name");
    }

    @Test
    void fromPathsWithBadIndicesAndBrokenOperationsAreInvalid() {
        for (String patch : List.of(
                "[{\"op\":\"move\",\"from\":\"/spec/containers/-3\",\"path\":\"/x\"}]",
                "[{\"op\":\"copy\",\"from\":\"/spec/containers/0\",\"path\":\"/spec/containers/04\"}]",
                "[{\"op\":\"replace\",\"path\":\"spec\",\"value\":1}]",
                "[{\"op\":\"bogus\",\"path\":\"/spec\"}]",
                "[{\"path\":\"/spec\"}]",
                "[5]")) {
            assertThatThrownBy(() -> apply(patch)).as(patch)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        }
    }

    @Test
    void removingWhatIsNotThereIsInvalid() {
        for (String path : List.of("/metadata/labels/missing", "/metadata/missing", "/spec/containers/-")) {
            String patch = "[{\"op\":\"remove\",\"path\":\"" + path + "\"}]";
            assertThatThrownBy(() -> apply(patch)).as(patch)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        }
    }

    @Test
    void asEvanphxJsonPatchAMissingKeyIsReplacedTestedAsNullAndCopiedAsNull() throws Exception {
        // kube-apiserver applies JSON patches with evanphx/json-patch v4, more lenient than RFC 6902 here.
        JsonNode patched = apply("[{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":{}},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/annotations/new\",\"value\":\"v\"},"
                + "{\"op\":\"test\",\"path\":\"/metadata/labels\",\"value\":null},"
                + "{\"op\":\"copy\",\"from\":\"/metadata/missing\",\"path\":\"/metadata/copied\"}]");

        assertThat(patched.path("metadata").path("annotations").path("new").asText()).isEqualTo("v");
        assertThat(patched.path("metadata").has("copied")).isTrue();
        assertThat(patched.path("metadata").get("copied").isNull()).isTrue();
        // Arrays stay strict, and a test of a missing key against a value other than null fails.
        for (String patch : List.of("[{\"op\":\"replace\",\"path\":\"/spec/containers/2\",\"value\":{}}]",
                "[{\"op\":\"test\",\"path\":\"/metadata/labels\",\"value\":\"x\"}]",
                "[{\"op\":\"copy\",\"from\":\"/spec/containers/5\",\"path\":\"/metadata/copied\"}]",
                "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":null}]")) {
            assertThatThrownBy(() -> apply(patch)).as(patch)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        }
    }

    @Test
    void aKeyNamedDashIsRemovedFromAnObject() throws Exception {
        JsonNode patched = apply("[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"-\":\"x\"}},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/-\"}]");

        assertThat(patched.path("metadata").path("labels").isEmpty()).isTrue();
    }

    @Test
    void whatEarlierOperationsDidDecidesWhetherDashIsAnArraysEnd() throws Exception {
        // A container moved in front of a labels object: index 1 is now an object with a "-" key.
        JsonNode patched = apply("[{\"op\":\"add\",\"path\":\"/spec/containers/0\",\"value\":{\"name\":\"c\","
                + "\"env\":{\"-\":\"x\"}}},{\"op\":\"add\",\"path\":\"/spec/containers/1/env\",\"value\":[]},"
                + "{\"op\":\"remove\",\"path\":\"/spec/containers/0/env/-\"}]");
        assertThat(patched.path("spec").path("containers").get(0).path("env").isEmpty()).isTrue();
        // An array made by an earlier operation: its "-" is past its end, refused.
        assertThatThrownBy(() -> apply("[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":[1]},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/-\"}]"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        // Operations elsewhere leave the original document's answer standing.
        JsonNode unrelated = apply("[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}},"
                + "{\"op\":\"remove\",\"path\":\"/spec/containers/1/name\"}]");
        assertThat(unrelated.path("spec").path("containers").get(1).has("name")).isFalse();
    }

    @Test
    void moreThanTenThousandOperationsAreTooLarge() throws Exception {
        String test = "{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"web\"}";
        String patch = "[" + String.join(",", Collections.nCopies(10_001, test)) + "]";

        assertThatThrownBy(() -> apply(patch)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(413);
            assertThat(e.getMessage()).isEqualTo("Request entity too large: The allowed maximum operations in a "
                    + "JSON patch is 10000, got 10001");
        });
    }

    /** applyJSPatch's decoding: null is no operation, anything else but an array Go's unmarshal error. */
    @Test
    void aPatchThatIsNoArrayIsGosUnmarshalErrorOfTheModesType() throws Exception {
        assertThat(JsonPatches.operations(JSON.readTree("null"), FieldValidation.STRICT)).isEmpty();
        assertThatThrownBy(() -> JsonPatches.operations(JSON.readTree("{\"op\":\"add\"}"), FieldValidation.WARN))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("error decoding patch: json: cannot unmarshal object into Go "
                            + "value of type []handlers.jsonPatchOp");
                });
        assertThatThrownBy(() -> JsonPatches.operations(JSON.readTree("\"x\""), FieldValidation.IGNORE))
                .hasMessage("json: cannot unmarshal string into Go value of type jsonpatch.Patch");
    }

    /** patch.go's 422 names no object (kubectl: "The request is invalid: ..."), and says what failed. */
    @Test
    void aFailedTestNamesNoObject() throws Exception {
        assertThatThrownBy(() -> apply("[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"other\"}]"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).startsWith(KUBERNETES_MESSAGE + ": ");
                    assertThat(e.toStatus().has("details")).isFalse();
                });
    }
}
