package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/** A kind's strategy with the metadata rules every kind follows checked first. */
final class WithObjectMeta implements ResourceStrategy {
    private final ResourceStrategy kind;

    WithObjectMeta(ResourceStrategy kind) {
        this.kind = kind;
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        kind.applyDefaults(object);
    }

    @Override
    public void applyDecodeDefaults(ObjectNode object) {
        kind.applyDecodeDefaults(object);
    }

    @Override
    public boolean tracksGeneration() {
        return kind.tracksGeneration();
    }

    @Override
    public boolean allowsCreateOnUpdate() {
        return kind.allowsCreateOnUpdate();
    }

    @Override
    public boolean allowsUnconditionalUpdate() {
        return kind.allowsUnconditionalUpdate();
    }

    @Override
    public List<String> metadataInGeneration() {
        return kind.metadataInGeneration();
    }

    @Override
    public void applyCreateDefaults(ObjectNode object) {
        kind.applyCreateDefaults(object);
    }

    @Override
    public void keepOnUpdate(ObjectNode stored, ObjectNode next) {
        kind.keepOnUpdate(stored, next);
    }

    @Override
    public void prepareStatusUpdate(ObjectNode stored, ObjectNode next) {
        kind.prepareStatusUpdate(stored, next);
    }

    @Override
    public List<Cause> validateCreate(ObjectNode object) {
        List<Cause> causes = new ArrayList<>(ObjectMetaValidation.validate(object.get("metadata"), "metadata"));
        causes.addAll(kind.validateCreate(object));
        return causes;
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return kind.validateStatusUpdate(oldObject, newObject);
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode oldObject, ObjectNode newObject) {
        List<Cause> causes = new ArrayList<>(ObjectMetaValidation.validate(newObject.get("metadata"), "metadata"));
        causes.addAll(ObjectMetaValidation.noNewFinalizers(oldObject.get("metadata"), newObject.get("metadata")));
        causes.addAll(kind.validateUpdate(oldObject, newObject));
        return causes;
    }
}
