package io.drover.scheduler;

/** One topology domain: the nodes whose label {@code key} is {@code value} (a zone, a host, ...). */
record TopologyDomain(String key, String value) {}
