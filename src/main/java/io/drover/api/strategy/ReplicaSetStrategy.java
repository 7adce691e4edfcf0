package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.List;

/** apps/v1 ReplicaSets: replicas 1 by default, the template rules, an immutable selector. */
final class ReplicaSetStrategy extends KindStrategy {

    /** rsStrategy.PrepareForCreate: the status is the controller's (replicas, never omitted, 0 until then). */
    @Override
    public void applyCreateDefaults(ObjectNode replicaSet) {
        replicaSet.putObject("status").put("replicas", 0);
    }


    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public void applyDefaults(ObjectNode replicaSet) {
        PodTemplateRules.applyDefaults(replicaSet);
    }

    @Override
    public List<Cause> validateCreate(ObjectNode replicaSet) {
        return PodTemplateRules.validate(replicaSet.get("spec"));
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldObject, ObjectNode newObject) {
        return PodTemplateRules.selectorImmutable(oldObject, newObject);
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.replicaSet(newObject);
    }
}
