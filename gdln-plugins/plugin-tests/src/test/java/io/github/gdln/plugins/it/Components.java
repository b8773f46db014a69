package io.github.gdln.plugins.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.gdln.api.Params;
import java.util.HashMap;
import java.util.Map;

/** Reads a component's defaults the way the host's Registry does: the reference.conf of the plugin's class loader. */
final class Components {
    private Components() {
    }

    static Params params(ClassLoader loader, String path, String owner, Map<String, Object> values) {
        Config ref = ConfigFactory.defaultReference(loader);
        Map<String, Object> merged = new HashMap<>(ref.getConfig(path).root().unwrapped());
        merged.putAll(values);
        return new Params(owner, merged);
    }
}
