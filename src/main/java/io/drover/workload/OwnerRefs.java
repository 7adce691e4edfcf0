package io.drover.workload;

import io.drover.controller.Selectors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Objects;
import java.util.Optional;

/** Controller references and the adopt/release decision of Kubernetes' ControllerRefManager. */
final class OwnerRefs {
    private OwnerRefs() {}

    /** What a controller does with a candidate dependent (ControllerRefManager.ClaimObject). */
    enum Claim {
        /** Ours and selected: it counts. */
        KEEP,
        /** An orphan we select: take it with a controller reference. */
        ADOPT,
        /** Ours but no longer selected: drop our reference. */
        RELEASE,
        /** Someone else's, or not for us now. */
        IGNORE
    }

    /** {@code metav1.NewControllerRef}: controller and blockOwnerDeletion both true. */
    static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    static Optional<OwnerReference> controllerOf(HasMetadata object) {
        if (object.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return object.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
    }

    static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
        return controllerOf(object).map(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid())).orElse(false);
    }

    static Claim decide(HasMetadata owner, LabelSelector selector, HasMetadata candidate) {
        boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
        boolean selected = Selectors.matches(selector, candidate.getMetadata().getLabels());
        Optional<OwnerReference> ref = controllerOf(candidate);
        if (ref.isPresent()) {
            if (!Objects.equals(ref.get().getUid(), owner.getMetadata().getUid())) {
                return Claim.IGNORE;
            }
            if (selected) {
                return Claim.KEEP;
            }
            return ownerDeleting ? Claim.IGNORE : Claim.RELEASE;
        }
        if (ownerDeleting || !selected || candidate.getMetadata().getDeletionTimestamp() != null
                || !Objects.equals(owner.getMetadata().getNamespace(), candidate.getMetadata().getNamespace())) {
            return Claim.IGNORE;
        }
        return Claim.ADOPT;
    }
}
