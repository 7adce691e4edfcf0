package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.HTTPHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * The headers of the kubelet's httpGet requests, probes and lifecycle hooks alike (pkg/probe/http
 * NewRequestForHTTPGetAction): the action's own, then {@code User-Agent: kube-<component>/1.32} and {@code Accept:
 * *}{@code /*} unless the action set them.
 */
public final class HttpGetHeaders {
    private HttpGetHeaders() {}

    /** Name and value pairs, in order; {@code userAgent} is {@code kube-probe/1.32} or {@code kube-lifecycle/1.32}. */
    public static List<String[]> of(List<HTTPHeader> actionHeaders, String userAgent) {
        List<String[]> headers = new ArrayList<>();
        boolean agent = false;
        boolean accept = false;
        if (actionHeaders != null) {
            for (HTTPHeader h : actionHeaders) {
                if (h.getName() == null || h.getName().isEmpty()) {
                    continue;
                }
                agent |= h.getName().equalsIgnoreCase("User-Agent");
                accept |= h.getName().equalsIgnoreCase("Accept");
                String value = h.getValue() == null ? "" : h.getValue();
                // An empty Accept or User-Agent removes it, as Go's client does.
                if (!value.isEmpty() || !(h.getName().equalsIgnoreCase("Accept")
                        || h.getName().equalsIgnoreCase("User-Agent"))) {
                    headers.add(new String[] {h.getName(), value});
                }
            }
        }
        if (!agent) {
            headers.add(new String[] {"User-Agent", userAgent});
        }
        if (!accept) {
            headers.add(new String[] {"Accept", "*/*"});
        }
        return headers;
    }
}
