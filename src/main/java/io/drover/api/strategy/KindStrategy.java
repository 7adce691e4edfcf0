package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * The usual shape of a kind's strategy: an update is checked as a create plus the kind's immutable fields.
 */
abstract class KindStrategy implements ResourceStrategy {

    @Override
    public void applyDefaults(ObjectNode object) {}

    @Override
    public List<Cause> validateCreate(ObjectNode object) {
        return List.of();
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode oldObject, ObjectNode newObject) {
        List<Cause> causes = new ArrayList<>(validateUpdated(newObject));
        causes.addAll(validateImmutable(oldObject, newObject));
        return causes;
    }

    /** The checks of an updated object on its own: a create's, unless the kind has create-only ones. */
    List<Cause> validateUpdated(ObjectNode newObject) {
        return validateCreate(newObject);
    }

    /** What an update may not change; empty by default. */
    List<Cause> validateImmutable(ObjectNode oldObject, ObjectNode newObject) {
        return List.of();
    }
}
