package io.drover.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Element identity and ordering for merged lists, after apimachinery's normalizeElementOrder and
 * mergeSortedSlice. The patch's items come in the order the patch (or {@code $setElementOrder}) gives;
 * the server-only items keep their own order and are slotted in before the first patch item that follows
 * them in the server's list. An item the server list does not know (a new one) is placed before the
 * server-only items still waiting, which is why a new element without {@code $setElementOrder} lands ahead
 * of the untouched ones, as it does in Kubernetes.
 */
final class ListOrder {
    private ListOrder() {}

    /**
     * Orders {@code merged} by {@code order} (the patch list or a {@code $setElementOrder} list), interleaving
     * the items that {@code order} does not name by their position in {@code serverOrder}.
     *
     * @param mergeKey the key that identifies map elements, or null for a list of values
     */
    static List<JsonNode> order(List<JsonNode> merged, List<JsonNode> order, List<JsonNode> serverOrder,
            String mergeKey) {
        List<JsonNode> named = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : merged) {
            (indexOf(order, item, mergeKey) >= 0 ? named : serverOnly).add(item);
        }
        // List.sort is stable: items neither list knows keep their relative order, after the known ones.
        named.sort(Comparator.comparingInt(item -> rank(order, item, mergeKey)));
        serverOnly.sort(Comparator.comparingInt(item -> rank(serverOrder, item, mergeKey)));
        return interleave(serverOnly, named, serverOrder, mergeKey);
    }

    /** Whether {@code list} holds {@code value}, numbers compared by value (1 equals 1.0). */
    static boolean containsValue(Iterable<JsonNode> list, JsonNode value) {
        for (JsonNode element : list) {
            if (sameValue(element, value)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the element of {@code list} that {@code item} identifies, or -1. */
    static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
        JsonNode id = identity(item, mergeKey);
        for (int i = 0; i < list.size(); i++) {
            if (sameValue(identity(list.get(i), mergeKey), id)) {
                return i;
            }
        }
        return -1;
    }

    static boolean sameValue(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static JsonNode identity(JsonNode item, String mergeKey) {
        return mergeKey == null ? item : item.get(mergeKey);
    }

    private static int rank(List<JsonNode> list, JsonNode item, String mergeKey) {
        int index = indexOf(list, item, mergeKey);
        return index >= 0 ? index : Integer.MAX_VALUE;
    }

    /** mergeSortedSlice: takes a server-only item only when the server list puts it before the next patch item. */
    private static List<JsonNode> interleave(List<JsonNode> serverOnly, List<JsonNode> named,
            List<JsonNode> serverOrder, String mergeKey) {
        List<JsonNode> result = new ArrayList<>(serverOnly.size() + named.size());
        int i = 0;
        int j = 0;
        while (i < serverOnly.size() && j < named.size()) {
            int left = indexOf(serverOrder, serverOnly.get(i), mergeKey);
            int right = indexOf(serverOrder, named.get(j), mergeKey);
            if (left >= 0 && right >= 0 && left < right) {
                result.add(serverOnly.get(i++));
            } else {
                result.add(named.get(j++));
            }
        }
        result.addAll(serverOnly.subList(i, serverOnly.size()));
        result.addAll(named.subList(j, named.size()));
        return result;
    }
}
