package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expectations from kube-apiserver's field validation integration test (test/integration/apiserver/apply). */
public class StrictDecodingTest {
    /** A Deployment with fields given twice and unknown fields, some both, as Kubernetes' test writes it. */
    public static final String DEPLOYMENT = """
            {
              "apiVersion": "apps/v1",
              "kind": "Deployment",
              "metadata": {"name": "dupename", "name": "web", "labels": {"app": "nginx"}, "unknownMeta": "metaVal"},
              "spec": {
                "unknown1": "val1",
                "unknownDupe": "valDupe",
                "unknownDupe": "valDupe2",
                "paused": true,
                "paused": false,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                  "metadata": {"labels": {"app": "nginx"}},
                  "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
                    "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}
                }
              }
            }""";

    @Test
    void fieldsOfDifferentObjectsAreNoRepeatsAndABrokenBodyHasNone() {
        assertThat(DuplicateFields.occurrences(bytes("{\"a\":{\"b\":1},\"c\":[{\"b\":2},{\"b\":3}]}")))
                .noneMatch(DuplicateFields.Occurrence::duplicate);
        assertThat(DuplicateFields.occurrences(bytes("{\"a\":"))).isEmpty();
    }

    @Test
    void fieldsAreListedInDocumentOrderWithTheirPaths() {
        assertThat(DuplicateFields.occurrences(bytes("{\"a\":[1,{\"x\":1,\"x\":2}],\"m\":{\"k\":\"v\"},\"a\":0}")))
                .containsExactly(new DuplicateFields.Occurrence("a", false),
                        new DuplicateFields.Occurrence("a[1].x", false), new DuplicateFields.Occurrence("a[1].x", true),
                        new DuplicateFields.Occurrence("m", false), new DuplicateFields.Occurrence("m.k", false),
                        new DuplicateFields.Occurrence("a", true));
        assertThat(DuplicateFields.occurrences(bytes("[{\"op\":\"add\",\"path\":\"/a\",\"path\":\"/b\"}]")))
                .contains(new DuplicateFields.Occurrence("[0].path", true));
    }

    @Test
    void aHugeDeepBodyWithARepeatRecordsABoundedNumberOfPaths() {
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 900; i++) {
            json.append("{\"level").append(i).append("\":");
        }
        json.append("{\"x\":1,\"x\":2");
        for (int i = 0; i < 200_000; i++) {
            json.append(",\"f").append(i).append("\":0");
        }
        json.append("}").append("}".repeat(900));

        long start = System.nanoTime();
        List<DuplicateFields.Occurrence> found = DuplicateFields.occurrences(bytes(json.toString()));

        // Bounded: the paths recorded stop at 2 million characters (here before the repeat deep down).
        assertThat(found.stream().mapToLong(o -> o.path().length()).sum()).isLessThanOrEqualTo(2_000_000);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
    }

    @Test
    void anObjectInterleavesRepeatsAndUnknownFieldsAndReportsAnUnknownRepeatOnce() throws Exception {
        var object = new ObjectMapper().readTree(DEPLOYMENT);
        List<String> unknown = UnknownFields.find("apps/v1", "Deployment", object);
        StrictDecoding decoding = StrictDecoding.objectInDocumentOrder(DuplicateFields.occurrences(bytes(DEPLOYMENT)));

        assertThat(decoding.errorMessage("apps/v1", "Deployment", decoding.problems(unknown))).isEqualTo(
                "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                        + "duplicate field \"metadata.name\", unknown field \"metadata.unknownMeta\", "
                        + "unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", "
                        + "duplicate field \"spec.paused\", "
                        + "unknown field \"spec.template.spec.containers[0].unknownNested\", "
                        + "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
    }

    @Test
    void aMergePatchReportsItsRepeatsFirstAndItsMessageNamesNoKind() {
        String patch = "{\"spec\":{\"unknownDupe\":1,\"unknownDupe\":2,\"paused\":true,\"paused\":false}}";
        StrictDecoding decoding = StrictDecoding.patch(DuplicateFields.occurrences(bytes(patch)));

        List<StrictDecoding.Problem> problems = decoding.problems(List.of("spec.unknownDupe"));
        assertThat(problems).extracting(StrictDecoding.Problem::error).containsExactly(
                "duplicate field \"spec.unknownDupe\"", "duplicate field \"spec.paused\"", "unknown field \"spec.unknownDupe\"");
        assertThat(decoding.errorMessage("apps/v1", "Deployment", problems)).startsWith("strict decoding error: ");
    }

    @Test
    void aJsonPatchNamesItsOperationsUnknownAndRepeatedMembers() {
        String patch = "[{\"op\":\"add\",\"path\":\"/spec/unknown1\",\"value\":\"val1\",\"foo\":\"bar\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/unknown2\",\"path\":\"/spec/unknown3\",\"value\":\"val1\"}]";
        StrictDecoding decoding = StrictDecoding.jsonPatch(List.of("[0].foo"), DuplicateFields.occurrences(bytes(patch)));

        assertThat(decoding.problems(List.of("spec.unknown1", "spec.unknown3"))).extracting(StrictDecoding.Problem::error)
                .containsExactly("json patch unknown field \"[0].foo\"", "json patch duplicate field \"[1].path\"",
                        "unknown field \"spec.unknown1\"", "unknown field \"spec.unknown3\"");
    }

    @Test
    void yamlRepeatsAreOneErrorButOneWarningPerLine() {
        StrictDecoding decoding = StrictDecoding.yamlObject(List.of(StrictDecoding.alreadySetInMap(5, "name"),
                StrictDecoding.alreadySetInMap(14, "paused")));

        List<StrictDecoding.Problem> problems = decoding.problems(List.of("spec.unknown1"));
        assertThat(decoding.errorMessage("apps/v1", "Deployment", problems)).endsWith("strict decoding error: "
                + "yaml: unmarshal errors:\n  line 5: key \"name\" already set in map\n  line 14: key \"paused\" already "
                + "set in map, unknown field \"spec.unknown1\"");
        assertThat(problems).flatExtracting(StrictDecoding.Problem::warnings).containsExactly(
                "line 5: key \"name\" already set in map", "line 14: key \"paused\" already set in map",
                "unknown field \"spec.unknown1\"");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
