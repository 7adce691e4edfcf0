package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.workload.OwnerRefs.Claim;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

class OwnerRefsTest {
    private final ReplicaSet rs = PodsTest.replicaSet(1);

    private static Pod pod(String app, String ownerUid) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").addToLabels("app", app)
                .endMetadata();
        if (ownerUid != null) {
            b.editMetadata().addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                    .withKind("ReplicaSet").withName("x").withUid(ownerUid).withController(true).build()).endMetadata();
        }
        return b.build();
    }

    @Test
    void keepsItsOwnAdoptsSelectedOrphansReleasesUnselectedIgnoresOthers() {
        var selector = rs.getSpec().getSelector();
        assertThat(OwnerRefs.decide(rs, selector, pod("web", "rs-uid"))).isEqualTo(Claim.KEEP);
        assertThat(OwnerRefs.decide(rs, selector, pod("web", null))).isEqualTo(Claim.ADOPT);
        assertThat(OwnerRefs.decide(rs, selector, pod("other", "rs-uid"))).isEqualTo(Claim.RELEASE);
        assertThat(OwnerRefs.decide(rs, selector, pod("web", "someone-else"))).isEqualTo(Claim.IGNORE);
        assertThat(OwnerRefs.decide(rs, selector, pod("other", null))).isEqualTo(Claim.IGNORE);
    }

    @Test
    void aDeletingOwnerNeitherAdoptsNorReleases() {
        ReplicaSet deleting = new ReplicaSetBuilder(rs).editMetadata().withDeletionTimestamp("2024-01-01T00:00:00Z")
                .endMetadata().build();
        var selector = rs.getSpec().getSelector();
        assertThat(OwnerRefs.decide(deleting, selector, pod("web", null))).isEqualTo(Claim.IGNORE);
        assertThat(OwnerRefs.decide(deleting, selector, pod("other", "rs-uid"))).isEqualTo(Claim.IGNORE);
    }

    @Test
    void aDeletingOrphanIsNotAdopted() {
        Pod deleting = new PodBuilder(pod("web", null)).editMetadata().withDeletionTimestamp("2024-01-01T00:00:00Z")
                .endMetadata().build();
        assertThat(OwnerRefs.decide(rs, rs.getSpec().getSelector(), deleting)).isEqualTo(Claim.IGNORE);
    }
}
