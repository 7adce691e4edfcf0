package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import org.junit.jupiter.api.Test;

class TemplateHashTest {
    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void fnv32aMatchesTheReferenceVectors() {
        assertThat(TemplateHash.fnv32a(0x811c9dc5, new byte[0])).isEqualTo(0x811c9dc5);
        assertThat(TemplateHash.fnv32a(0x811c9dc5, "a".getBytes())).isEqualTo(0xe40c292c);
        assertThat(TemplateHash.fnv32a(0x811c9dc5, "foobar".getBytes())).isEqualTo(0xbf9cf968);
    }

    @Test
    void safeEncodeMapsDigitsLikeApimachinery() {
        // rand.SafeEncodeString of a decimal: '0'..'9' → "4","5","6","7","8","9","b","c","d","f".
        assertThat(TemplateHash.safeEncode("0123456789")).isEqualTo("456789bcdf");
    }

    @Test
    void hashIsStableAndChangesWithTheTemplateAndCollisionCount() {
        String h = TemplateHash.compute(template("nginx:1.27"), null);
        assertThat(h).matches("[456789bcdf]{1,10}");
        assertThat(TemplateHash.compute(template("nginx:1.27"), null)).isEqualTo(h);
        assertThat(TemplateHash.compute(template("nginx:1.28"), null)).isNotEqualTo(h);
        assertThat(TemplateHash.compute(template("nginx:1.27"), 1)).isNotEqualTo(h)
                .isNotEqualTo(TemplateHash.compute(template("nginx:1.27"), 2));
    }

    @Test
    void hashIgnoresFieldOrderAndEmptyCollections() {
        PodTemplateSpec a = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("a", "1").addToLabels("b", "2")
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build();
        PodTemplateSpec b = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("b", "2").addToLabels("a", "1")
                .withAnnotations(new java.util.HashMap<>()).endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("i").endContainer().withVolumes().endSpec().build();
        assertThat(TemplateHash.compute(a, null)).isEqualTo(TemplateHash.compute(b, null));
    }

    @Test
    void equalIgnoreHashIgnoresOnlyThePodTemplateHashLabel() {
        PodTemplateSpec withHash = new PodTemplateSpecBuilder(template("nginx")).editMetadata()
                .addToLabels(TemplateHash.LABEL, "abc").endMetadata().build();
        assertThat(TemplateHash.equalIgnoreHash(template("nginx"), withHash)).isTrue();
        assertThat(TemplateHash.equalIgnoreHash(template("nginx"), template("httpd"))).isFalse();
        PodTemplateSpec relabelled = new PodTemplateSpecBuilder(template("nginx")).editMetadata()
                .addToLabels("tier", "x").endMetadata().build();
        assertThat(TemplateHash.equalIgnoreHash(template("nginx"), relabelled)).isFalse();
    }
}
