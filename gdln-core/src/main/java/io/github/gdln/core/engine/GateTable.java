package io.github.gdln.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Gives every distinct gate array (by content) a small integer id; id 0 is the open gate {1}. */
final class GateTable {
    private final Map<Key, Integer> ids = new HashMap<>();
    private final List<double[]> values = new ArrayList<>();

    private record Key(double[] v, int hash) {
        Key(double[] v) {
            this(v, Arrays.hashCode(v));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.v, v);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    GateTable() {
        id(new double[] {1.0});
    }

    int id(double[] gate) {
        return ids.computeIfAbsent(new Key(gate), k -> {
            values.add(gate);
            return values.size() - 1;
        });
    }

    double[] values(int id) {
        return values.get(id);
    }

    int size() {
        return values.size();
    }
}
