package io.drover.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Informer event handlers for level-triggered controllers: every change means "look again". */
public final class EventHandlers {
    private EventHandlers() {}

    /** Calls {@code onChange} with the object of every add, update (the new one) and delete. */
    public static <T> ResourceEventHandler<T> onChange(Consumer<T> onChange) {
        return onChange(onChange, onChange);
    }

    /** Calls {@code present} with the object of every add and update (the new one), {@code deleted} at a delete. */
    public static <T> ResourceEventHandler<T> onChange(Consumer<T> present, Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                present.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                present.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                deleted.accept(obj);
            }
        };
    }

    /** Enqueues the key of every object that changes. */
    public static <T extends HasMetadata> ResourceEventHandler<T> enqueue(Controller controller) {
        return onChange(obj -> controller.enqueue(Keys.of(obj)));
    }
}
